"""Print-ready and accessible output: structure, editions, print shop, QR, bytes."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from handouts.builder import BuildOptions, BuildResult, build, stylesheets_for
from handouts.defaults import defaults_dir
from handouts.fonts import font_dirs
from handouts.graphics import QUIET_ZONE, qr_modules, qr_path
from handouts.jobs import Job
from handouts.project import Project, load_project
from handouts.render import Renderer
from handouts.templating import make_environment
from handouts.worker import document_html
from tests.conftest import BRAND, REPO
from tests.helpers import StandInRenderer, run

MM = 72 / 25.4


def _pdf(built: BuildResult, name: str, brand: str = BRAND) -> PdfReader:
    return PdfReader(built.output_dir / brand / "en" / name)


def _struct_elements(reader: PdfReader) -> list[DictionaryObject]:
    """Every structure element of the tag tree, depth first."""
    found: list[DictionaryObject] = []

    def walk(node: Any) -> None:
        node = node.get_object()
        if not isinstance(node, DictionaryObject):
            return
        if "/S" in node:
            found.append(node)
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object"):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def _outline_titles(reader: PdfReader) -> list[str]:
    titles: list[str] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    return titles


# ---- accessible by default ----


def test_tagged_with_language_title_and_marked_content(built: BuildResult) -> None:
    reader = _pdf(built, "handout-dermatomyositis.pdf")
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert catalog["/Lang"] == "en"
    tags = {str(e["/S"]) for e in _struct_elements(reader)}
    assert {"/H1", "/H2", "/L", "/LI", "/P", "/Figure"} <= tags
    xmp = reader.xmp_metadata
    assert xmp is not None
    assert 'pdfuaid:part="1"' in xmp.rdf_root.toxml()


def test_summary_table_is_tagged_as_a_table(built: BuildResult) -> None:
    tags = [str(e["/S"]) for e in _struct_elements(_pdf(built, "clinician-summary.pdf"))]
    assert "/Table" in tags
    assert tags.count("/TH") >= 6 + 7  # column heads and one row head per condition
    assert "/TD" in tags


def test_every_figure_has_alternative_text_and_icons_are_not_figures(
    built: BuildResult, project: Project
) -> None:
    figures = [e for e in _struct_elements(_pdf(built, "handout-cidp.pdf")) if e["/S"] == "/Figure"]
    alts = [str(f.get("/Alt", "")) for f in figures]
    # The logo and the QR code; the warning and phone icons are decoration, untagged.
    assert alts == [
        project.brands[BRAND].clinic.logo_alt,
        "QR code: this handout online at northfield-health.example/handouts/en/cidp",
    ]


def test_outline_has_the_title_and_each_section(built: BuildResult) -> None:
    titles = _outline_titles(_pdf(built, "handout-guillain-barre-syndrome.pdf"))
    assert titles[0] == "IVIG for Guillain-Barré syndrome (GBS)"
    for section in ("Key points", "What to expect", "Side effects", "When to get help"):
        assert section in titles
    assert "Before your infusion" not in titles  # step headings would crowd it


# ---- QR code ----


@pytest.mark.parametrize("brand", ["northfield-neurology", "maple-childrens"])
def test_the_printed_qr_code_scans_to_the_handout_address_written_beside_it(
    built: BuildResult, project: Project, brand: str
) -> None:
    """Read from the printed page as a phone would: rendered at 150 dpi, decoded."""
    import zxingcpp

    path = built.output_dir / brand / "en" / "handout-cidp.pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())
    assert "Scan to read this handout online" in text
    address = project.brands[brand].clinic.handout_url("cidp", "en", brand)
    assert address is not None
    # The address may wrap after a slash or a hyphen of its own.
    assert address.split("://", 1)[1] in re.sub(r"(?<=[/-]) ", "", text)
    pdf = pdfium.PdfDocument(path)
    dpi = 150
    codes = [
        code
        for page in pdf
        for code in zxingcpp.read_barcodes(page.render(scale=dpi / 72).to_pil())
    ]
    assert [code.text for code in codes] == [address]  # one code, on one page
    # Printed at the size the stylesheet gives the code's box (handout.css, or
    # fit-tight.css when the page was tightened), the 4-module quiet zone inside it.
    (outcome,) = [o for o in built.outcomes if o.path == path]
    box = 0.75 if "tight" in outcome.fit else 0.85
    modules = len(qr_modules(address))
    expected = box * dpi * modules / (modules + 2 * QUIET_ZONE)
    corners = codes[0].position
    assert abs((corners.top_right.x - corners.top_left.x) - expected) < 3


@pytest.mark.parametrize(
    "address", ["https://example.org/h/cidp", "https://guides.example.org/ivig/es/kawasaki?r=1"]
)
def test_the_qr_outline_fills_exactly_the_dark_modules(address: str) -> None:
    """The code is drawn as the outlines of its dark areas (no seams between modules on
    screen); sampled at each module's centre, the path is dark where the code is."""
    modules = qr_modules(address)
    loops = []
    for data in re.findall(r"M[^M]+", qr_path(modules)):
        x, y = (int(v) for v in re.match(r"M(-?\d+) (-?\d+)", data).groups())  # type: ignore[union-attr]
        points = [(x, y)]
        for axis, step in re.findall(r"([hv])(-?\d+)", data):
            x, y = (x + int(step), y) if axis == "h" else (x, y + int(step))
            points.append((x, y))
        loops.append(points)

    def dark(px: float, py: float) -> bool:
        winding = 0  # nonzero rule, as PDF fills the path
        for points in loops:
            for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
                if x1 == x2 and (y1 <= py) != (y2 <= py) and px < x1:
                    winding += 1 if y2 > y1 else -1
        return winding != 0

    side = len(modules)
    assert all(
        dark(QUIET_ZONE + i + 0.5, QUIET_ZONE + j + 0.5) == modules[j][i]
        for j in range(side)
        for i in range(side)
    )
    assert len(loops) < sum(map(sum, modules)) / 3  # outlines, not a square per module


