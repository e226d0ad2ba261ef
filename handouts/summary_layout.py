"""The clinician summary's table, planned from its text before any layout.

A table laid out automatically gives each column a share of the width from its
longest cell; a row is then as tall as its most wrapped cell, and a column with one
long cell and six short ones takes room the others needed. Here the text of every
cell is wrapped the way a line breaker would (word by word, greedily) at candidate
widths, and the shares that make the fewest lines in all rows together are chosen:
a few hundred wraps of a few dozen words, microseconds each, no layout.

The same wrapping predicts how full the page will be, for ``validate`` (which lays
nothing out) to warn before a build finds that the summary does not fit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from fontTools.ttLib import TTFont

from handouts.fonts import font_files

# Average advance of a character, in ems, for a face whose metrics are not at hand (a
# brand's own @font-face): Atkinson Hyperlegible's, the widest bundled text face, on
# the summary's own text. Erring wide costs a warning too early, not a failed build.
CHAR_EM = 0.53
BOLD = 1.07  # bold row headers are wider than the text face's regular
CITE = 0.8  # citation superscripts: 6.2 pt beside 7.5 to 8.5 pt text
PADDING_PT = 8.0  # a cell's inline padding, both sides (summary.css)
# Lines come out a little fuller than the advances add up to (kerning aside, the
# superscripts and bold runs): wrap in slightly less than the width there is.
SLACK = 0.97
STEPS = (0.04, 0.02, 0.01, 0.005)  # shares moved between columns while searching
# summary_overflow values that print on a larger sheet, as CSS names the size.
SHEETS = {"legal": "legal", "tabloid": "ledger", "a3": "A3"}
OVERFLOW_HELP = (
    'set summary_overflow in handouts.toml to "continue" (a second page, the table\'s '
    'header repeated) or to "legal", "tabloid" or "a3" (one larger sheet)'
)
_WORD = re.compile(r"\S+")

Measure = Callable[[str], float]  # the advance of a text, in ems


def measure_for(family: str) -> Measure:
    """The advance of a text in the installed face of ``family`` (its regular
    weight), from the font's own metrics; an estimate for a family not installed."""
    advances = _advances(family)
    if advances is None:
        return lambda text: len(text) * CHAR_EM
    known, default = advances
    return lambda text: sum(known.get(ord(char), default) for char in text)


@cache
def _advances(family: str) -> tuple[dict[int, float], float] | None:
    faces = [
        (weight not in ("", "400"), path)
        for name, weight, style, path in font_files()
        if name == family and style == "normal"
    ]
    if not faces:
        return None
    with TTFont(min(faces)[1], lazy=True) as font:  # the regular face, else variable
        units = font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        known = {code: metrics[glyph][0] / units for code, glyph in font.getBestCmap().items()}
    return known, CHAR_EM


@dataclass(frozen=True)
class Cell:
    text: str
    scale: float = 1.0  # width of its characters against body text
    cite: str = ""  # the citation label set after the text

    def words(self, measure: Measure) -> list[float]:
        """Width of each word, in ems of body text."""
        words = [measure(word) * self.scale for word in _WORD.findall(self.text)]
        if self.cite and words:
            words[-1] += measure(self.cite) * CITE  # the superscript sticks to its word
        return words or [0.0]


def wrapped_lines(words: Sequence[float], width: float, space: float) -> int:
    """Lines a greedy line breaker makes of words this wide in ``width`` (a word
    wider than the line takes a line of its own)."""
    lines, used = 1, 0.0
    for word in words:
        if used and used + space + word > width:
            lines, used = lines + 1, word
        else:
            used += word + (space if used else 0)
    return lines


def marked_words(text: str, cite: str, measure: Measure) -> list[float]:
    """Width of each word, in ems, of content text whose ``**bold**`` runs are set in
    bold (the only markup it has), the citation label after its last word."""
    words = []
    for index, run in enumerate(text.split("**")):
        scale = BOLD if index % 2 else 1.0
        words += [measure(word) * scale for word in _WORD.findall(run)]
    if cite and words:
        words[-1] += measure(cite) * CITE
    return words or [0.0]


