"""HTML to PDF with WeasyPrint, warm: one FontConfiguration and parsed stylesheets
reused across every document of a process (re-parsing CSS per document costs more
than the layout; Kozea/WeasyPrint#618).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from weasyprint import CSS, HTML, Document
from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
from weasyprint.text.fonts import FontConfiguration

from handouts.fetcher import SafeFetcher
from handouts.font_instances import Instance
from handouts.fonts import font_face_css
from handouts.jobs import DEFAULT_VARIANT, Stylesheet


def fast_subsetting() -> bool:
    """Whether WeasyPrint subsets fonts with HarfBuzz (libharfbuzz-subset0, about 36 ms
    a page) rather than fontTools (about 260 ms): the test WeasyPrint itself makes."""
    return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))


def pdf_options(variant: str = DEFAULT_VARIANT) -> dict[str, object]:
    """WeasyPrint options: tagged for screen readers, in the given PDF variant."""
    options: dict[str, object] = {"pdf_tags": True, "pdf_variant": variant}
    if variant.startswith("pdf/x"):
        # WeasyPrint's PDF/X defaults expect a CMYK profile we do not ship; the pages
        # are RGB, so the output intent says sRGB (the shop's RIP converts).
        options["output_intent"] = "srgb"
    return options


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _weasyprint_warnings() -> Iterator[list[str]]:
    """Collect WeasyPrint's warnings (ignored CSS, missing glyphs) for the caller to show."""
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    previous = logger.propagate
    logger.propagate = False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous


class Renderer:
    """Renders documents in this process, keeping fonts and parsed CSS warm."""

    def __init__(self, roots: Sequence[Path], instances: Sequence[Instance] = ()) -> None:
        """``instances``: static instances of variable faces to declare ahead of them
        (font_instances.py), each already in the cache."""
        self.fetcher = SafeFetcher(roots)
        self.font_config = FontConfiguration()
        self._css: dict[str, CSS] = {}
        # The @font-face rules are the same for every document: generated once.
        self._fonts = Stylesheet(text=font_face_css(instances=instances), name="fonts")

    def stylesheet(self, sheet: Stylesheet) -> CSS:
        found = self._css.get(sheet.key)
        if found is None:
            if sheet.path is not None:
                found = CSS(
                    filename=str(sheet.path),
                    url_fetcher=self.fetcher,
                    font_config=self.font_config,
                )
            else:
                found = CSS(
                    string=sheet.text or "",
                    url_fetcher=self.fetcher,
                    font_config=self.font_config,
                )
            self._css[sheet.key] = found
        return found

    def layout(
        self,
        html: str,
        base_url: Path,
        sheets: Sequence[Stylesheet],
        warnings: list[str],
        variant: str = DEFAULT_VARIANT,
    ) -> Document:
        """Lay the document out into pages, without writing the PDF yet."""
        with _weasyprint_warnings() as found:
            stylesheets = [self.stylesheet(s) for s in (self._fonts, *sheets)]
            document = HTML(
                string=html, base_url=base_url.as_uri() + "/", url_fetcher=self.fetcher
            ).render(font_config=self.font_config, stylesheets=stylesheets, **pdf_options(variant))
        warnings += found
        return document

    def write(
        self, document: Document, epoch: int, warnings: list[str], variant: str = DEFAULT_VARIANT
    ) -> bytes:
        """The PDF bytes of a laid-out document; the same inputs give the same bytes.

        WeasyPrint turns the variable fonts that have no static instance declared
        (font_instances.py) into static ones with fontTools, which stamps each font's
        ``modified`` date with the current time unless SOURCE_DATE_EPOCH is set; it is
        set here, for the write only, to the document's own date.
        """
        previous = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = previous or str(epoch)
        try:
            with _weasyprint_warnings() as found:
                pdf: bytes = document.write_pdf(**pdf_options(variant))
        finally:
            if previous is None:
                del os.environ["SOURCE_DATE_EPOCH"]
        warnings += found
        return pdf
