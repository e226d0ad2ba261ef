"""Page images of the preview's PDFs, named by their own content.

A page image's name is the hash of its PNG bytes, so a rebuild that leaves a page as it
was leaves its name as it was: the browser replaces only the images whose names
changed, and serves the rest from its cache (``immutable``). Which images a PDF has is
kept by the PDF's hash, so a document that did not change is never drawn again, also
across restarts of the server.

pdfium is not thread-safe: every call into it holds one lock.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import threading
from pathlib import Path

from handouts.output import make_folder, write_atomic

PAGE_DPI = 110  # a letter page 935 px wide: readable beside the findings, sharp at 1x
THUMB_DPI = 28  # page 1 on the index, 238 px wide, shown at half that on a 2x screen
NAME = re.compile(r"[0-9a-f]{32}")  # what an image's name may be (the URL is checked)
_PDFIUM = threading.Lock()


class PageImages:
    """The images folder of one preview: ``<hash>.png`` files and their index."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        make_folder(folder)
        self._index_path = folder / "index.json"
        self._index: dict[str, list[str]] = _read_index(self._index_path)
        self._lock = threading.Lock()

    def pages(self, pdf: Path, sha256: str) -> list[str]:
        """The names of every page's image at PAGE_DPI, drawing them if not yet drawn."""
        return self._images(pdf, sha256, PAGE_DPI, first_only=False)

    def thumbnail(self, pdf: Path, sha256: str) -> str | None:
        """The name of page 1's small image."""
        found = self._images(pdf, sha256, THUMB_DPI, first_only=True)
        return found[0] if found else None

    def path(self, name: str) -> Path | None:
        """The file of an image by name; None for anything that is not one of ours."""
        if not NAME.fullmatch(name):
            return None
        path = self.folder / f"{name}.png"
        return path if path.is_file() else None

    def _images(self, pdf: Path, sha256: str, dpi: int, *, first_only: bool) -> list[str]:
        key = f"{sha256}:{dpi}"
        with self._lock:
            found = self._index.get(key)
        if found is not None and all((self.folder / f"{n}.png").is_file() for n in found):
            return found
        names = [self._store(png) for png in _draw(pdf, dpi, first_only)]
        with self._lock:
            self._index[key] = names
            write_atomic(self._index_path, json.dumps(self._index).encode())
        return names

    def _store(self, png: bytes) -> str:
        name = hashlib.sha256(png).hexdigest()[:32]
        path = self.folder / f"{name}.png"
        if not path.is_file():
            write_atomic(path, png, mode=0o600)
        return name

    def prune(self, keep: set[str]) -> int:
        """Remove the images of PDFs no longer previewed (``keep``: their hashes)."""
        with self._lock:
            self._index = {k: v for k, v in self._index.items() if k.split(":")[0] in keep}
            used = {name for names in self._index.values() for name in names}
            write_atomic(self._index_path, json.dumps(self._index).encode())
        removed = 0
        for path in self.folder.glob("*.png"):
            if path.stem not in used:
                path.unlink(missing_ok=True)
                removed += 1
        return removed


def _draw(pdf: Path, dpi: int, first_only: bool) -> list[bytes]:
    import pypdfium2 as pdfium  # only the server draws pages

    pngs = []
    with _PDFIUM:
        document = pdfium.PdfDocument(pdf)
        try:
            count = 1 if first_only else len(document)
            for index in range(count):
                page = document[index]
                image = page.render(scale=dpi / 72).to_pil()
                page.close()
                buffer = io.BytesIO()
                # Fast over small: these go over loopback, and are redrawn on every save.
                image.save(buffer, "PNG", compress_level=1)
                pngs.append(buffer.getvalue())
        finally:
            document.close()
    return pngs


def _read_index(path: Path) -> dict[str, list[str]]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        str(k): [str(n) for n in v if NAME.fullmatch(str(n))]
        for k, v in data.items()
        if isinstance(v, list)
    }
