"""The clinician summary as the content grows: seven conditions at 8 pt or more, eight
on one page in every brand, language and paper, and past that the overflow the
project chose (a second page or a larger sheet), or a failure that says what to do.
validate predicts it and audit measures it, before a build fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from handouts.audit import summary_fit
from handouts.builder import BuildResult, layouts
from handouts.jobs import Job
from handouts.project import load_project
from handouts.summary_layout import Cell, measure_for, plan_table, wrapped_lines
from handouts.task import Layout
from tests.conftest import BRAND, BRANDS, REPO, copy_project
from tests.content_sets import add_conditions
from tests.helpers import edit, run

LANGS = ("en", "es")


def _points(step: str) -> float:
    """The type size in a fitting step: "8.25 pt", "2 pages, 8.5 pt", "tabloid, 8 pt"."""
    return float(step.rsplit(", ", 1)[-1].removesuffix(" pt"))


def test_the_planner_gives_the_wordy_column_the_room_and_saves_lines() -> None:
    measure = measure_for("Atkinson Hyperlegible")
    long = "Induction 2 g/kg over 2 to 5 days, then maintenance every 3 weeks " * 4
    rows = [[Cell("Regimen"), Cell("Label")]] + [[Cell(long), Cell("Off-label.")]] * 4
    plan = plan_table(rows, 500, 8, measure)
    assert plan.shares[0] > 0.7 > plan.shares[1] > 0
    assert sum(plan.shares) == pytest.approx(1)
    # An even split wraps the long cells onto more lines than the plan does.
    even = wrapped_lines(Cell(long).words(measure), 250 / 8 - 1, measure(" "))
    assert plan.lines[1] < even


def test_the_bundled_seven_fit_one_letter_page_at_8_pt_or_more(
    built: BuildResult, spanish_layouts: list[Layout]
) -> None:
    steps = {o.job.brand: o.fit for o in built.outcomes if o.job.kind == "summary"}
    assert sorted(steps) == BRANDS
    assert all(_points(step) >= 8 for step in steps.values()), steps
    spanish = [layout for layout in spanish_layouts if layout.job.kind == "summary"]
    assert sorted(layout.job.brand for layout in spanish) == BRANDS
    for layout in spanish:
        assert layout.fits, layout.problem
        assert layout.pages == 1
        assert _points(layout.step) >= 8, layout


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_eight_conditions_fit_one_page_in_every_brand_and_language(
    tmp_path: Path, paper: str
) -> None:
    copy_project(tmp_path, paper=f'"{paper}"', editions='["standard"]')
    add_conditions(tmp_path, 8)
    project = load_project(tmp_path / "handouts.toml")
    assert len(project.covered("en")) == len(project.covered("es")) == 8
    jobs = [Job("summary", brand, lang, None, "") for brand in BRANDS for lang in LANGS]
    for layout in layouts(project, jobs):
        assert layout.fits, layout.problem
        assert layout.pages == 1
        assert _points(layout.step) >= 7.5
    # validate agrees: no warning that it will not fit.
    _, problems = summary_fit.predict(project, BRANDS, LANGS)
    assert not [p for p in problems if "will fail" in p.message]


@pytest.fixture(scope="module")
def twelve(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled project with twelve conditions, in English, standard edition."""
    root = copy_project(
        tmp_path_factory.mktemp("twelve"), languages='["en"]', editions='["standard"]'
    )
    assert add_conditions(root, 12)[-1] == "inclusion-body-myositis"
    return root


def test_validate_warns_before_a_build_that_will_not_fit(twelve: Path) -> None:
    code, output = run(twelve, "validate")
    assert code == 0, output  # a warning: the prediction is an estimate
    # One warning per language with content (validate checks them all).
    (line,) = [line for line in output.splitlines() if "en clinician summary" in line]
    assert "conditions/inclusion-body-myositis.en.yaml:" in line
    assert "warning: the en clinician summary is not expected to fit one page" in line
    assert 'summary_overflow in handouts.toml to "continue"' in line
    # The bundled project has room to spare: nothing said.
    _, problems = summary_fit.predict(load_project(REPO / "handouts.toml"), BRANDS, LANGS)
    assert problems == []


def test_past_one_page_the_failure_names_the_last_row_the_choices_and_the_setting(
    twelve: Path,
) -> None:
    code, output = run(
        twelve, "build", "--brand", BRAND, "--only", "summary", "--out", str(twelve / "o1")
    )
    assert code == 1
    (line,) = [line for line in output.splitlines() if "error:" in line]
    assert "clinician-summary.pdf: error: 2 pages even at 7.5 pt" in line
    assert "the last row, Inclusion body myositis (IBM), does not fit" in line
    for choice in ('"continue"', '"legal"', '"tabloid"', '"a3"', "summary_overflow"):
        assert choice in line
    assert not (twelve / "o1" / BRAND / "en/clinician-summary.pdf").exists()


def test_a_summary_that_continues_repeats_its_header_on_a_second_page(twelve: Path) -> None:
    config = twelve / "handouts.toml"
    edit(config, 'summary_overflow = "fail"', 'summary_overflow = "continue"')
    try:
        code, output = run(
            twelve, "build", "--brand", BRAND, "--only", "summary", "--out", str(twelve / "o2")
        )
    finally:
        edit(config, 'summary_overflow = "continue"', 'summary_overflow = "fail"')
    assert code == 0, output
    reader = PdfReader(twelve / "o2" / BRAND / "en/clinician-summary.pdf")
    assert len(reader.pages) == 2
    first, second = (" ".join(page.extract_text().split()) for page in reader.pages)
    assert "continued" not in first
    assert "IVIG in autoimmune disease: clinician summary, continued" in second
    assert "Condition IVIG role Usual regimen" in second  # the header row, repeated
    assert "Page 2 of 2" in second
    # Every row is whole on one page or the other, and every row is there.
    names = ["Guillain-Barré syndrome", "Inclusion body myositis", "Pemphigus vulgaris"]
    assert all((name in first) != (name in second) for name in names)


def test_a_summary_on_a_larger_sheet_keeps_to_one_page(twelve: Path) -> None:
    config = twelve / "handouts.toml"
    edit(config, 'summary_overflow = "fail"', 'summary_overflow = "tabloid"')
    try:
        code, output = run(
            twelve,
            "build",
            "--brand",
            BRAND,
            "--only",
            "summary",
            "--out",
            str(twelve / "o3"),
            "-v",
        )
    finally:
        edit(config, 'summary_overflow = "tabloid"', 'summary_overflow = "fail"')
    assert code == 0, output
    assert "(1 page, tabloid, " in output
    (page,) = PdfReader(twelve / "o3" / BRAND / "en/clinician-summary.pdf").pages
    assert (float(page.mediabox.width), float(page.mediabox.height)) == (17 * 72, 11 * 72)
