"""Builds and packets on a real Dask cluster: a local one, two worker processes.

One cluster for the module (its start costs seconds); each test sends its own project
bundle. Kept short: a few documents each, compared with what the local executor
wrote (the session's shared build), byte for byte.
"""

from __future__ import annotations

import csv
import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

from handouts.builder import BuildOptions, BuildResult, build
from handouts.errors import BuildError
from handouts.packets import make_packets
from handouts.patients import read_patients
from handouts.project import load_project
from tests.conftest import REPO
from tests.helpers import share_font_instances

BRAND = "northfield-neurology"
SELECTION = {
    "conditions": ("cidp", "kawasaki-disease", "myasthenia-gravis"),
    "brands": (BRAND,),
    "languages": ("en",),
    "editions": ("standard",),
    "kinds": ("handout",),
}
DOCUMENTS = 3


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    """Two workers: one of a local cluster (its nanny restarts it when killed), and one
    started by hand as on another machine: in a folder of its own, with a cache of its
    own, never told where the project is."""
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    cache = tmp_path_factory.mktemp("worker-cache")
    share_font_instances(cache)
    env = {**os.environ, "HANDOUTS_CACHE_DIR": str(cache), "PYTHONPATH": str(REPO)}
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0",
        silence_logs=40,
    ) as local, Client(local, set_as_default=False) as client:  # fmt: skip
        by_hand = subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", local.scheduler_address,
             "--nthreads", "1", "--no-nanny", "--no-dashboard", "--name", "elsewhere"],
            cwd=elsewhere, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            client.wait_for_workers(2, timeout=60)
            client.elsewhere_cache = cache  # type: ignore[attr-defined]
            yield client
        finally:
            by_hand.terminate()
            by_hand.wait(10)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _on(client: Client, **more: object) -> BuildOptions:
    return BuildOptions(executor="dask", scheduler=client.scheduler.address, **SELECTION, **more)  # type: ignore[arg-type]


def test_the_cluster_writes_the_bytes_the_local_executor_writes(
    cluster: Client, built: BuildResult, tmp_path: Path
) -> None:
    project = load_project(REPO / "handouts.toml")
    result = build(project, _on(cluster, output=tmp_path))
    assert not result.failed, [o.error for o in result.failed]
    assert len(result.built) == DOCUMENTS
    for outcome in result.built:
        assert _sha(outcome.path) == _sha(built.output_dir / outcome.job.output), outcome.job
    assert any("2 worker(s)" in notice for notice in result.notices)
    # The worker started elsewhere rendered from its own unpacked copy of the project.
    roots = cluster.run(_bundle_roots)
    cache = cluster.elsewhere_cache  # type: ignore[attr-defined]
    (theirs,) = [Path(r) for r in roots.values() if Path(r).is_relative_to(cache)]
    assert (theirs / "handouts.toml").is_file()
    assert theirs.parent == cache / "bundles"
    # The manifest is the client's, as with local workers: a second build keeps all.
    again = build(project, _on(cluster, output=tmp_path))
    assert len(again.skipped) == DOCUMENTS
    assert not again.built


def test_a_worker_killed_mid_batch_loses_no_document(cluster: Client, tmp_path: Path) -> None:
    project = load_project(REPO / "handouts.toml")
    # The worker started by hand (as a machine lost for good: nothing restarts it);
    # the local cluster's worker goes on alone.
    names, pids = cluster.run(_name), cluster.run(os.getpid)
    victim = next(pid for address, pid in pids.items() if names[address] == "elsewhere")
    killed = threading.Event()

    def kill_one(outcome: object) -> None:
        if not killed.is_set():  # after the first document: the others are in flight
            killed.set()
            os.kill(victim, signal.SIGKILL)

    result = build(project, _on(cluster, output=tmp_path, force=True), on_done=kill_one)
    assert killed.is_set()
    assert not result.failed, [o.error for o in result.failed]
    assert len(result.built) == DOCUMENTS
    assert all(o.path is not None and o.path.is_file() for o in result.built)
    deadline = time.monotonic() + 30  # the scheduler has let the lost worker go
    while len(cluster.scheduler_info()["workers"]) != 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(cluster.scheduler_info()["workers"]) == 1


def test_a_cluster_running_other_versions_is_refused(cluster: Client, tmp_path: Path) -> None:
    def pretend(version: str) -> None:
        import handouts
        from handouts.cluster.versions import versions
        from handouts.inputs import code_fingerprint

        handouts.__version__ = version
        versions.cache_clear()
        code_fingerprint.cache_clear()

    cluster.run(pretend, "0.0.1-elsewhere")
    try:
        project = load_project(REPO / "handouts.toml")
        with pytest.raises(BuildError) as refused:
            build(project, _on(cluster, output=tmp_path))
        message = refused.value.format_message()
        assert "handouts 0.0.1-elsewhere (here " in message
        for address in cluster.scheduler_info()["workers"]:
            assert f"worker {address} runs" in message
        assert not list(tmp_path.rglob("*.pdf"))
    finally:
        import handouts

        cluster.run(pretend, handouts.__version__)


def _name(dask_worker: object) -> str:  # client.run passes the worker by this name
    return str(dask_worker.name)  # type: ignore[attr-defined]


def _bundle_roots() -> str:
    from handouts.cluster import remote

    (warm,) = remote._WARM.values()
    return str(warm.project.root)


def test_packets_on_the_cluster_leave_no_trace_in_logs_or_task_names(
    cluster: Client, tmp_path: Path
) -> None:
    source = REPO / "examples" / "patients.csv"
    rows = read_patients(source)[:3]  # three patients, three conditions
    with source.open(newline="", encoding="utf-8") as handle:
        names = [row["name"] for row in csv.DictReader(handle)][:3]
    project = load_project(REPO / "handouts.toml")
    options = BuildOptions(executor="dask", scheduler=cluster.scheduler.address)
    outcomes = make_packets(project, rows, tmp_path / "packets", options=options)
    made = [o for o in outcomes if o.path is not None]
    assert len(made) == len([r for r in rows if r.patient is not None])
    assert all(o.path.stat().st_mode & 0o777 == 0o600 for o in made)
    time.sleep(0.5)  # let the workers flush what they log
    said = [str(cluster.get_worker_logs()), str(cluster.get_scheduler_logs())]
    said.append(str(cluster.run_on_scheduler(_task_names)))
    text = "\n".join(said)
    for name in names:
        for part in name.split():
            if len(part) > 3:
                assert part not in text, part


def _task_names(dask_scheduler: object) -> list[str]:
    return [str(key) for key in dask_scheduler.task_prefixes] + [  # type: ignore[attr-defined]
        str(key)
        for key in dask_scheduler.tasks  # type: ignore[attr-defined]
    ]