@dataclass(frozen=True)
class TablePlan:
    shares: tuple[float, ...]  # of the table's width, per column, summing to 1
    lines: tuple[int, ...]  # per row, the header row first


def plan_table(
    rows: Sequence[Sequence[Cell]], width_pt: float, size_pt: float, measure: Measure
) -> TablePlan:
    """Column shares for the rows (the header row first) of a table ``width_pt`` wide,
    its text set at ``size_pt`` in the face ``measure`` measures."""
    columns = len(rows[0])
    words = [[cell.words(measure) for cell in row] for row in rows]
    wrap = _Wrap(width_pt / size_pt * SLACK, PADDING_PT / size_pt, measure(" "))
    # No column narrower than its longest word: the line breaker never splits a word.
    floor = [
        (max(max(cell) for cell in (row[c] for row in words)) + wrap.pad) / wrap.width
        for c in range(columns)
    ]
    if sum(floor) >= 1:
        shares = [f / sum(floor) for f in floor]
        return TablePlan(tuple(shares), wrap.rows(words, shares))
    # Start from each column's share of all the text, then move width between columns
    # while that saves a line (or, for as many lines, wraps fewer cells).
    text = [sum(sum(row[c]) for row in words) for c in range(columns)]
    shares = [max(floor[c], text[c] / sum(text)) for c in range(columns)]
    shares = [s / sum(shares) for s in shares]

    def cost(candidate: list[float]) -> tuple[int, int]:
        lines = wrap.cells(words, candidate)
        return sum(max(row) for row in lines), sum(map(sum, lines))

    best = cost(shares)
    for step in STEPS:
        improved = True
        while improved:
            improved = False
            for give in range(columns):
                for take in range(columns):
                    if give == take or shares[give] - step < floor[give]:
                        continue
                    candidate = list(shares)
                    candidate[give] -= step
                    candidate[take] += step
                    found = cost(candidate)
                    if found < best:
                        best, shares, improved = found, candidate, True
    return TablePlan(tuple(shares), wrap.rows(words, shares))


@dataclass(frozen=True)
class _Wrap:
    width: float  # the table's, in ems
    pad: float  # a cell's inline padding, in ems
    space: float  # a word space, in ems

    def cells(self, words: list[list[list[float]]], shares: Sequence[float]) -> list[list[int]]:
        return [
            [
                wrapped_lines(cell, share * self.width - self.pad, self.space)
                for cell, share in zip(row, shares, strict=True)
            ]
            for row in words
        ]

    def rows(self, words: list[list[list[float]]], shares: Sequence[float]) -> tuple[int, ...]:
        return tuple(max(row) for row in self.cells(words, shares))


def percentages(plan: TablePlan) -> list[float]:
    """The shares as CSS percentages, rounded down so they add up to 100 or less."""
    return [math.floor(share * 1000) / 10 for share in plan.shares]


# The page around the table (summary.css), in points.
SHEET_PT = {"letter": (792.0, 612.0), "a4": (841.9, 595.3)}  # landscape
MARGINS_PT = (0.3 * 72, 0.4 * 72)  # top, bottom
SIDES_PT = 2 * 0.35 * 72
# What the table's widths and the warnings' columns are planned for: Letter landscape
# less its side margins, at 8 pt. A4 is wider and takes the same shares.
PLAN_WIDTH_PT = SHEET_PT["letter"][0] - SIDES_PT
PLAN_SIZE_PT = 8.0

# The class warnings under the table (summary.css): whole items in columns side by
# side, read down each column and then across.
SAFETY_COLUMNS = 4
SAFETY_GAP_PT = 12.0  # between two columns
ITEM_INSET_PT = 8.0  # an item's room for its bullet, before the text
ITEM_GAP_PT = 1.5  # below each item


