"""The stylesheets of a document, in cascade order, named so they can be hashed and
parsed once (render.py keeps each parsed sheet by its key).

Kept apart from the renderer so that deciding what is up to date never imports
WeasyPrint: a no-op build must start fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from handouts.brand import Brand
from handouts.defaults import default_styles
from handouts.i18n import ENGLISH, N_, Translate, text_direction
from handouts.jobs import BuildSettings, Job


@dataclass(frozen=True)
class Stylesheet:
    """A stylesheet by file, or generated text with a name that keys the cache."""

    path: Path | None = None
    text: str | None = None
    name: str = ""

    @property
    def key(self) -> str:
        return str(self.path) if self.path else f"<{self.name}>"


def stylesheets(
    job: Job, brand: Brand, build: BuildSettings, extra: list[Path], _: Translate = ENGLISH
) -> list[Stylesheet]:
    """The cascade, last wins: defaults, paper size, the brand, the edition (large print
    must win over a brand's sizes), print-shop page marks, then the project's own
    stylesheets (``--stylesheet``), the way WeasyPrint's ``-s`` adds to a document."""
    styles = default_styles()
    kind = job.kind
    sheets = [Stylesheet(styles / "base.css"), Stylesheet(styles / f"{kind}.css")]
    if build.paper == "a4":
        size = "A4 landscape" if kind == "summary" else "A4"
        sheets.append(Stylesheet(text=f"@page {{ size: {size}; }}", name=f"paper-{kind}-a4"))
    if brand.stylesheet:
        sheets.append(Stylesheet(brand.stylesheet))
    if job.edition == "large-print":
        sheets.append(Stylesheet(styles / "large-print.css"))
    if build.print_shop:
        sheets.append(Stylesheet(styles / "print-shop.css"))
    if (labels := page_labels(job, _)) is not None:
        sheets.append(labels)
    sheets += [Stylesheet(path) for path in extra]
    return sheets


def tight_spacing() -> Stylesheet:
    """The stylesheet of a handout's second, tighter layout."""
    return Stylesheet(default_styles() / "fit-tight.css")


# Where each kind of document prints "Page N of M" (handout.css, large-print.css,
# summary.css): CSS has no gettext, so another language gets these rules generated.
_PAGE_NUMBER_RULES = {
    ("handout", "standard"): ".page-number::after {{ content: {}; }}",
    ("handout", "large-print"): "@page {{ @top-right {{ content: {}; }} }}",
    ("summary", "standard"): "@page {{ @bottom-right {{ content: {}; }} }}",
}
# Right to left the number is in the other corner: the stylesheets name those pages
# "rtl" and cross the margin boxes over in @page rtl rules (base.css). The handout's
# number is in its footer, which mirrors like the rest of the page.
_RTL_PAGE_NUMBER_RULES = {
    **_PAGE_NUMBER_RULES,
    ("handout", "large-print"): "@page rtl {{ @top-left {{ content: {}; }} }}",
    ("summary", "standard"): "@page rtl {{ @bottom-left {{ content: {}; }} }}",
}
PAGE_OF = N_("Page %(page)s of %(pages)s")


def page_labels(job: Job, _: Translate) -> Stylesheet | None:
    """The "Page N of M" rule in the document's language; None when it is English."""
    # The page's direction is its text's (context.py sets dir from the same language).
    rtl = text_direction(job.content_lang) == "rtl"
    rule = (_RTL_PAGE_NUMBER_RULES if rtl else _PAGE_NUMBER_RULES).get((job.kind, job.edition))
    text = _(PAGE_OF, page="\0page\0", pages="\0pages\0")
    if rule is None or text == PAGE_OF % {"page": "\0page\0", "pages": "\0pages\0"}:
        return None
    parts = []
    for piece in text.split("\0"):
        if piece in {"page", "pages"}:
            parts.append(f"counter({piece})")
        elif piece:
            escaped = piece.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
            parts.append(f'"{escaped}"')
    content = " ".join(parts)
    return Stylesheet(
        text=rule.format(content),
        name=f"page-labels-{job.content_lang}-{job.kind}-{job.edition}",
    )
