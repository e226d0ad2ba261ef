"""A build that has nothing to do, answered before the project is loaded.

After a build that wrote or kept every document it planned, a stamp records what that
build depended on: every file under the project's input folders (content, templates,
stylesheets, brands, catalogs, the package's defaults, the fonts) and this package's
own code with its size, modification time and hash, every such folder's modification
time (a file added or removed changes it), the modification time of the folders
libraries are installed in (an upgrade of WeasyPrint renames its metadata folder
there), and every file the build left in the output folder. It is kept
in the per-user cache (cache.py) under a key made of the command (the options as
given, the configuration file, the working folder), the date (review warnings depend
on it), SOURCE_DATE_EPOCH and the package version.

The same command run again first looks for its stamp. When every file still has its
size and time (or, after a touch or a checkout, its hash), nothing the build would
read has changed and every output is as it was written: the build is answered from
the stamp, warnings and all, without parsing one YAML file or importing the renderer.
Anything else (a file edited, added, removed or broken, an output deleted or edited,
another day) misses, and the build runs and reports as always. Only this module and
the standard library are imported to decide.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from handouts import __version__, cache
from handouts.defaults import PACKAGE_DIR
from handouts.output import sha256_file

if TYPE_CHECKING:
    from handouts.builder import BuildResult
    from handouts.project import Project

KIND = "build-stamps"
# A project whose input folders hold more files than this is not stamped: checking
# the stamp would cost what it saves (a stylesheet kept in a folder of many files).
MAX_FILES = 5000
# File times come from the kernel's coarse clock, which may lag the wall clock by a
# tick: a file changed just after the build started could look older than the start.
CLOCK_SLACK_NS = 100_000_000
# Folders never walked: version control, virtual environments, caches.
SKIPPED = frozenset({".git", ".hg", ".svn", ".venv", "venv", "__pycache__", "node_modules"})


@dataclass
class Stamp:
    output_dir: str  # as the summary line prints it
    documents: int  # up to date, all of them
    messages: list[str]  # what the build printed on stderr (warnings, notes), in order
    files: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # size, mtime, sha256
    folders: dict[str, int] = field(default_factory=dict)  # mtime

    def summary_line(self, seconds: float) -> str:
        """What the build's last line says when it kept everything (progress.py)."""
        return f"built 0, {self.documents} up to date: {self.output_dir} ({seconds:.1f} s)"


def stamp_key_of(options: dict[str, Any], config: Path | None) -> str:
    """The key of a build command's stamp: what it was asked (``options``, the
    command's parameters as parsed), where, when, by which version."""
    parts = {
        "options": options,
        "config": str(config.absolute()) if config is not None else None,
        "cwd": str(Path.cwd()),
        "date": today().isoformat(),
        "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH"),
        "version": __version__,
        "python": [sys.executable, sys.version],
    }
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def today() -> dt.date:
    return dt.date.today()


def fresh_stamp(key: str) -> Stamp | None:
    """The stamp of ``key`` if nothing it records has changed since, else None."""
    data = cache.read_json(KIND, key)
    if not isinstance(data, dict):
        return None
    try:
        stamp = Stamp(
            output_dir=str(data["output_dir"]),
            documents=int(data["documents"]),
            messages=[str(m) for m in data["messages"]],
            files={k: (int(v[0]), int(v[1]), str(v[2])) for k, v in data["files"].items()},
            folders={k: int(v) for k, v in data["folders"].items()},
        )
    except (TypeError, KeyError, ValueError, IndexError, AttributeError):
        return None  # not one of ours
    for folder, mtime in stamp.folders.items():
        try:
            if Path(folder).stat().st_mtime_ns != mtime:
                return None
        except OSError:
            return None
    for path, (size, mtime, digest) in stamp.files.items():
        try:
            status = Path(path).stat()
        except OSError:
            return None
        if status.st_size != size:
            return None
        if status.st_mtime_ns != mtime and _digest(Path(path)) != digest:
            return None  # touched and changed (touched alone, by a checkout, is fine)
    return stamp


