"""Document kinds: each kind of document the build makes, as one class.

A kind knows its templates, its context, its stylesheet and page size, where its page
number goes, its page limit, how it is fitted to its pages and which parts it holds,
the way Pelican gives each output kind a generator of its own. The build, the
renderer, the input hashing and the audit ask the kind (``KINDS[job.kind]``) and never
branch on the kind's name; adding a kind (a personalized packet is next) is adding a
class here and registering it.

Light to import: the fitting and rendering modules (WeasyPrint) are imported only
when a kind fits or renders, so planning and validating stay fast.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from handouts.defaults import default_styles
from handouts.jobs import Edition, Job, Kind, Stylesheet
from handouts.templating import render_template

if TYPE_CHECKING:
    from jinja2 import Environment

    from handouts.config import ProjectSettings
    from handouts.fit import Fitted, LayoutCall
    from handouts.project import Project
    from handouts.task import Hints, Rendered
    from handouts.worker import Worker

AssetUrl = Callable[[Path], str]


# The fitting steps a handout may take (fit.py), as the manifest and the audit name them.
TIGHT = "tight spacing"
QR_MOVED = "QR code moved"


def tight_spacing() -> Stylesheet:
    """The stylesheet of a handout's second, tighter layout."""
    return Stylesheet(default_styles() / "fit-tight.css")


# Shows the QR code the template hid and hides the one it showed (see handout.css).
QR_SWAP = Stylesheet(
    text=".tools[data-qr=questions] .qr-at-terms, .tools[data-qr=terms] .qr-at-questions "
    "{ display: block; }\n"
    ".tools[data-qr=questions] .qr-at-questions, .tools[data-qr=terms] .qr-at-terms "
    "{ display: none; }\n",
    name="qr-moved",
)


class DocumentKind:
    """What every kind of document has; the subclasses fill it in."""

    name: ClassVar[Kind]
    landscape: ClassVar[bool] = False  # the page turns landscape on any paper
    # Where "Page N of M" goes, as a CSS rule with {} for the words, by edition and
    # direction (right to left: True); none for a kind without page numbers.
    page_number: ClassVar[dict[tuple[Edition, bool], str]] = {}
    rank: ClassVar[int] = 2  # tasks of a lower rank start first (they take longer)
    # Laid out from other documents of its brand and language (parts()): the build
    # renders it in one task after them, reusing their layouts.
    composite: ClassVar[bool] = False

    @property
    def stylesheet(self) -> Path:
        """The kind's own stylesheet among the defaults."""
        return default_styles() / f"{self.name}.css"

    def templates(self, job: Job) -> list[str]:
        """Template names, most specific first."""
        raise NotImplementedError

    def context(
        self, project: Project, job: Job, asset_url: AssetUrl, links: list[str]
    ) -> dict[str, Any]:
        raise NotImplementedError

    def parts(self, project: Project, job: Job) -> list[Job]:
        """The documents this one is laid out from: itself, or a binder's parts."""
        return [job]

    def fitting_sheets(self, job: Job) -> list[Stylesheet]:
        """Stylesheets a fitting step may add to the document (inputs too)."""
        return []

    def conditions(self, project: Project, job: Job) -> list[tuple[str, str]]:
        """(language, id) of the conditions the document prints."""
        if job.condition is not None:
            return [(job.content_lang, job.condition)]
        return [(c.lang, c.id) for c in project.covered(job.lang)]

    def fit(
        self, layout: LayoutCall, settings: ProjectSettings, job: Job, hint: str | None = None
    ) -> Fitted:
        raise NotImplementedError

    def render(self, worker: Worker, job: Job, hints: Hints) -> Rendered:
        """Lay the document out, fit it and write it (the worker's common way)."""
        return worker.render_fitted(job)


