"""The content audit: each check passes on the bundled content and fails on content
written to fail it, with the file and line an educator has to fix."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from weasyprint import HTML

from handouts.audit.reading import formula_for, mask, read, sentences_of
from handouts.audit.run import AuditReport, audit_project
from handouts.builder import BuildResult, layouts
from handouts.jobs import Job
from handouts.project import Project, load_project
from handouts.task import Layout
from handouts.worker import Worker
from tests.conftest import CONDITIONS
from tests.helpers import StandInRenderer, edit, line_of, run

GBS = "guillain-barre-syndrome"
MG = "myasthenia-gravis"

# Long sentences of long words: what a patient handout must not read like.
HARD = (
    "Intravenous immunoglobulin administration necessitates comprehensive "
    "consideration of individualized pharmacological contraindications, "
    "particularly regarding thromboembolic complications and nephrotoxicity."
)


def _audit(root: Path, **options: object) -> AuditReport:
    return audit_project(load_project(root / "handouts.toml"), pages=False, **options)  # type: ignore[arg-type]


def _messages(report: AuditReport) -> list[str]:
    return [str(p) for p in report.all_problems()]


# The bundled content passes its own audit -------------------------------------------


@pytest.fixture(scope="module")
def bundled(project: Project) -> AuditReport:
    return audit_project(project, pages=False, strict=True)


def test_bundled_content_passes_the_strict_audit(bundled: AuditReport) -> None:
    audited = [(h.condition.lang, h.condition.id) for h in bundled.handouts]
    assert audited == [(lang, c) for lang in ("en", "es") for c in CONDITIONS]
    assert not [p for p in bundled.all_problems() if p.severity == "error"]


@pytest.mark.parametrize("condition", CONDITIONS)
def test_bundled_spanish_handout_meets_the_targets(bundled: AuditReport, condition: str) -> None:
    handout = next(
        h for h in bundled.handouts if (h.condition.lang, h.condition.id) == ("es", condition)
    )
    assert handout.overall.value >= 70  # Fernández-Huerta reading ease
    assert (handout.understandability.percent or 0) >= 80
    assert (handout.actionability.percent or 0) >= 80
    assert not handout.problems


@pytest.mark.parametrize("condition", CONDITIONS)
def test_bundled_handout_meets_the_targets(bundled: AuditReport, condition: str) -> None:
    handout = next(h for h in bundled.handouts if h.condition.id == condition)
    assert handout.condition.lang == "en"
    assert handout.overall.value <= 6.0
    assert (handout.understandability.percent or 0) >= 80
    assert (handout.actionability.percent or 0) >= 80
    assert not handout.undefined_words
    assert not handout.problems


# Reading level ---------------------------------------------------------------------


def test_list_items_count_as_sentences() -> None:
    assert sentences_of(["Headache", "Chills or fever.", "**Call 911**"]) == (
        "Headache. Chills or fever. Call 911."
    )


def test_names_are_masked_but_reported_as_written() -> None:
    names = ["Guillain-Barré syndrome", "GBS", "intravenous immunoglobulin"]
    assert mask("Guillain-Barré syndrome (GBS) is rare.", names) == "Name (Name) is rare."
    reading = read(
        ["Guillain-Barré syndrome is treated with intravenous immunoglobulin."], "en", names
    )
    assert reading.value < reading.as_written


def test_hard_prose_reads_past_the_limit() -> None:
    reading = read([HARD], "en", [])
    assert formula_for("en").misses(reading.value, formula_for("en").limit)
    assert "nephrotoxicity" in reading.hard_words


def test_spanish_uses_a_spanish_formula() -> None:
    formula = formula_for("es")
    assert formula.name == "Fernandez-Huerta"
    easy = read(["Tome la medicina con agua. Llame si tiene fiebre."], "es", [])
    assert not formula.misses(easy.value, formula.target)


def test_hard_section_is_a_warning_and_an_error_under_strict(project_copy: Path) -> None:
    path = project_copy / "conditions" / f"{GBS}.en.yaml"
    edit(path, "  about_condition:\n", f'  about_condition:\n    - "{HARD} {HARD}"\n')
    report = _audit(project_copy)
    line = line_of(path, "about_condition:")
    hits = [p for p in report.all_problems() if p.location.line == line and "reads at" in p.message]
    assert hits, _messages(report)
    assert all(p.severity == "warning" for p in hits)
    assert any("limit grade 8.0" in p.message for p in hits)

    strict = _audit(project_copy, strict=True)
    assert any(p.severity == "error" and "What is GBS?" in p.message for p in strict.all_problems())


def test_missing_the_target_only_stays_a_warning_under_strict(project_copy: Path) -> None:
    path = project_copy / "conditions" / f"{GBS}.en.yaml"
    # Long sentences of plain words: the section reads past grade 6, not past 8.
    sentence = (
        "Most people who have this illness slowly get their strength back over several "
        "months, though some people still feel weak in their legs and arms for a long time "
        "afterward."
    )
    edit(path, "  about_condition:\n", "  about_condition:\n" + f'    - "{sentence}"\n' * 3)
    report = _audit(project_copy, strict=True)
    target = [p for p in report.all_problems() if "(target grade 6.0)" in p.message]
    assert target, _messages(report)
    assert all(p.severity == "warning" for p in target)


# Terms and the glossary ------------------------------------------------------------


def test_an_undefined_hard_word_is_named_with_its_line(project_copy: Path) -> None:
    path = project_copy / "conditions" / f"{GBS}.en.yaml"
    edit(path, "  about_condition:\n", '  about_condition:\n    - "GBS can cause neuropathy."\n')
    report = _audit(project_copy)
    handout = next(h for h in report.handouts if h.condition.id == GBS)
    assert handout.undefined_words == ("neuropathy",)
    item = next(i for i in handout.items if i.number == 4)
    assert item.result == "disagree"
    assert "neuropathy" in item.reason
    line = line_of(path, "GBS can cause neuropathy.")
    assert any(
        p.location.line == line and "'neuropathy'" in p.message for p in report.all_problems()
    )


def test_a_glossary_definition_reaches_every_page_that_uses_the_term(project_copy: Path) -> None:
    glossary = project_copy / "conditions" / "_glossary.en.yaml"
    edit(
        glossary,
        "terms:\n",
        'terms:\n  - term: Neuropathy\n    means: "Harm to the nerves."\n',
    )
    path = project_copy / "conditions" / f"{GBS}.en.yaml"
    edit(path, "  about_condition:\n", '  about_condition:\n    - "GBS can cause neuropathy."\n')
    project = load_project(project_copy / "handouts.toml")
    gbs = project.conditions[("en", GBS)]
    assert "Neuropathy" in [t.term for t in gbs.terms]
    assert "Neuropathy" not in [t.term for t in project.conditions[("en", MG)].terms]
    report = audit_project(project, pages=False)
    assert not next(h for h in report.handouts if h.condition.id == GBS).undefined_words


def test_a_template_that_drops_the_terms_box_fails_the_terms_item(project_copy: Path) -> None:
    (project_copy / "templates" / "handout.html.j2").write_text(
        '{% extends "default:handout.html.j2" %}{% block tools %}{% endblock %}', "utf-8"
    )
    report = _audit(project_copy)
    handout = next(h for h in report.handouts if h.condition.id == GBS)
    items = {i.number: i for i in handout.items}
    assert items[4].result == "disagree"
    assert "Paralysis" in items[4].reason
    assert items[23].result == "disagree"  # the questions checklist went too


def test_a_term_defined_twice_is_an_error(project_copy: Path) -> None:
    glossary = project_copy / "conditions" / "_glossary.en.yaml"
    edit(glossary, "terms:\n", 'terms:\n  - term: Steroid\n    means: "A drug."\n')
    report = _audit(project_copy)
    assert any(
        p.severity == "error" and "'Steroid' is defined twice" in p.message
        for p in report.all_problems()
    )


def test_explained_must_name_a_glossary_term(project_copy: Path) -> None:
    path = project_copy / "conditions" / "_treatment.en.yaml"
    edit(path, "explained: [", "explained: [Nephron, ")
    report = _audit(project_copy)
    assert any(
        p.location.path == path and "'Nephron' is listed as explained" in p.message
        for p in report.all_problems()
    )


# PEMAT -----------------------------------------------------------------------------


def test_passive_voice_fails_the_active_voice_item(project_copy: Path) -> None:
    path = project_copy / "conditions" / f"{GBS}.en.yaml"
    passive = "IVIG is given by a nurse. The dose is chosen by the doctor. Tests are done first."
    for _ in range(4):
        edit(path, "  about_condition:\n", f'  about_condition:\n    - "{passive}"\n')
    handout = next(h for h in _audit(project_copy).handouts if h.condition.id == GBS)
    item = next(i for i in handout.items if i.number == 5)
    assert item.result == "disagree"
    assert "is given" in item.reason or "is chosen" in item.reason


def test_doses_and_decimals_fail_the_number_items(project_copy: Path) -> None:
    path = project_copy / "conditions" / f"{GBS}.en.yaml"
    edit(
        path,
        "  how_ivig_helps:\n",
        '  how_ivig_helps:\n    - "You get 0.4 g/kg each day, about 2.5% of the total."\n',
    )
    handout = next(h for h in _audit(project_copy).handouts if h.condition.id == GBS)
    items = {i.number: i for i in handout.items}
    assert items[6].result == "disagree"
    assert items[7].result == "disagree"
    assert items[24].result == "person"  # a calculation is there: a person must judge it


def test_a_page_without_purpose_summary_steps_or_tool_scores_below_the_pass_line(
    project_copy: Path,
) -> None:
    (project_copy / "templates" / "handout.html.j2").write_text(
        '{% extends "default:handout.html.j2" %}'
        "{% block lead %}<h1>{{ c.title }}</h1>{% endblock %}"
        "{% block flow %}<section><h2>Information</h2><p>{{ c.about_condition[0] }}</p>"
        "</section>{% endblock %}"
        "{% block side_effects %}{% endblock %}{% block when_to_call %}{% endblock %}"
        "{% block tools %}{% endblock %}",
        "utf-8",
    )
    report = _audit(project_copy, strict=True)
    handout = next(h for h in report.handouts if h.condition.id == GBS)
    failed = {i.number for i in handout.items if i.result == "disagree"}
    assert {1, 9, 11, 22, 23} <= failed
    assert (handout.actionability.percent or 0) < 70
    assert any(
        p.severity == "error" and "PEMAT actionability" in p.message for p in handout.problems
    )


def test_items_a_program_cannot_judge_are_left_to_a_person(bundled: AuditReport) -> None:
    items = {i.number: i for i in bundled.handouts[0].items}
    assert {n for n, i in items.items() if i.result == "person"} == {2, 10, 15, 26}
    assert items[19].result == "n/a"  # no tables
    assert len(items) == 24  # PEMAT-P: 17 understandability and 7 actionability items
    assert bundled.handouts[0].understandability.applicable == 10


def test_a_table_without_headers_fails_the_table_item(project_copy: Path) -> None:
    (project_copy / "templates" / "handout.html.j2").write_text(
        '{% extends "default:handout.html.j2" %}{% block side_effects %}'
        "<section><h2>Side effects</h2><table><tr><td>Headache</td><td>Common</td></tr>"
        "</table></section>{% endblock %}",
        "utf-8",
    )
    handout = next(h for h in _audit(project_copy).handouts if h.condition.id == GBS)
    items = {i.number: i for i in handout.items}
    assert items[19].result == "disagree"
    assert items[25].result == "person"


# Review governance -----------------------------------------------------------------

APPROVED = """review:
  status: approved
  reviewer: "Dr. A. Reviewer, neurology"
  reviewed: {reviewed}
  next_review: {next_review}
  version: "1.0"
  updated: {updated}
