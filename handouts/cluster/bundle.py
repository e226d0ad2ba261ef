"""A project's inputs as one content-addressed archive, for workers that cannot see it.

No shared file system is assumed: the client packs every file a build reads from the
project (content, templates, styles, brand folders, catalogs, ``handouts.toml``, the
project's stylesheets) into a tar archive whose name is the hash of what it holds.
Each worker unpacks it once into its own cache, under that name, and renders from
there, whatever folder it was started in. The package's own defaults and the fonts
are not sent: they come with the installed packages, whose versions the client checks
(versions.py).
"""

from __future__ import annotations

import hashlib
import io
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from handouts.cache import cache_root
from handouts.config import CONFIG_NAME
from handouts.errors import BuildError
from handouts.project import Project

OUTSIDE = ".stylesheets"  # where a stylesheet given from outside the project goes
SKIP = {"__pycache__", ".git", ".DS_Store"}


@dataclass(frozen=True)
class Bundle:
    digest: str  # sha256 over every (path, content): the archive's name
    data: bytes  # the tar archive
    stylesheets: tuple[str, ...]  # those given on the command line, as paths inside it
    files: int


def make_bundle(project: Project) -> Bundle:
    root = project.root.resolve()
    chosen: dict[str, Path] = {}
    for folder in project.input_folders():
        folder = folder.resolve()
        if not folder.is_relative_to(root):
            continue  # the package's defaults: installed on every worker
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not SKIP.intersection(path.relative_to(root).parts):
                chosen[path.relative_to(root).as_posix()] = path
    config = project.config.config_path
    if config is not None:
        chosen[CONFIG_NAME] = config
    listed = len(project.config.settings.stylesheets)  # the first ones; then -s ones
    given = []
    for number, sheet in enumerate(project.stylesheets):
        sheet = sheet.resolve()
        inside = sheet.is_relative_to(root)
        if number < listed and not inside:
            raise BuildError(
                f"stylesheet {sheet} (handouts.toml) is outside the project folder, so a "
                "cluster's workers cannot be sent it: move it into the project"
            )
        name = sheet.relative_to(root).as_posix() if inside else f"{OUTSIDE}/{number}/{sheet.name}"
        chosen[name] = sheet
        if number >= listed:
            given.append(name)
    digest = hashlib.sha256()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name in sorted(chosen):
            data = chosen[name].read_bytes()
            digest.update(f"{name}\0{hashlib.sha256(data).hexdigest()}\n".encode())
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, 0  # the same bytes anywhere
            archive.addfile(info, io.BytesIO(data))
    return Bundle(digest.hexdigest(), buffer.getvalue(), tuple(given), len(chosen))


def unpacked(bundle_digest: str, data: bytes) -> Path:
    """The bundle's folder in this machine's cache, unpacked once (atomically: two
    workers of one machine may start together)."""
    target = cache_root() / "bundles" / bundle_digest
    if (target / ".complete").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".partial-", dir=target.parent))
    try:
        with tarfile.open(fileobj=io.BytesIO(data)) as archive:
            archive.extractall(staging, filter="data")  # no links out, no absolute paths
        (staging / ".complete").touch()
        try:
            staging.rename(target)
        except OSError:
            if not (target / ".complete").is_file():  # not another worker's: a real error
                raise BuildError(f"cannot unpack the project into {target}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
