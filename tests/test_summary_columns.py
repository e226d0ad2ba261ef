"""The clinician summary's class warnings: whole items in columns side by side, read
down each column and then across, split ahead of layout by their text's length."""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass

import pypdfium2 as pdfium
import pytest

from handouts.builder import BuildResult
from handouts.project import Project
from handouts.summary_layout import (
    SAFETY_COLUMNS,
    balanced_columns,
    item_heights,
    measure_for,
)
from tests.conftest import BRANDS


def _tallest(heights: Sequence[float], runs: Sequence[range]) -> float:
    return max(sum(heights[i] for i in run) for run in runs)


def _least_tallest(heights: Sequence[float], columns: int) -> float:
    """The shortest tallest column of every split of the items in order."""
    count = len(heights)
    best = sum(heights)
    for cuts in range(1, min(columns, count)):
        for at in itertools.combinations(range(1, count), cuts):
            bounds = (0, *at, count)
            runs = [range(a, b) for a, b in itertools.pairwise(bounds)]
            best = min(best, _tallest(heights, runs))
    return best


def test_items_keep_their_order_down_each_column_then_across() -> None:
    runs = balanced_columns([5, 5, 4, 4, 3, 5], 4)
    assert [list(run) for run in runs] == [[0], [1], [2, 3], [4, 5]]


def test_the_tallest_column_is_as_short_as_whole_items_allow() -> None:
    chance = random.Random(17)
    for _ in range(300):
        heights = [chance.choice([1.5, 2.0, 3.25, 4.0, 7.5]) for _ in range(chance.randint(1, 9))]
        columns = chance.randint(1, 5)
        runs = balanced_columns(heights, columns)
        assert [i for run in runs for i in run] == list(range(len(heights)))
        assert all(runs)
        assert len(runs) <= columns
        assert _tallest(heights, runs) == pytest.approx(_least_tallest(heights, columns))


def test_the_first_columns_are_the_fuller_as_with_css_columns() -> None:
    # Six equal items in four columns: two to a column, the last column empty.
    assert [len(run) for run in balanced_columns([1.0] * 6, 4)] == [2, 2, 2]
    assert [len(run) for run in balanced_columns([1.0] * 7, 4)] == [2, 2, 2, 1]


def test_fewer_items_than_columns_and_none() -> None:
    assert [list(run) for run in balanced_columns([3.0, 9.0], 4)] == [[0], [1]]
    assert balanced_columns([], 4) == []


def test_a_longer_text_is_a_taller_item() -> None:
    measure = measure_for("Atkinson Hyperlegible")
    short = ("**Hemolysis:** more likely at 2 g/kg.", "4")
    long = ("**Hemolysis:** " + "more likely at 2 g/kg or more in non-O blood groups; " * 4, "4")
    low, high = item_heights([short, long], 741.6, 8, measure)
    assert high > 3 * low > 0


SLOP = 3.0  # points


@dataclass(frozen=True)
class _Spot:
    left: float
    top: float


class _Page:
    """The summary page's text as pdfium reads it, whitespace run together, with the
    position of each character (points from the bottom left)."""

    def __init__(self, path: str) -> None:
        page = pdfium.PdfDocument(path)[0]
        text_page = page.get_textpage()
        raw = text_page.get_text_range(0, text_page.count_chars())
        self.text = ""
        self.index: list[int] = []
        for at, char in enumerate(raw):
            if char.isspace():
                if self.text.endswith(" "):
                    continue
                char = " "
            self.text += char
            self.index.append(at)
        self.box = text_page.get_charbox

    def spot(self, words: str) -> _Spot:
        start = self.text.find(words)
        assert self.text.count(words) == 1, words
        left, _bottom, _right, top = self.box(self.index[start])
        return _Spot(left, top)


@pytest.mark.parametrize("brand", BRANDS)
def test_each_warning_is_whole_in_one_column_read_down_then_across(
    built: BuildResult, project: Project, brand: str
) -> None:
    page = _Page(str(built.output_dir / brand / "en" / "clinician-summary.pdf"))
    items = [
        item.text.replace("**", "") for item in project.treatments["en"].clinician.class_safety
    ]
    firsts = [page.spot(" ".join(text.split()[:4])) for text in items]
    lasts = [page.spot(" ".join(text.split()[-3:])) for text in items]
    # A character's box starts at its glyph's ink: columns' first letters differ by a
    # point or two ("B", "I", "A"), far less than a column's width.
    lefts = [spot.left for spot in firsts]
    starts = [left for i, left in enumerate(lefts) if all(abs(left - o) > SLOP for o in lefts[:i])]
    assert 2 <= len(starts) <= SAFETY_COLUMNS
    pitches = [b - a for a, b in itertools.pairwise(starts)]
    assert max(pitches) - min(pitches) <= SLOP  # columns as wide as each other, evenly set
    pitch = pitches[0]
    for first, last in zip(firsts, lasts, strict=True):  # an item ends in its own column
        assert first.left - SLOP <= last.left < first.left + pitch - 12
        assert last.top <= first.top
    for above, below in itertools.pairwise(firsts):
        if abs(below.left - above.left) <= SLOP:  # the next item in the same column: under it
            assert below.top < above.top
        else:  # else at the top of the next column to the right
            assert below.left == pytest.approx(above.left + pitch, abs=SLOP)
            assert below.top == pytest.approx(firsts[0].top, abs=1)
