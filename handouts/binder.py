"""The binder: one PDF per brand and language with a cover, the contents with page
numbers, every handout and the clinician summary.

Each part is laid out exactly as it is when built on its own (same templates, same
stylesheets, same fitting), then the pages of all the parts are joined into one
WeasyPrint document, so the tag tree and the outline cover every part: the outline
has each handout's title and sections and the summary's. The contents page is laid
out last, when the page count of every part is known.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment
from weasyprint import Document

from handouts.context import BinderPart, binder_context
from handouts.fit import Fitted
from handouts.i18n import language_name
from handouts.jobs import Job, Stylesheet
from handouts.kinds import KINDS
from handouts.project import Project
from handouts.render import Renderer
from handouts.templating import render_template

# Cover and contents come first: the first part starts on page 3.
FRONT_PAGES = 2


@dataclass
class Binder:
    document: Document | None
    context: dict[str, Any] = field(default_factory=dict)  # the cover's: dates, title
    problem: str = ""


def make_binder(
    project: Project,
    job: Job,
    env: Environment,
    renderer: Renderer,
    sheets_for: Callable[[Job], list[Stylesheet]],
    fitted_for: Callable[[Job], Fitted],
    warnings: list[str],
    variant: str,
) -> Binder:
    """Join the laid-out parts of the binder of ``job.brand`` in ``job.lang``.

    ``fitted_for`` gives a part's laid-out pages: the build hands over the ones it has
    just made for the separate files, so a part is not laid out twice.
    """
    _ = project.translate(job.lang)
    parts: list[tuple[str, str, Fitted]] = []
    *handouts, summary_job, _itself = KINDS["binder"].parts(project, job)
    for part in handouts:
        assert part.condition is not None
        condition = project.conditions[(part.content_lang, part.condition)]
        fitted = fitted_for(part)
        if not fitted.fits:
            return Binder(None, problem=f"handout {condition.id}: {fitted.problem}")
        source = part.source_lang
        kind = (
            _("Patient handout")
            if source is None
            else _("Patient handout, in %(language)s", language=language_name(source, job.lang))
        )
        parts.append((condition.title, kind, fitted))
    summary = fitted_for(summary_job)
    if not summary.fits:
        return Binder(None, problem=f"clinician summary: {summary.problem}")
    treatment = project.treatments[job.lang]
    parts.append((treatment.clinician.summary_title, _("Clinician summary"), summary))

    front, context = _front_matter(
        project, job, env, renderer, sheets_for, parts, warnings, variant
    )
    pages = [*front.pages, *(page for *_, fitted in parts for page in fitted.document.pages)]
    return Binder(front.copy(pages), context)


def _front_matter(
    project: Project,
    job: Job,
    env: Environment,
    renderer: Renderer,
    sheets_for: Callable[[Job], list[Stylesheet]],
    parts: list[tuple[str, str, Fitted]],
    warnings: list[str],
    variant: str,
) -> tuple[Document, dict[str, Any]]:
    brand = project.brands[job.brand]
    sheets = sheets_for(job)  # base, binder.css, the brand
    front_pages = FRONT_PAGES
    for _ in range(2):  # a second pass only if the contents ran onto another page
        listed, page = [], front_pages + 1
        for title, kind, fitted in parts:
            count = len(fitted.document.pages)
            listed.append(BinderPart(title, kind, page, count))
            page += count
        context = binder_context(
            project, job.lang, brand, listed, Path.as_uri, _=project.translate(job.lang)
        )
        document = renderer.layout(
            render_template(env, ["binder.html.j2"], context),
            project.root,
            sheets,
            warnings,
            variant,
        )
        if len(document.pages) == front_pages:
            break
        front_pages = len(document.pages)
    return document, context