def stamp_build(key: str, project: Project, result: BuildResult, started_ns: int) -> bool:
    """Stamp a build that finished with every planned document written or kept. What a
    no-op build of the same command prints is kept with it: the project's warnings and
    the build's notes. ``started_ns`` is the wall clock (time.time_ns) before the build
    read anything: an input modified since may have been read before or after its
    change, so the build is not stamped, and the next one decides."""
    if result.failed or result.stopped or result.interrupted:
        return False  # the next run must try (and report) them again
    messages = [str(warning) for warning in project.warnings]
    messages += [f"note: {notice}" for notice in result.notices]
    outputs = [outcome.path for outcome in result.outcomes if outcome.path is not None]
    if result.manifest is not None:
        outputs.append(result.manifest)
    return save_stamp(
        key,
        [*project.input_folders(), PACKAGE_DIR],
        project.input_files(),
        outputs,
        str(result.output_dir),
        len(result.outcomes),
        messages,
        started_ns,
    )


def save_stamp(
    key: str,
    input_folders: Iterable[Path],
    input_files: Iterable[Path],
    outputs: Iterable[Path],
    output_dir: str,
    documents: int,
    messages: list[str],
    started_ns: int | None = None,
) -> bool:
    """Record a finished build. ``input_folders`` are walked whole (skipping the output
    folder within them); ``input_files`` and ``outputs`` are taken as they are. False,
    and nothing stored, when there is too much to check quickly."""
    outputs = [Path(p) for p in outputs]
    skip = {Path(output_dir).resolve()}
    stamp = Stamp(output_dir=output_dir, documents=documents, messages=messages)
    for folder in _library_folders():
        stamp.folders[str(folder)] = folder.stat().st_mtime_ns
    files: dict[str, Path] = {}
    for folder in dict.fromkeys(Path(f).resolve() for f in input_folders):
        for found, is_folder in _walk(folder, skip):
            if is_folder:
                stamp.folders[str(found)] = found.stat().st_mtime_ns
            else:
                files[str(found)] = found
            if len(files) > MAX_FILES:
                return False
    for path in input_files:
        files[str(Path(path).resolve())] = Path(path).resolve()
    inputs = set(files)
    for path in outputs:
        files[str(Path(path).resolve())] = Path(path).resolve()
    for name, path in files.items():
        try:
            status = Path(path).stat()
        except OSError:
            return False  # gone while recording: the next build decides
        if (
            name in inputs
            and started_ns is not None
            and status.st_mtime_ns >= started_ns - CLOCK_SLACK_NS
        ):
            return False  # changed while the build ran
        digest = _digest(path)
        if digest is None:
            return False  # unreadable: the next build decides
        stamp.files[name] = (status.st_size, status.st_mtime_ns, digest)
    cache.write_json(KIND, key, asdict(stamp))
    return True


def _library_folders() -> list[Path]:
    """The folders the installed libraries are in (not walked: an install, an upgrade
    or a removal adds or renames an entry, which changes the folder's time)."""
    found = [entry for entry in sys.path if entry.endswith(("site-packages", "dist-packages"))]
    return [Path(folder).resolve() for folder in found if Path(folder).is_dir()]


def _walk(folder: Path, skip: set[Path]) -> Iterator[tuple[Path, bool]]:
    """The folder itself, then everything below it, files and folders."""
    if not folder.is_dir() or folder in skip:
        return
    yield folder, True
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.is_dir():
            if entry.name not in SKIPPED and path.resolve() not in skip:
                yield from _walk(path, skip)
        elif entry.is_file():
            yield path, False


def _digest(path: Path) -> str | None:
    """The file's sha256, or None when it cannot be read."""
    try:
        return sha256_file(path)
    except OSError:
        return None
