"""The one URL fetcher every document and stylesheet uses.

WeasyPrint reads any file or URL a document or stylesheet names unless its fetcher
refuses. Ours allows ``data:`` URLs and files inside the project's allowed roots
(project folder, the package's default templates and styles, installed font packages),
with symlinks resolved before the check; anything else stops the render with an error
naming the URL.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import FatalURLFetchingError, URLFetcher

# Device and process files are never a resource, even inside a root via a symlink.
FORBIDDEN = (Path("/dev"), Path("/proc"), Path("/sys"))


class ResourceRefused(FatalURLFetchingError):  # type: ignore[misc]
    """A document or stylesheet asked for a resource outside the allowed roots."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"refused resource {url}: {reason}")
        self.url = url
        self.reason = reason


class SafeFetcher(URLFetcher):  # type: ignore[misc]
    def __init__(self, roots: Iterable[Path]) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = tuple(sorted({Path(root).resolve() for root in roots}))

    def fetch(self, url: str, headers: object = None) -> object:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise ResourceRefused(url, f"{scheme or 'relative'} URLs are not allowed")
        path = Path(url2pathname(unquote(urlsplit(url).path))).resolve()
        if any(path.is_relative_to(bad) for bad in FORBIDDEN):
            raise ResourceRefused(url, "device and system files are not allowed")
        if not any(path.is_relative_to(root) for root in self.roots):
            raise ResourceRefused(url, "outside the project's allowed folders")
        if not path.is_file():
            raise ResourceRefused(url, "file not found")
        return super().fetch(path.as_uri(), headers)
