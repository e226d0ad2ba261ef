"""Logos keep their shape: a wide or tall logo prints in proportion, inside the header,
in the handout, its large print and the clinician summary; past 1:4 or 6:1 the brand
gets a warning saying how it will print."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image, ImageDraw

from handouts.build import BuildResult, build
from handouts.logo import LogoBox, logo_shape
from handouts.plan import BuildOptions
from handouts.project import load_project
from tests.conftest import copy_project
from tests.helpers import edit, run

# Each bundled brand gets a logo of another shape (width:height), in pixels.
SHAPES = {
    "lakeside-infusion": (900, 300),  # 3:1, the squashed logo of the issue
    "maple-childrens": (1200, 200),  # 6:1, the widest that reads
    "northfield-neurology": (200, 800),  # 1:4, the tallest
}
INCH = 72.0


def _logo(path: Path, size: tuple[int, int]) -> None:
    """A logo whose ellipse fills it: a squashed one would be easy to see, too."""
    image = Image.new("RGB", size, "#203060")
    ImageDraw.Draw(image).ellipse((0, 0, size[0] - 1, size[1] - 1), fill="#f0c040")
    image.save(path)


def _use_logo(project: Path, brand: str, size: tuple[int, int]) -> None:
    _logo(project / "styles/brands" / brand / "logo.png", size)
    edit(project / "styles/brands" / brand / "brand.toml", 'logo = "logo.svg"', 'logo = "logo.png"')


@pytest.fixture(scope="module")
def shaped(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    """One handout in both editions and the summary, for each brand with its shape."""
    folder = copy_project(
        tmp_path_factory.mktemp("logos"), editions='["standard", "large-print"]', languages='["en"]'
    )
    for brand, size in SHAPES.items():
        _use_logo(folder, brand, size)
    project = load_project(folder / "handouts.toml")
    assert not project.warnings, project.warnings
    out = folder / "output"
    # The summary is built only when no condition is singled out: two builds.
    handouts = build(project, BuildOptions(conditions=("cidp",), brands=("all",), output=out))
    summaries = build(project, BuildOptions(brands=("all",), kinds=("summary",), output=out))
    result = BuildResult(out, handouts.outcomes + summaries.outcomes, summaries.manifest)
    assert not result.failed, [o.error for o in result.failed]
    return folder, result


def _first_image(pdf: Path) -> tuple[tuple[float, float, float, float], float]:
    """The bounds (points, origin bottom left) of page 1's first image, and the page height."""
    page = pdfium.PdfDocument(pdf)[0]
    images = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))
    assert images, f"no image on page 1 of {pdf.name}"
    return images[0].get_bounds(), page.get_height()


def _text_box(pdf: Path, text: str) -> tuple[float, float, float, float]:
    """The box of the first character of ``text`` on page 1 (left, bottom, right, top)."""
    textpage = pdfium.PdfDocument(pdf)[0].get_textpage()
    found = textpage.search(text).get_next()
    assert found, f"'{text}' not on page 1 of {pdf.name}"
    left, bottom, right, top = textpage.get_charbox(found[0])
    return float(left), float(bottom), float(right), float(top)


def test_every_document_prints_the_logo_in_its_shape_inside_the_header(
    shaped: tuple[Path, BuildResult],
) -> None:
    _, result = shaped
    documents = [o for o in result.written if o.path is not None and o.path.suffix == ".pdf"]
    # Three brands, each with a handout, its large print and a summary.
    assert len(documents) == 9, [o.job.output for o in documents]
    for outcome in documents:
        assert outcome.path is not None
        width, height = SHAPES[outcome.job.brand]
        (left, bottom, right, top), page_height = _first_image(outcome.path)
        drawn = (right - left) / (top - bottom)
        where = f"{outcome.job.output}: drawn {right - left:.1f} x {top - bottom:.1f} pt"
        assert drawn == pytest.approx(width / height, rel=0.02), where
        # In the header: above what follows it, left of the text beside it.
        summary = outcome.job.kind == "summary"
        beside = "IVIG in autoimmune" if summary else "Questions?"
        below = "Condition" if summary else "IVIG for CIDP"
        assert right < _text_box(outcome.path, beside)[0], where
        assert bottom > _text_box(outcome.path, below)[3], where
        assert top < page_height - 0.3 * INCH, where
        # Never a speck: a 1:4 logo is a tenth of an inch wide even in the summary.
        assert min(right - left, top - bottom) > INCH / 10, where


def test_brands_shows_the_size_shape_and_print_size(shaped: tuple[Path, BuildResult]) -> None:
    folder, _ = shaped
    code, output = run(folder, "brands")
    assert code == 0, output
    # 3:1 at the handout's 0.56 in height: 1.68 in wide, 900 pixels over it.
    assert "900x300 pixels, 3.0:1 wide; prints 1.68 x 0.56 in on a handout, 536 dpi" in output
    # 6:1 is capped at the 1.9 in maximum width (Maple Grove's height is 0.6 in).
    assert "1200x200 pixels, 6.0:1 wide; prints 1.90 x 0.32 in on a handout" in output
    assert "200x800 pixels, 1:4.0 tall; prints 0.14 x 0.56 in" in output
    assert "warning" not in output


def test_a_logo_past_6_to_1_is_a_warning_that_says_how_it_prints(project_copy: Path) -> None:
    _use_logo(project_copy, "northfield-neurology", (1600, 200))
    code, output = run(project_copy, "validate")
    assert code == 0, output
    assert (
        "brand.toml:12:1: warning: logo 'logo.png' is 8.0:1; a handout's header will print it "
        "1.90 in wide and 0.24 in tall, too small to read; crop it or supply a version between "
        "1:4 and 6:1"
    ) in output
    code, output = run(project_copy, "brands", "--strict")
    assert code == 1
    assert "error: logo 'logo.png' is 8.0:1" in output


def test_a_logo_taller_than_1_to_4_is_a_warning_too(project_copy: Path) -> None:
    _use_logo(project_copy, "northfield-neurology", (150, 900))
    code, output = run(project_copy, "validate")
    assert code == 0, output
    assert "warning: logo 'logo.png' is 1:6.0; a handout's header will print it 0.09 in" in output


@pytest.mark.parametrize(
    ("svg", "shape"),
    [
        # A viewBox alone gives the shape; width and height, when there, give the box.
        ('viewBox="0 0 300 100"', "SVG viewBox 300x100, 3.0:1 wide"),
        ('width="300" height="100"', "SVG 300x100, 3.0:1 wide"),
        ('width="1in" height="4in" viewBox="0 0 10 10"', "SVG 96x384, 1:4.0 tall"),
    ],
)
def test_the_shape_of_an_svg_comes_from_its_size_or_viewbox(
    tmp_path: Path, svg: str, shape: str
) -> None:
    path = tmp_path / "logo.svg"
    path.write_text(f'<svg xmlns="http://www.w3.org/2000/svg" {svg}/>', "utf-8")
    found = logo_shape(path)
    assert found is not None
    assert found.describe() == shape
    # A 3:1 logo at a 0.56 in height is 1.68 in wide; a 1:4 one 0.14 in.
    assert LogoBox(0.56, 1.9).printed(found)[0] == pytest.approx(0.56 * found.ratio)
