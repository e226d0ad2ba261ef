"""Will the clinician summary fit its page? Said before a build finds out.

``validate`` lays nothing out: it predicts from the text (summary_layout.py), for
every brand and language the project builds. ``audit`` lays the summary out as the
build would and reports the type size it got. Either warns while there is still a
choice to make: shorten the rows, or set ``summary_overflow``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from handouts.context import summary_cells, summary_context
from handouts.errors import Location, Problem
from handouts.project import Project
from handouts.summary_layout import OVERFLOW_HELP, SHEETS, measure_for, predicted_fill
from handouts.tokens import body_family

FLOOR_PT = 7.5  # the smallest type the summary is set in (fit.SUMMARY_SIZES)
CROWDED = 0.96  # predicted share of the page past which one more row will not fit


@dataclass(frozen=True)
class SummaryFit:
    """The summary of one language in one brand: how it fits, or is expected to."""

    lang: str
    brand: str
    step: str = ""  # as laid out: "8.25 pt", "2 pages, 8.5 pt", "legal, 8 pt"
    fits: bool = True
    fill: float | None = None  # as predicted: the share of one page at the floor


def built_summaries(
    project: Project, brands: Sequence[str], languages: Sequence[str]
) -> list[tuple[str, str]]:
    """(language, brand) of every summary a build of these would make."""
    return [(lang, brand) for lang in languages if project.condition_ids(lang) for brand in brands]


def predict(
    project: Project, brands: Sequence[str], languages: Sequence[str]
) -> tuple[list[SummaryFit], list[Problem]]:
    """The predicted fill of each summary at the floor, and a warning where it will
    not fit (or only just)."""
    settings = project.config.settings
    fits = []
    for lang, brand_name in built_summaries(project, brands, languages):
        brand = project.brands[brand_name]
        _ = project.translate(lang)
        context = summary_context(project, lang, project.covered(lang), brand, Path.as_uri, [], _)
        table = summary_cells(_("Condition"), context["columns"], context["rows"])
        safety = [(item["text"], item["cite"]) for item in context["safety"]]
        sources = [f"{note['number']} {note['citation']}" for note in context["footnotes"]]
        measure = measure_for(body_family(brand.stylesheets(project.stylesheets)))
        fill = predicted_fill(table, safety, sources, settings.paper, FLOOR_PT, measure)
        fits.append(SummaryFit(lang, brand_name, fits=fill < 1, fill=fill))
    problems = []
    for lang in dict.fromkeys(fit.lang for fit in fits):
        worst = max((fit for fit in fits if fit.lang == lang), key=lambda fit: fit.fill or 0)
        assert worst.fill is not None
        paper = settings.paper.capitalize() if settings.paper == "letter" else "A4"
        share = f"about {worst.fill:.0%} of a {paper} page at {FLOOR_PT:g} pt in {worst.brand}"
        if worst.fill >= 1 and settings.summary_overflow == "fail":
            message = (
                f"the {lang} clinician summary is not expected to fit one page ({share}), "
                f"so the build will fail: {OVERFLOW_HELP}"
            )
        elif worst.fill >= CROWDED and settings.summary_overflow not in SHEETS:
            message = (
                f"the {lang} clinician summary fills {share}: one more row is not expected "
                "to fit on its page"
            )
        else:
            continue
        problems.append(_at_last_row(project, lang, message))
    return fits, problems


def measured(
    project: Project, brands: Sequence[str], languages: Sequence[str]
) -> tuple[list[SummaryFit], list[Problem]]:
    """Each summary laid out as the build would: its fitting step, and an error where
    the build would fail (a warning where it is at its smallest type)."""
    from handouts.builder import layouts  # lays pages out: only for the audit
    from handouts.jobs import Job

    jobs = [
        Job("summary", brand, lang, None, "")
        for lang, brand in built_summaries(project, brands, languages)
    ]
    fits = []
    problems = []
    for layout in layouts(project, jobs):
        job = layout.job
        fits.append(SummaryFit(job.lang, job.brand, layout.step, layout.fits))
        if not layout.fits:
            message = f"the {job.lang} clinician summary, brand {job.brand}: {layout.problem}"
            problems.append(_at_last_row(project, job.lang, message, "error"))
        elif layout.step.endswith(f"{FLOOR_PT:g} pt") and "pages" not in layout.step:
            message = (
                f"the {job.lang} clinician summary, brand {job.brand}, fits only at its "
                f"smallest type ({FLOOR_PT:g} pt): one more row will not fit on its page"
            )
            problems.append(_at_last_row(project, job.lang, message))
    return fits, problems


def _at_last_row(project: Project, lang: str, message: str, severity: str = "warning") -> Problem:
    """A problem of the summary as a whole, at the file of its last row: that is where
    a condition added last usually is, and the row a reader would shorten or move."""
    covered = project.covered(lang)
    where = (
        project.locate(project.condition_file(covered[-1].lang, covered[-1].id), ("clinician",))
        if covered
        else Location(project.config.config_path or project.root)
    )
    # A prediction may be off by a few percent: never an error under --strict.
    return Problem(where, message, severity, escalates=severity == "error")
