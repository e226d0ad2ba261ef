"""Writing files so that a reader only ever sees a whole file or none.

Each file is written to a temporary name in its target folder, flushed to disk and
renamed over the target (a rename within one folder is atomic on POSIX). A build that
is interrupted leaves at most a stray temporary file, never a truncated PDF; its
name (``.partial-handouts-<random><suffix>``) is ours alone, so the next build's
clean-up removes only what a build of ours left.

Folder problems (a folder where a file should go, a full disk) are reported in plain
words, naming the file or folder, through :class:`OutputError`.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from handouts.errors import BuildError, HandoutsError, display_path

TEMP_PREFIX = ".partial-handouts-"
# mkstemp's random part is 8 characters of [a-z0-9_]; the suffix is the target's.
TEMP_NAME = re.compile(rf"^{re.escape(TEMP_PREFIX)}[a-z0-9_]{{8}}(\.[A-Za-z0-9]{{1,10}})?$")
LOCK_NAME = ".handouts.lock"

# What an OSError means for a person looking at the output folder.
_REASONS = {
    errno.EISDIR: "a folder has that name",
    errno.ENOTDIR: "a file has that name",
    errno.EEXIST: "a file has that name",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "the file system is read-only",
    errno.ENAMETOOLONG: "the name is too long",
    errno.ENOENT: "its folder does not exist",
    errno.ELOOP: "a symbolic link loops",
    errno.EIO: "input/output error on the device",
}


class OutputError(BuildError):
    """A file or folder of the output could not be written."""


def reason(exc: OSError) -> str:
    """An OSError in plain words: "permission denied", "no space left on device"."""
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    return os.strerror(exc.errno).lower() if exc.errno else str(exc)


def blocked_folder(folder: Path) -> Path | None:
    """The nearest part of ``folder``'s path that exists and is not a folder, if any:
    a file standing where a folder must be created."""
    for part in (folder, *folder.parents):
        if part.is_dir():
            return None
        if part.exists() or part.is_symlink():
            return part
    return None


def make_folder(folder: Path) -> None:
    """``mkdir -p``, with a failure in plain words naming the folder at fault."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        blocked = blocked_folder(folder)
        if blocked is not None:
            raise OutputError(
                f"cannot create folder {display_path(blocked)}: a file has that name"
            ) from None
        # ENOENT from mkdir -p means the place refuses new folders (/proc), not a gap.
        why = "folders cannot be created there" if exc.errno == errno.ENOENT else reason(exc)
        raise OutputError(f"cannot create folder {display_path(folder)}: {why}") from None


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` whole or not at all: through a temporary file in the
    same folder (created readable by its owner only), given ``mode`` and renamed into
    place."""
    make_folder(path.parent)
    try:
        fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=path.suffix, dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {display_path(path)}: {reason(exc)}") from None
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temp.chmod(mode)
        temp.replace(path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {display_path(path)}: {reason(exc)}") from None
        raise
    _fsync_dir(path.parent)


def remove_file(path: Path) -> bool:
    """Remove a file the build wrote before (never a folder); True if there was one."""
    if path.is_dir() and not path.is_symlink():
        return False
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise OutputError(f"cannot remove {display_path(path)}: {reason(exc)}") from None
    return True


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def exclusive(folder: Path) -> Iterator[None]:
    """Hold the output folder for one build: a second build into the same folder at the
    same time is refused, not interleaved. The lock goes with the process, so a
    killed build never leaves the folder locked."""
    make_folder(folder)
    lock = folder / LOCK_NAME
    try:
        handle = lock.open("a")
    except OSError as exc:
        raise OutputError(f"cannot write {display_path(lock)}: {reason(exc)}") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise HandoutsError(
                f"another build is writing to {folder}; wait for it or use --out"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def remove_partials(folders: Iterable[Path]) -> int:
    """Delete the temporary files a killed build of ours left in the folders a build
    writes to: only names of our own pattern, only in those folders (not below them),
    never a finished file (those only ever appear by rename). Another program's
    ``.partial-notes.txt`` is not ours to delete. Call with the output folder held by
    ``exclusive``."""
    removed = 0
    for folder in dict.fromkeys(folders):
        try:
            entries = list(os.scandir(folder))
        except OSError:  # not there (yet), or not a folder: nothing of ours in it
            continue
        for entry in entries:
            if TEMP_NAME.match(entry.name) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(FileNotFoundError):
                    Path(entry.path).unlink()
                    removed += 1
    return removed
