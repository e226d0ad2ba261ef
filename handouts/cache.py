"""The per-user cache: data derived from input files, kept between runs.

What is kept here is a pure function of the bytes it was made from (its key is their
hash), so a cache entry is never stale and the folder can be deleted at any time: the
next run is slower, not different. Writing is best effort for the same reason: a cache
that cannot be written (a read-only home, a full disk) costs time, never a failure.

Only project inputs are cached (content, styles, fonts); patient data never is.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

# Where the cache lives instead of the user's cache folder: shared build runners, CI,
# and the tests (one folder per test run).
CACHE_ENV = "HANDOUTS_CACHE_DIR"
# Entries per kind of data before the least recently written half is removed. The
# bundled project has 19 content files; a health system's has hundreds, each edit
# adding one entry.
MAX_ENTRIES = 4096


def cache_root() -> Path:
    """``$HANDOUTS_CACHE_DIR``, else the platform's per-user cache folder."""
    if folder := os.environ.get(CACHE_ENV):
        return Path(folder)
    import platformdirs  # only when no folder is given

    return Path(platformdirs.user_cache_dir("handouts", appauthor=False))


def cache_folder(kind: str) -> Path:
    """The folder for one kind of data (created on first write)."""
    return cache_root() / kind


def read_json(kind: str, key: str) -> Any | None:
    """The value stored under ``key``, or None when there is none (or it is unreadable:
    a torn or foreign file is a miss, and is overwritten by the next store)."""
    try:
        with (cache_folder(kind) / f"{key}.json").open("rb") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def write_json(kind: str, key: str, value: Any) -> None:
    """Store ``value`` under ``key``: written beside its place and renamed into it, so a
    reader in another process sees the whole entry or none."""
    folder = cache_folder(kind)
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    try:
        store_file(folder / f"{key}.json", text.encode("utf-8"))
        _prune(folder)
    except OSError:
        return


def store_file(path: Path, data: bytes) -> None:
    """Put an entry in the cache: written beside its place and renamed into it, so a
    reader in another process sees the whole entry or none, in a folder readable by
    this user only. Raises OSError; callers decide whether that matters."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".partial-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _prune(folder: Path) -> None:
    entries = list(folder.glob("*.json"))
    if len(entries) <= MAX_ENTRIES:
        return
    by_age = sorted(entries, key=lambda path: path.stat().st_mtime)
    for path in by_age[: len(entries) - MAX_ENTRIES // 2]:
        path.unlink(missing_ok=True)