def item_heights(
    items: Sequence[tuple[str, str]], width_pt: float, size_pt: float, measure: Measure
) -> list[float]:
    """Height in points of each (text, citation label) item in one of the columns
    side by side across ``width_pt``, its text set at ``size_pt``."""
    column = (width_pt - (SAFETY_COLUMNS - 1) * SAFETY_GAP_PT) / SAFETY_COLUMNS
    width = (column - ITEM_INSET_PT) / size_pt * SLACK
    space = measure(" ")
    return [
        wrapped_lines(marked_words(text, cite, measure), width, space) * size_pt * LINE
        + ITEM_GAP_PT
        for text, cite in items
    ]


def balanced_columns(heights: Sequence[float], columns: int) -> list[range]:
    """The items (by their heights), in order, split into at most ``columns`` runs,
    one per column, read down each and then across: each column is filled in turn up
    to the least height that leaves no item over. That is how CSS balances columns,
    but an item is never split between two, and the first columns are the fuller.

    WeasyPrint balances CSS columns by laying the list out again at heights a pixel
    or an item apart until it fits: half of the summary's layout time went there."""
    count = len(heights)
    limits = sorted({sum(heights[i:j]) for i in range(count) for j in range(i + 1, count + 1)})
    for limit in limits:  # the tallest column is one of these sums: the least that fits
        runs = _filled(heights, limit)
        if len(runs) <= columns:
            return runs
    return []


def safety_runs(items: Sequence[tuple[str, str]], measure: Measure) -> list[range]:
    """The class warnings' split between the columns. Planned once, like the table's
    widths, for Letter at 8 pt; the type size the page is fitted at and A4's wider
    columns change each item's height by about as much, the split little."""
    heights = item_heights(items, PLAN_WIDTH_PT, PLAN_SIZE_PT, measure)
    return balanced_columns(heights, SAFETY_COLUMNS)


def _filled(heights: Sequence[float], limit: float) -> list[range]:
    """Items in order, a new column started when the next one would pass ``limit``."""
    runs: list[range] = []
    start, used = 0, 0.0
    for index, height in enumerate(heights):
        if index > start and used + height > limit * (1 + 1e-9):  # sums in another order
            runs.append(range(start, index))
            start, used = index, 0.0
        used += height
    return [*runs, range(start, len(heights))] if heights else runs


# For the prediction:
HEADER_PT = 46.0  # logo, title and status line, rule and gaps
LINE = 1.13  # the summary's line height
ROW_PT = 3.6  # a row's padding and rule
SAFETY_HEADING_PT = 24.0  # the class warnings' heading and the gaps around them
SOURCES = (6.3, 1.2, 8.0)  # size, line height, gap above (pt)
# Laid-out pages come out fuller than the sum of the estimates (gaps, rounding): over
# the bundled brands and languages, Letter and A4, with 7, 8 and 9 conditions at 7.5 pt,
# the page was 1.01 to 1.12 times the estimate, 1.05 on average. Scaled by a little
# more than that, a prediction is within about 6%, and errs on the full side.
CALIBRATION = 1.06


def predicted_fill(
    table: Sequence[Sequence[Cell]],
    safety: Sequence[tuple[str, str]],
    sources: Sequence[str],
    paper: str,
    size_pt: float,
    measure: Measure,
) -> float:
    """How much of one page the summary fills at ``size_pt``, from its text alone:
    1.0 is exactly full. An estimate, within a few percent of the laid-out page for
    the bundled brands; it wraps text as the table planner does."""
    width, height = SHEET_PT[paper]
    text_width = width - SIDES_PT
    plan = plan_table(table, text_width, size_pt, measure)
    header_row, *rows = plan.lines
    used = HEADER_PT + header_row * 8.2 * LINE + ROW_PT
    used += sum(lines * size_pt * LINE + ROW_PT for lines in rows)
    heights = item_heights(safety, text_width, size_pt, measure)
    tallest = max(sum(heights[i] for i in run) for run in safety_runs(safety, measure))
    used += SAFETY_HEADING_PT + tallest
    space = measure(" ")
    source_size, source_line, source_gap = SOURCES
    run_in = sum(sum(Cell(item).words(measure)) + 3 * space for item in sources)
    used += source_gap + math.ceil(run_in * source_size / text_width) * source_size * source_line
    return CALIBRATION * used / (height - sum(MARGINS_PT))
