"""handouts: branded, print-ready, accessible patient handouts from plain data files.

The library API is what this package exports; the CLI is a thin layer over it.
"""

__version__ = "0.1.0"
