"""``output/manifest.json``: every file a build wrote, with its inputs, sha256 and pages.

It makes runs auditable (which content version produced this PDF?) and, from the
inputs' hashes, lets a later build tell what is out of date.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from handouts import __version__
from handouts.output import write_atomic

MANIFEST_NAME = "manifest.json"


@dataclass
class Entry:
    path: str  # relative to the output folder, with forward slashes
    kind: str  # "handout", "summary" or "binder"
    brand: str
    lang: str
    format: str
    condition: str | None
    inputs: dict[str, str]  # input name -> sha256
    inputs_hash: str
    sha256: str
    bytes: int
    pages: int | None
    fit: str = ""  # the fitting step it took: a binder reuses it for an unchanged part


@dataclass
class Manifest:
    generator: str = f"handouts {__version__}"
    files: dict[str, Entry] = field(default_factory=dict)

    @classmethod
    def read(cls, output_dir: Path) -> Manifest:
        path = output_dir / MANIFEST_NAME
        try:
            data = json.loads(path.read_text("utf-8"))
            files = {item["path"]: Entry(**item) for item in data.get("files", [])}
        except (OSError, ValueError, TypeError, KeyError):
            return cls()  # absent or unreadable: the next write replaces it whole
        return cls(files=files)

    def record(self, entry: Entry) -> None:
        self.files[entry.path] = entry

    def forget(self, paths: list[str]) -> bool:
        """Drop the entries of files about to be rebuilt, so that a build killed half-way
        leaves no entry vouching for a file it may have replaced. True if any was."""
        dropped = [path for path in paths if self.files.pop(path, None) is not None]
        return bool(dropped)

    def prune(self, output_dir: Path) -> None:
        """Drop entries whose file is gone, so the manifest matches the disk."""
        self.files = {k: v for k, v in self.files.items() if (output_dir / k).is_file()}

    def to_json(self) -> dict[str, Any]:
        return {
            "generator": self.generator,
            "files": [asdict(self.files[key]) for key in sorted(self.files)],
        }

    def write(self, output_dir: Path) -> Path:
        path = output_dir / MANIFEST_NAME
        text = json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"
        write_atomic(path, text.encode("utf-8"))
        return path
