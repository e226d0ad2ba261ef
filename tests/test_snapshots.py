"""Visual snapshots: a few real pages compared, pixel by pixel, with committed images.

A layout regression (a box that moved, a color that changed, a page that broke
differently) shows here even when every text check passes. Small differences in
anti-aliasing are tolerated. On a failure the actual page and a difference image are
saved in tests/snapshots/failures/. After a deliberate change, refresh the references
with ``make snapshots`` and look at them before committing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops

from handouts.builder import BuildResult

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
FAILURES = SNAPSHOTS / "failures"
SCALE = 0.6  # 72 dpi x 0.6: a Letter page is 367 x 475 pixels
CHANNEL_TOLERANCE = 48  # a pixel counts as different past this, in any channel
MAX_DIFFERENT = 0.006  # share of the page's pixels that may differ

# (reference name, document under the output folder, page index)
PAGES = [
    ("northfield-myasthenia-gravis-p1", "northfield-neurology/en/handout-myasthenia-gravis.pdf", 0),
    ("maple-kawasaki-disease-p2", "maple-childrens/en/handout-kawasaki-disease.pdf", 1),
    ("lakeside-cidp-p1", "lakeside-infusion/en/handout-cidp.pdf", 0),
    ("northfield-summary", "northfield-neurology/en/clinician-summary.pdf", 0),
    (
        "maple-large-print-cidp-p1",
        "maple-childrens/en/large-print/handout-cidp.pdf",
        0,
    ),
]


def _render(pdf: Path, index: int) -> Image.Image:
    document = pdfium.PdfDocument(pdf)
    try:
        return document[index].render(scale=SCALE).to_pil().convert("RGB")
    finally:
        document.close()


@pytest.mark.parametrize(("name", "document", "index"), PAGES, ids=[p[0] for p in PAGES])
def test_page_looks_as_it_did(built: BuildResult, name: str, document: str, index: int) -> None:
    actual = _render(built.output_dir / document, index)
    reference = SNAPSHOTS / f"{name}.png"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1" or not reference.exists():
        if os.environ.get("UPDATE_SNAPSHOTS") != "1":
            pytest.fail(f"no reference {reference.name}: run 'make snapshots' and look at it")
        actual.save(reference, optimize=True)
        return
    expected = Image.open(reference).convert("RGB")
    assert actual.size == expected.size, f"page size changed: {expected.size} -> {actual.size}"
    difference = ImageChops.difference(actual, expected)
    # A pixel differs when any channel moved past the tolerance.
    mask = difference.point(lambda v: 255 if v > CHANNEL_TOLERANCE else 0).convert("L")
    mask = mask.point(lambda v: 255 if v else 0)
    changed = mask.histogram()[255] / (actual.width * actual.height)
    if changed > MAX_DIFFERENT:
        FAILURES.mkdir(exist_ok=True)
        actual.save(FAILURES / f"{name}.actual.png")
        highlight = Image.composite(Image.new("RGB", actual.size, "red"), actual, mask)
        Image.blend(expected, highlight, 0.6).save(FAILURES / f"{name}.diff.png")
        pytest.fail(
            f"{name}: {changed:.2%} of pixels differ (limit {MAX_DIFFERENT:.1%}); see "
            f"tests/snapshots/failures/{name}.diff.png, or run 'make snapshots' if the "
            "change is intended"
        )