class Handout(DocumentKind):
    """A patient handout: standard (2 pages) or large print (4), fitted by spacing."""

    name = "handout"
    page_number: ClassVar[dict[tuple[Edition, bool], str]] = {
        ("standard", False): ".page-number::after {{ content: {}; }}",
        # The standard handout's number is in its footer, which mirrors with the page.
        ("standard", True): ".page-number::after {{ content: {}; }}",
        ("large-print", False): "@page {{ @top-right {{ content: {}; }} }}",
        ("large-print", True): "@page rtl {{ @top-left {{ content: {}; }} }}",
    }

    def templates(self, job: Job) -> list[str]:
        return [f"handout-{job.condition}.html.j2", "handout.html.j2"]

    def context(
        self, project: Project, job: Job, asset_url: AssetUrl, links: list[str]
    ) -> dict[str, Any]:
        from handouts.context import fallback_notice, handout_context

        assert job.condition is not None
        condition = project.conditions[(job.content_lang, job.condition)]
        brand = project.brands[job.brand]
        _ = project.translate(job.content_lang)
        notice = fallback_notice(project, job)
        return handout_context(condition, brand, asset_url, links, job.edition, _, notice)

    def fitting_sheets(self, job: Job) -> list[Stylesheet]:
        return [tight_spacing(), QR_SWAP]

    def page_limit(self, settings: ProjectSettings, job: Job) -> int:
        if job.edition == "large-print":
            return settings.max_large_print_pages
        return settings.max_handout_pages

    def fit(
        self, layout: LayoutCall, settings: ProjectSettings, job: Job, hint: str | None = None
    ) -> Fitted:
        from handouts.fit import fit_handout

        return fit_handout(layout, self.page_limit(settings, job), hint)


class Summary(DocumentKind):
    """The clinician summary: one landscape page, fitted by type size."""

    name = "summary"
    landscape = True
    page_number: ClassVar[dict[tuple[Edition, bool], str]] = {
        ("standard", False): "@page {{ @bottom-right {{ content: {}; }} }}",
        ("standard", True): "@page rtl {{ @bottom-left {{ content: {}; }} }}",
    }
    rank = 0  # two or three layouts each

    def templates(self, job: Job) -> list[str]:
        return ["clinician-summary.html.j2", "summary.html.j2"]

    def context(
        self, project: Project, job: Job, asset_url: AssetUrl, links: list[str]
    ) -> dict[str, Any]:
        from handouts.context import summary_context

        brand = project.brands[job.brand]
        _ = project.translate(job.content_lang)
        conditions = project.covered(job.lang)
        return summary_context(project, job.lang, conditions, brand, asset_url, links, _)

    def fit(
        self, layout: LayoutCall, settings: ProjectSettings, job: Job, hint: str | None = None
    ) -> Fitted:
        from handouts.fit import fit_summary

        return fit_summary(layout, hint, settings.summary_overflow)


class Binder(DocumentKind):
    """One PDF per brand and language: cover, contents, every handout, the summary."""

    name = "binder"
    composite = True

    def templates(self, job: Job) -> list[str]:
        return ["binder.html.j2"]

    def parts(self, project: Project, job: Job) -> list[Job]:
        """Every handout of the language (borrowed ones as built for its folder, notice
        and all), then the summary, then the binder's own cover and contents."""
        parts = [
            Job(
                "handout",
                job.brand,
                job.lang,
                condition.id,
                "",
                "standard",
                None if condition.lang == job.lang else condition.lang,
            )
            for condition in project.covered(job.lang)
        ]
        return [*parts, Job("summary", job.brand, job.lang, None, ""), job]

    def render(self, worker: Worker, job: Job, hints: Hints) -> Rendered:
        return worker.render_binder(job, hints)


KINDS: dict[str, DocumentKind] = {kind.name: kind for kind in (Handout(), Summary(), Binder())}


def document_html(
    project: Project,
    job: Job,
    env: Environment,
    asset_url: Callable[[Path], str] = Path.as_uri,
    links: list[str] | None = None,
) -> tuple[dict[str, object], str]:
    """The context and the HTML of one job's document, before any CSS is applied.
    ``env`` must be the environment of the job's language (``Worker.env_for``)."""
    kind = KINDS[job.kind]
    context = kind.context(project, job, asset_url, links or [])
    return context, render_template(env, kind.templates(job), context)
