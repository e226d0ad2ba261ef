"""Builds and packets on a Dask cluster: the client (executor.py), what runs on the
workers (remote.py), the project sent to them (bundle.py) and what they must share
(versions.py)."""
