"""The one URL fetcher every document and stylesheet uses.

WeasyPrint reads any file or URL a document or stylesheet names unless its fetcher
refuses. Ours applies the rule in resources.py: ``data:`` URLs and files inside the
allowed folders, symlinks resolved first. A refused resource is skipped with a warning
naming the URL and why (the stylesheets were already checked, with file and line,
before anything rendered: an ``@import`` that would be refused stops the build there).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetchingError

from handouts.resources import allowed_roots, refusal


class ResourceRefused(URLFetchingError):  # type: ignore[misc]
    """A document or stylesheet asked for a resource outside the allowed folders.

    Not WeasyPrint's FatalURLFetchingError: the render goes on without the resource,
    and WeasyPrint logs the refusal, which the build reports as a warning."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"refused resource {url}: {reason}")
        self.url = url
        self.reason = reason


class SafeFetcher(URLFetcher):  # type: ignore[misc]
    def __init__(self, roots: Iterable[Path]) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = allowed_roots(roots)

    def fetch(self, url: str, headers: object = None) -> object:
        reason = refusal(url, self.roots)
        if reason is not None:
            raise ResourceRefused(url, reason)
        if urlsplit(url).scheme.lower() == "data":
            return super().fetch(url, headers)
        path = Path(url2pathname(unquote(urlsplit(url).path))).resolve()
        return super().fetch(path.as_uri(), headers)  # the resolved path, not the link