"""


def _approve(path: Path, reviewed: str, next_review: str, updated: str) -> None:
    text = path.read_text("utf-8")
    start = text.index("review:\n")
    end = text.index("\npatient:")
    block = APPROVED.format(reviewed=reviewed, next_review=next_review, updated=updated)
    path.write_text(text[:start] + block + text[end:], "utf-8")


def test_an_approved_file_past_its_review_date_warns_and_fails_under_strict(
    project_copy: Path,
) -> None:
    path = project_copy / "conditions" / f"{GBS}.en.yaml"
    _approve(path, "2023-01-10", "2025-01-10", "2023-01-01")
    today = dt.date(2026, 11, 24)
    report = _audit(project_copy, today=today)
    overdue = [p for p in report.all_problems() if "past its next review date" in p.message]
    assert [p.severity for p in overdue] == ["warning"]
    assert overdue[0].location.line == line_of(path, "next_review:")
    assert report.reviews[path].overdue(today)

    strict = _audit(project_copy, today=today, strict=True)
    assert any(
        p.severity == "error" and "past its next review date" in p.message
        for p in strict.all_problems()
    )


def test_text_changed_after_review_is_flagged(project_copy: Path) -> None:
    path = project_copy / "conditions" / f"{GBS}.en.yaml"
    _approve(path, "2026-01-10", "2027-06-10", "2026-03-01")
    report = _audit(project_copy, today=dt.date(2026, 11, 24))
    assert any(
        "after its review on 2026-01-10" in p.message and p.location.path == path
        for p in report.all_problems()
    )


def test_approval_needs_a_reviewer_and_dates(project_copy: Path) -> None:
    path = project_copy / "conditions" / f"{GBS}.en.yaml"
    edit(path, "status: draft", "status: approved")
    code, output = run(project_copy, "validate")
    assert code == 1
    assert f"{GBS}.en.yaml:{line_of(path, 'review:')}" in output
    assert "approved content needs reviewer, reviewed, next_review" in output


def test_require_approved_refuses_to_build_drafts(project_copy: Path) -> None:
    edit(project_copy / "handouts.toml", "binder = true", "binder = true\nrequire_approved = true")
    out = project_copy / "out"
    code, output = run(project_copy, "build", "--condition", GBS, "--out", str(out))
    assert code == 1
    path = project_copy / "conditions" / f"{GBS}.en.yaml"
    assert f"{GBS}.en.yaml:{line_of(path, 'status: draft')}" in output
    assert "is a draft and require_approved is set" in output
    assert not out.exists()


def test_require_approved_builds_approved_content(
    project_copy: Path, stand_in: StandInRenderer
) -> None:
    edit(project_copy / "handouts.toml", "binder = true", "binder = true\nrequire_approved = true")
    today = dt.date.today()
    for path in [
        project_copy / "conditions" / f"{GBS}.en.yaml",
        project_copy / "conditions" / "_treatment.en.yaml",
    ]:
        _approve(path, f"{today - dt.timedelta(days=10)}", f"{today.replace(year=today.year + 2)}",
                 f"{today - dt.timedelta(days=20)}")  # fmt: skip
    out = project_copy / "out"
    code, output = run(project_copy, "build", "--condition", GBS, "--out", str(out))
    assert code == 0, output
    assert len(list(out.rglob("*.pdf"))) == 3  # one per brand


# Citations -------------------------------------------------------------------------


def test_an_uncited_source_is_an_error_at_its_line(project_copy: Path) -> None:
    path = project_copy / "conditions" / "_sources.yaml"
    edit(path, "sources:\n", 'sources:\n  - id: orphan-2020\n    citation: "Nobody cites this."\n')
    code, output = run(project_copy, "validate")
    assert code == 1
    assert f"_sources.yaml:{line_of(path, 'orphan-2020')}" in output
    assert "source 'orphan-2020' is cited by no summary cell" in output


def test_a_summary_cell_without_sources_is_an_error(project_copy: Path) -> None:
    path = project_copy / "conditions" / f"{MG}.en.yaml"
    edit(path, "    sources: [mg-consensus-2016, mg-consensus-2021]\n", "    sources: []\n")
    code, output = run(project_copy, "validate")
    assert code == 1
    assert f"{MG}.en.yaml:" in output
    assert "clinician.regimen.sources" in output


# The command and its reports -------------------------------------------------------


def test_audit_command_writes_json_and_html_reports(project_copy: Path) -> None:
    out = project_copy / "out"
    code, output = run(project_copy, "audit", "--condition", GBS, "--lang", "en", "--brand",
                       "lakeside-infusion", "--out", str(out), "--strict")  # fmt: skip
    assert code == 0, output
    assert "GBS" in output
    data = json.loads((out / "audit.json").read_text("utf-8"))
    [handout] = data["handouts"]
    assert handout["id"] == GBS
    assert handout["pages"]["standard"]["pages"] == 2
    assert handout["pages"]["large-print"]["pages"] <= 4
    assert handout["pemat"]["understandability"]["percent"] >= 80
    assert {s["key"] for s in handout["reading"]["sections"]} >= {"about", "expect", "terms"}
    assert data["errors"] == 0
    # The HTML report is a whole document a browser (or WeasyPrint) can open.
    html = (out / "audit.html").read_text("utf-8")
    root = HTML(string=html).etree_element
    headings = ["".join(h.itertext()) for h in root.iter("h2")]
    assert "IVIG for Guillain-Barré syndrome (GBS) (en)" in [" ".join(h.split()) for h in headings]


def test_audit_exits_non_zero_on_errors_but_still_writes_the_report(project_copy: Path) -> None:
    path = project_copy / "conditions" / "_sources.yaml"
    edit(path, "sources:\n", 'sources:\n  - id: orphan-2020\n    citation: "Nobody cites this."\n')
    out = project_copy / "out"
    code, output = run(project_copy, "audit", "--no-pages", "--out", str(out))
    assert code == 1
    assert "1 error found by the audit" in output
    data = json.loads((out / "audit.json").read_text("utf-8"))
    assert data["errors"] == 1


def test_audit_rejects_an_unknown_condition(project_copy: Path) -> None:
    code, output = run(project_copy, "audit", "--condition", "gbs")
    assert code == 2  # a bad option, named as such
    assert "--condition: unknown condition 'gbs'" in output


def _document(job: Job) -> tuple[str, str, str, str | None, str]:
    return job.kind, job.brand, job.lang, job.condition, job.edition


def test_readme_audit_table_is_current(
    project: Project,
    built: BuildResult,
    spanish_layouts: list[Layout],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The README's table is the audit's own Markdown output, not a copy that drifts.

    The session's build and layouts laid out every page the audit counts already: it
    takes their page counts and fitting steps from them (what a layout gives is what
    the build records: checked on a page that needs tight spacing)."""
    from handouts.audit.report import markdown_table, to_json

    recorded = {_document(o.job): o for o in built.outcomes}
    tight = recorded[("handout", "lakeside-infusion", "en", "kawasaki-disease", "standard")]
    (layout,) = layouts(project, [tight.job])
    assert (layout.pages, layout.fits, layout.step) == (tight.pages, True, tight.fit)
    known = {_document(o.job): Layout(o.job, o.pages or 0, True, o.fit, "") for o in built.outcomes}
    known |= {_document(layout.job): layout for layout in spanish_layouts}
    lay_out = Worker.layout

    def known_first(worker: Worker, job: Job) -> Layout:
        found = known.get(_document(job))
        return lay_out(worker, job) if found is None else dataclasses.replace(found, job=job)

    monkeypatch.setattr(Worker, "layout", known_first)  # forked workers inherit it
    report = audit_project(project)
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    assert markdown_table(to_json(report)) in readme