def test_no_online_address_no_qr_code(built: BuildResult) -> None:
    reader = _pdf(built, "handout-cidp.pdf", "lakeside-infusion")
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Scan to read" not in text
    assert [e for e in _struct_elements(reader) if e["/S"] == "/Figure"] != []  # the logo
    assert len([e for e in _struct_elements(reader) if e["/S"] == "/Figure"]) == 1


def test_the_qr_code_goes_under_the_column_the_layout_shows_is_shorter(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The template's guess is checked in the layout: a wrong guess (forced here) puts
    the code under the long questions column, and the build moves it under the short
    Words-to-know column, which leaves no hole beside it."""
    monkeypatch.setattr("handouts.context.qr_column", lambda condition: "questions")
    project = load_project(project_copy / "handouts.toml")
    options = BuildOptions(
        brands=(BRAND,), conditions=("kawasaki-disease",), languages=("en",), workers=0
    )
    (outcome,) = [o for o in build(project, options).built if o.job.kind == "handout"]
    assert outcome.fit.endswith("QR code moved"), outcome.fit

    document = pdfium.PdfDocument(outcome.path)
    page = document[len(document) - 1]
    text = page.get_textpage()
    width = page.get_width()

    def left_of(needle: str) -> float:
        index = text.get_text_range().index(needle)
        return float(text.get_charbox(index)[0])

    assert left_of("Words to know") > width / 2  # the right-hand column...
    assert left_of("Scan to read") > width / 2  # ...holds the code now
    assert left_of("Questions to ask") < width / 2


# ---- editions ----


def _build_cidp(out: Path, *flags: str) -> None:
    """Build the CIDP handout of the default test brand with extra build flags."""
    args = ["build", *flags, "--brand", BRAND, "--condition", "cidp", "--lang", "en"]
    args += ["--out", str(out)]
    code, output = run(REPO, *args)
    assert code == 0, output


def _large_print_layout(project: Project, condition: str) -> Any:
    job = Job("handout", BRAND, "en", condition, "x.pdf", "large-print")
    env = make_environment(project.config.templates_dir)
    _, html = document_html(project, job, env)
    renderer = Renderer([project.root, defaults_dir(), *font_dirs()])
    return renderer.layout(html, project.root, stylesheets_for(project, job), [])


def _text_sizes(box: Any, inside_main: bool = False) -> list[tuple[float, str]]:
    sizes = []
    inside_main = inside_main or getattr(box, "element_tag", None) == "main"
    if type(box).__name__ == "TextBox" and inside_main:
        sizes.append((box.style["font_size"], box.text))
    for child in getattr(box, "children", ()):
        sizes += _text_sizes(child, inside_main)
    return sizes


def test_large_print_body_is_never_below_18_pt(project: Project) -> None:
    document = _large_print_layout(project, "kawasaki-disease")
    assert len(document.pages) <= 4
    sizes = [s for page in document.pages for s in _text_sizes(page._page_box)]
    assert sizes
    small = [(size * 0.75, text) for size, text in sizes if size * 0.75 < 18 - 0.01]  # px to pt
    assert small == []


def test_large_print_edition_is_built_into_its_own_folder(
    tmp_path: Path, built: BuildResult, stand_in: StandInRenderer
) -> None:
    _build_cidp(tmp_path, "--large-print")
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.pdf"))
    assert written == [f"{BRAND}/en/large-print/handout-cidp.pdf"]
    pages = len(PdfReader(built.output_dir / written[0]).pages)  # the real one
    assert 2 < pages <= 4


# ---- print shop and variants ----


def test_print_shop_has_bleed_trim_marks_and_pdf_x(tmp_path: Path) -> None:
    _build_cidp(tmp_path, "--print-shop")
    reader = PdfReader(tmp_path / BRAND / "en/print-shop/handout-cidp.pdf")
    page = reader.pages[0]
    trim = [float(v) for v in page["/TrimBox"]]
    bleed = [float(v) for v in page["/BleedBox"]]
    assert trim == pytest.approx([0, 0, 612, 792])
    assert bleed == pytest.approx([-3 * MM, -3 * MM, 612 + 3 * MM, 792 + 3 * MM], abs=0.01)
    assert [float(v) for v in page.mediabox] == pytest.approx(bleed, abs=0.01)
    assert "/OutputIntents" in reader.trailer["/Root"]
    xmp = reader.xmp_metadata
    assert xmp is not None
    assert "PDF/X-3:2003" in xmp.rdf_root.toxml()
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # still tagged


def test_pdf_a_variant_for_archives_keeps_the_tags(tmp_path: Path) -> None:
    _build_cidp(tmp_path, "--pdf-variant", "pdf/a-3a")
    reader = PdfReader(tmp_path / BRAND / "en/handout-cidp.pdf")
    xmp = reader.xmp_metadata
    assert xmp is not None
    rdf = xmp.rdf_root.toxml()
    assert 'pdfaid:part="3"' in rdf
    assert 'pdfaid:conformance="A"' in rdf
    assert "/StructTreeRoot" in reader.trailer["/Root"]


# ---- the summary is one page ----


def _grow_summary_rows(project: Path, extra: str) -> None:
    """Append ``extra`` to the first summary cell (IVIG role) of every condition."""
    for path in (project / "conditions").glob("[!_]*.en.yaml"):
        text = path.read_text("utf-8")
        start = text.index('text: "', text.index("clinician:")) + len('text: "')
        end = text.index('"', start)
        path.write_text(text[:end] + extra + text[end:], "utf-8")


def test_summary_steps_its_type_down_to_stay_on_one_page(
    built: BuildResult, project_copy: Path
) -> None:
    (before,) = [o for o in built.outcomes if o.job.kind == "summary" and o.job.brand == BRAND]
    _grow_summary_rows(project_copy, " Test words that make this row longer.")
    code, output = run(project_copy, "build", "--brand", BRAND, "--only", "summary", "-v")
    assert code == 0, output
    summary = project_copy / "output" / BRAND / "en/clinician-summary.pdf"
    assert len(PdfReader(summary).pages) == 1
    after = float(output.split("clinician-summary.pdf (1 page, ")[1].split(" pt)")[0])
    assert after < float(before.fit.removesuffix(" pt"))
    assert after >= 7.5


def test_summary_past_the_floor_fails_naming_the_longest_rows(project_copy: Path) -> None:
    # Every summary cell twice as long: more than one page even at 7.5 pt.
    for path in (project_copy / "conditions").glob("[!_]*.en.yaml"):
        lines = path.read_text("utf-8").splitlines(keepends=True)
        doubled = []
        in_clinician = False
        for line in lines:
            if line.startswith("clinician:"):
                in_clinician = True
            if in_clinician and line.lstrip().startswith('text: "'):
                head, _, body = line.partition('text: "')
                body = body.rstrip().removesuffix('"')
                line = f'{head}text: "{body} {body}"\n'
            doubled.append(line)
        path.write_text("".join(doubled), "utf-8")
    code, output = run(project_copy, "build", "--brand", BRAND, "--only", "summary")
    assert code == 1
    assert "clinician-summary.pdf: error: 2 pages even at 7.5 pt" in output
    assert "the last row, Systemic lupus erythematosus (lupus), does not fit" in output
    longest = output.split("shorten the longest rows: ")[1].split(";")[0]
    assert len(re.findall(r"\w\)? \(\d\.\d in\)", longest)) == 3, longest
    assert not (project_copy / "output" / BRAND / "en/clinician-summary.pdf").exists()


# ---- reproducible ----


def test_rebuilds_are_byte_identical(built: BuildResult, tmp_path: Path) -> None:
    """A second build of the same inputs gives the same bytes: dates come from the
    content, and fonts instanced from variable fonts carry no build time."""
    project = load_project(REPO / "handouts.toml")
    brand = "maple-childrens"  # Nunito: a variable font WeasyPrint instances
    options = BuildOptions(
        brands=(brand,), editions=("standard",), languages=("en",), output=tmp_path
    )
    again = build(project, options)
    assert not again.failed
    assert len(again.outcomes) == 9  # 7 handouts, the summary, the binder
    for outcome in again.outcomes:
        first = (built.output_dir / outcome.job.output).read_bytes()
        second = Path(str(outcome.path)).read_bytes()
        assert hashlib.sha256(first).digest() == hashlib.sha256(second).digest(), outcome.job


# ---- the binder ----


def test_binder_has_cover_contents_every_part_and_bookmarks(
    built: BuildResult, project: Project
) -> None:
    reader = _pdf(built, "binder.pdf")
    handouts = [_pdf(built, f"handout-{c.id}.pdf") for c in project.ordered_conditions("en")]
    summary = _pdf(built, "clinician-summary.pdf")
    assert len(reader.pages) == 2 + sum(len(h.pages) for h in handouts) + 1

    # The contents list every part with the page it starts on, and the outline agrees.
    contents = " ".join(reader.pages[1].extract_text().split())
    starts = {}
    page = 3
    for condition, handout in zip(project.ordered_conditions("en"), handouts, strict=True):
        starts[condition.title] = page
        assert f"{condition.title} Patient handout, 2 pages {page}" in contents
        page += len(handout.pages)
    assert f"Clinician summary, 1 page {page}" in contents

    top = [item for item in reader.outline if not isinstance(item, list)]
    marks = {item.title: reader.get_destination_page_number(item) + 1 for item in top}
    for title, first in starts.items():
        assert marks[title] == first
    assert marks["IVIG in autoimmune disease: clinician summary"] == page

    # The parts are the very pages built on their own: the summary is landscape.
    last = reader.pages[-1]
    assert float(last.mediabox.width) > float(last.mediabox.height)
    assert summary.pages[0].extract_text() == last.extract_text()
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en"


def test_binder_command_writes_one_per_brand(
    tmp_path: Path, built: BuildResult, stand_in: StandInRenderer
) -> None:
    code, output = run(
        REPO, "binder", "--brand", "lakeside-infusion", "--lang", "en", "--out", str(tmp_path)
    )
    assert code == 0, output
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.pdf"))
    assert written == ["lakeside-infusion/en/binder.pdf"]
    assert "(1 page)" in output  # the pages of what it wrote: a stand-in has one
    (real,) = [o for o in built.outcomes if o.job.output == "lakeside-infusion/en/binder.pdf"]
    assert real.pages == 17
