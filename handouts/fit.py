"""Fitting a document to its page budget before giving up on it.

A handout has a page limit (2, or 4 in large print): if the laid-out pages run over,
it is laid out again with tighter spacing (``styles/fit-tight.css``; the type size does
not change). Its QR code goes under the shorter of the last row's two columns: the
template guesses which from the text, and the layout checks the guess; when the other
column turns out shorter, the code is moved there and the page laid out again.

The clinician summary must be exactly one page: its type steps down from 8.5 pt to a
floor of 7.5 pt. Past the last step the document fails, with a message
that says what to shorten: for the summary, its longest rows.

WeasyPrint's public ``Page`` has sizes, links and bookmarks but no boxes: measuring
columns, rows and margin boxes reads ``page._page_box``, the one private attribute the
package uses (the fitting tests fail if an upgrade moves it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from weasyprint import Document
from weasyprint.formatting_structure.boxes import LineBox, MarginBox

from handouts.jobs import Stylesheet
from handouts.kinds import QR_MOVED, QR_SWAP, TIGHT, tight_spacing
from handouts.summary_layout import OVERFLOW_HELP, SHEETS

SUMMARY_SIZES = (8.5, 8.25, 8.0, 7.75, 7.5)  # pt; 7.5 is the floor
PX_PER_INCH = 96  # WeasyPrint lays out in CSS pixels
OVERFLOW_TOLERANCE = 0.5  # px: rounding, not a clipped line


@dataclass
class Fitted:
    document: Document
    fits: bool
    step: str  # what it took: "", "tight spacing", "8.0 pt"
    problem: str = ""
    extra: list[Stylesheet] = field(default_factory=list)  # stylesheets the step added


# Lays one document out with these stylesheets added to its own (the worker's).
LayoutCall = Callable[[list[Stylesheet]], Document]


def fit_handout(layout: LayoutCall, limit: int, hint: str | None = None) -> Fitted:
    """``hint`` is the step this document took when it was last built from the same
    inputs: it is tried first, so a binder part is laid out once, not twice."""
    hinted = (hint or "").split(", ")
    spacing = [("", []), (TIGHT, [tight_spacing()])]
    spacing.sort(key=lambda step: step[0] not in hinted)  # stable: the hinted step first
    moved = QR_MOVED in hinted
    document = None
    for label, extra in spacing:
        document = layout(_with(extra, moved))
        if not moved and qr_misplaced(document):
            moved = True  # then also at the tighter spacing: the columns keep their order
            document = layout(_with(extra, moved))
        if len(document.pages) <= limit:
            step = ", ".join(filter(None, [label, QR_MOVED if moved else ""]))
            return Fitted(document, True, step, extra=_with(extra, moved))
    assert document is not None
    pages = len(document.pages)
    return Fitted(
        document,
        False,
        TIGHT,
        f"{pages} pages, more than the {limit} allowed even with tight spacing; "
        "shorten the content",
    )


def _with(extra: list[Stylesheet], moved: bool) -> list[Stylesheet]:
    return [*extra, QR_SWAP] if moved else extra


def qr_misplaced(document: Document) -> bool:
    """Whether the QR code is under the taller of two side-by-side columns, measured
    without it. Large print stacks the columns: there, where it goes costs nothing."""
    heights = {"questions": 0.0, "terms": 0.0}
    lefts: dict[str, float] = {}
    shown = None
    for page in document.pages:
        for box in _boxes(page._page_box):
            classes = _classes(box)
            if "qr-slot" in classes:
                shown = "questions" if "qr-at-questions" in classes else "terms"
            column = (
                "questions"
                if "questions" in classes and box.element_tag == "section"
                else "terms"
                if "tools-aside" in classes
                else None
            )
            if column is None:
                continue
            lefts.setdefault(column, box.position_x)
            heights[column] += sum(
                child.margin_height()
                for child in box.children
                if hasattr(child, "margin_height") and "qr-slot" not in _classes(child)
            )
    if shown is None or len(lefts) < 2 or abs(lefts["questions"] - lefts["terms"]) < 1:
        return False
    other = "terms" if shown == "questions" else "questions"
    return heights[shown] > heights[other]


def _classes(box: Any) -> list[str]:
    element = box.element
    if element is None or not box.element_tag or box.element_tag.endswith("::marker"):
        return []
    return str(element.get("class") or "").split()


def summary_size(size: float) -> Stylesheet:
    return Stylesheet(text=f"body.summary {{ font-size: {size}pt; }}", name=f"summary-{size}")


def summary_sheet(sheet: str) -> Stylesheet:
    """The larger sheet a summary that outgrew its paper is printed on, landscape."""
    return Stylesheet(text=f"@page {{ size: {SHEETS[sheet]} landscape; }}", name=f"sheet-{sheet}")


def fit_summary(layout: LayoutCall, hint: str | None = None, overflow: str = "fail") -> Fitted:
    """The largest type at which the summary fits one page, from 8.5 pt down to the
    7.5 pt floor. Past the floor, ``overflow`` (the ``summary_overflow`` setting)
    decides: "fail"; "continue" on as few pages as fit at the floor, at the largest
    size that keeps to them; or one larger sheet ("legal", "tabloid", "a3").

    Each try is a binary search over the sizes (fewer pages at smaller sizes): two or
    three layouts instead of up to five, each about half a second. ``hint`` is the
    step the same inputs took last time, tried first: fitting is deterministic.
    """
    search = _SizeSearch(layout)
    larger = _SizeSearch(layout, overflow) if overflow in SHEETS else None
    for tried in filter(None, [search, larger]):
        if hint and (found := tried.hinted(hint)):
            return found
    found = search.largest(1)
    if found is not None:
        return found
    document = search.smallest
    if larger is not None:
        found = larger.largest(1)
        if found is not None:
            return found
        document = larger.smallest
    elif overflow == "continue":
        found = search.largest(len(document.pages))
        assert found is not None  # the floor itself fits that many
        return found
    heights = row_heights(document)
    last = list(heights)[-1]
    longest = sorted(heights.items(), key=lambda item: -item[1])[:3]
    where = f" on {overflow} paper" if overflow in SHEETS else ""
    remedy = OVERFLOW_HELP if overflow == "fail" else 'set summary_overflow = "continue"'
    return Fitted(
        document,
        False,
        search.labels[-1],
        f"{len(document.pages)} pages{where} even at {SUMMARY_SIZES[-1]:g} pt, the smallest "
        f"type allowed; the last row, {last}, does not fit on one page: {remedy}, or "
        "shorten the longest rows: "
        + ", ".join(f"{name} ({height / PX_PER_INCH:.1f} in)" for name, height in longest),
    )


class _SizeSearch:
    """Lays the summary out at the sizes it is asked for, once each."""

    def __init__(self, layout: LayoutCall, sheet: str = "") -> None:
        self.layout = layout
        self.prefix = [summary_sheet(sheet)] if sheet else []
        self.labels = [", ".join(filter(None, [sheet, f"{size:g} pt"])) for size in SUMMARY_SIZES]
        self.laid_out: dict[int, Document] = {}

    def pages(self, index: int) -> int:
        if index not in self.laid_out:
            self.laid_out[index] = self.layout([*self.prefix, summary_size(SUMMARY_SIZES[index])])
        return len(self.laid_out[index].pages)

    @property
    def smallest(self) -> Document:
        self.pages(len(SUMMARY_SIZES) - 1)
        return self.laid_out[len(SUMMARY_SIZES) - 1]

    def fitted(self, index: int) -> Fitted:
        pages = self.pages(index)
        label = self.labels[index] if pages == 1 else f"{pages} pages, {self.labels[index]}"
        extra = [*self.prefix, summary_size(SUMMARY_SIZES[index])]
        return Fitted(self.laid_out[index], True, label, extra=extra)

    def largest(self, pages: int) -> Fitted | None:
        """The largest size at which the summary takes at most ``pages`` pages."""
        best = None
        low, high = 0, len(SUMMARY_SIZES) - 1
        while low <= high:
            middle = (low + high) // 2
            if self.pages(middle) <= pages:
                best, high = middle, middle - 1
            else:
                low = middle + 1
        return None if best is None else self.fitted(best)

    def hinted(self, hint: str) -> Fitted | None:
        """The step a hint names, when it still gives the pages it gave: a hint of
        "2 pages, 8.5 pt" on a table that now fits one page is not taken."""
        pages, _, label = hint.rpartition(" pages, ")
        if label not in self.labels:
            return None
        index = self.labels.index(label)
        want = int(pages) if pages.isdigit() else 1
        return self.fitted(index) if self.pages(index) == want else None


def margin_overflow(document: Document) -> str | None:
    """Text in a page's margin (the running footer, title, note) that runs past its
    margin box: off the page's edge, or into the text area. WeasyPrint clips it
    without a word, so it must fail the fit like a page too many."""
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        for margin in page_box.children:
            if not isinstance(margin, MarginBox):
                continue
            inside = [box for box in _boxes(margin) if box is not margin and box.element_tag]
            if not inside:
                continue
            top = min(box.position_y for box in inside)
            bottom = max(box.position_y + box.margin_height() for box in inside)
            low, high = margin.position_y, margin.position_y + margin.margin_height()
            over = max(low - top, bottom - high)
            if over > OVERFLOW_TOLERANCE:
                cut = [
                    " ".join("".join(_texts(line)).split())
                    for line in _boxes(margin)
                    if isinstance(line, LineBox)
                    and (line.position_y < low or line.position_y + line.height > high)
                ]
                text = " / ".join(filter(None, cut)) or "its text"
                text = text if len(text) <= 80 else text[:77] + "..."
                return (
                    f'the page\'s margin on page {number} holds more than fits: "{text}" would '
                    f"be cut off ({over / PX_PER_INCH:.2f} in too tall); shorten what the brand "
                    "or content puts there (the clinic's name, phone, a note)"
                )
    return None


def _texts(box: Any) -> Iterator[str]:
    if text := getattr(box, "text", None):
        yield text
    for child in getattr(box, "children", ()):
        yield from _texts(child)


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
