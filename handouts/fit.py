"""Fitting a document to its page budget before giving up on it.

A handout has a page limit (2, or 4 in large print): if the laid-out pages run over,
it is laid out again with tighter spacing (``styles/fit-tight.css``; the type size does
not change). The clinician summary must be exactly one page: its type steps down from
8.5 pt to a floor of 7.5 pt. Past the last step the document fails, with a message
that says what to shorten: for the summary, its longest rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from weasyprint import Document

from handouts.defaults import default_styles
from handouts.render import Renderer, Stylesheet

SUMMARY_SIZES = (8.5, 8.25, 8.0, 7.75, 7.5)  # pt; 7.5 is the floor
POINTS_PER_INCH = 72


@dataclass
class Fitted:
    document: Document
    fits: bool
    step: str  # what it took: "", "tight spacing", "8.0 pt"
    problem: str = ""
    extra: list[Stylesheet] = field(default_factory=list)  # stylesheets the step added


def tight_spacing() -> Stylesheet:
    """The stylesheet of a handout's second, tighter layout."""
    return Stylesheet(default_styles() / "fit-tight.css")


def fit_handout(
    renderer: Renderer,
    html: str,
    base: Any,
    sheets: Sequence[Stylesheet],
    limit: int,
    warnings: list[str],
    variant: str,
) -> Fitted:
    steps = [("", []), ("tight spacing", [tight_spacing()])]
    document = None
    for label, extra in steps:
        document = renderer.layout(html, base, [*sheets, *extra], warnings, variant)
        if len(document.pages) <= limit:
            return Fitted(document, True, label, extra=extra)
    assert document is not None
    pages = len(document.pages)
    return Fitted(
        document,
        False,
        "tight spacing",
        f"{pages} pages, more than the {limit} allowed even with tight spacing; "
        "shorten the content",
    )


def fit_summary(
    renderer: Renderer,
    html: str,
    base: Any,
    sheets: Sequence[Stylesheet],
    warnings: list[str],
    variant: str,
) -> Fitted:
    document = None
    for size in SUMMARY_SIZES:
        step = Stylesheet(text=f"body.summary {{ font-size: {size}pt; }}", name=f"summary-{size}")
        document = renderer.layout(html, base, [*sheets, step], warnings, variant)
        if len(document.pages) == 1:
            return Fitted(document, True, f"{size:g} pt", extra=[step])
    assert document is not None
    rows = sorted(row_heights(document).items(), key=lambda item: -item[1])
    longest = ", ".join(f"{name} ({height / POINTS_PER_INCH:.1f} in)" for name, height in rows[:3])
    return Fitted(
        document,
        False,
        f"{SUMMARY_SIZES[-1]:g} pt",
        f"{len(document.pages)} pages even at {SUMMARY_SIZES[-1]:g} pt, the smallest type "
        f"allowed; the longest rows are {longest}: shorten them",
    )


def row_heights(document: Document) -> dict[str, float]:
    """Height in points of each table body row, by the text of its header cell."""
    heights: dict[str, float] = {}
    for page in document.pages:
        for box in _boxes(page._page_box):
            element = box.element
            if box.element_tag != "tr" or element is None or element.find("th") is None:
                continue
            name = " ".join("".join(element.find("th").itertext()).split())
            heights[name] = heights.get(name, 0.0) + box.height
    return heights


def _boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)
