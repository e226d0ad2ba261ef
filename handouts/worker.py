"""Rendering documents in one process: what a build's worker does.

A ``Worker`` keeps everything that is costly to set up warm across the documents it
renders: the Jinja2 environment, WeasyPrint's FontConfiguration and parsed
stylesheets (render.py). It takes a ``Task`` (one document, or the handouts, summary
and binder of one brand and language, which share their layouts), fits each document
to its pages (fit.py), writes it atomically and returns what the manifest records.
It never raises for a bad document: the error is part of the result, and the batch
goes on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from jinja2 import Environment
from weasyprint import Document

from handouts.binder import make_binder
from handouts.cascade import document_stylesheets
from handouts.errors import BuildError
from handouts.fit import Fitted, margin_overflow
from handouts.font_instances import Instance, ensure, project_instances
from handouts.fonts import font_face_css
from handouts.i18n import translations
from handouts.jobs import BuildOptions, Job, Stylesheet
from handouts.kinds import KINDS, document_html
from handouts.output import sha256_bytes, write_atomic
from handouts.plan import build_settings, output_folder
from handouts.project import Project
from handouts.render import Renderer
from handouts.task import Hints, Layout, Rendered, Task
from handouts.templating import make_environment


class _Assets:
    """Asset URLs for a document: file URLs for PDF, copies beside the HTML for preview."""

    def __init__(self, html_dir: Path | None, instances: Sequence[Instance] = ()) -> None:
        self.html_dir = html_dir
        self.instances = instances
        self.copied: dict[Path, str] = {}

    def url(self, path: Path) -> str:
        if self.html_dir is None:
            return path.as_uri()
        if path not in self.copied:
            name = path.name
            if f"assets/{name}" in self.copied.values():  # a brand.css and the user's
                name = f"{len(self.copied)}-{name}"
            # Atomic: two workers may copy the same font into a shared assets folder.
            write_atomic(self.html_dir / "assets" / name, path.read_bytes())
            self.copied[path] = f"assets/{name}"
        return self.copied[path]

    def font_css(self) -> str:
        return font_face_css(lambda p: self.url(p).removeprefix("assets/"), self.instances)


class Worker:
    """Renders tasks in this process, keeping templates, fonts and parsed CSS warm."""

    def __init__(self, project: Project, options: BuildOptions) -> None:
        self.project = project
        self.options = options
        self.settings = build_settings(project, options)
        self.output_dir = output_folder(project, options)
        self._envs: dict[str, Environment] = {}
        # Made by the build before it started the workers; any missing (the cache was
        # emptied since, or a library caller skipped that) is made here.
        self.instances, _ = ensure(project_instances(project))
        self.renderer = Renderer(project.resource_roots(), self.instances)
        # Standard-edition layouts made during the current task, for its binder.
        self.laid_out: dict[tuple[str, str | None], Fitted] = {}
        self.keep = False  # True: PDFs are returned in Rendered.data, not written

    def env_for(self, lang: str) -> Environment:
        """The templates with the language's catalog installed, one per language."""
        found = self._envs.get(lang)
        if found is None:
            catalog = translations(lang, self.project.locale_dirs)
            found = self._envs[lang] = make_environment(self.project.config.templates_dir, catalog)
        return found

    def sheets(self, job: Job) -> list[Stylesheet]:
        return document_stylesheets(self.project, job, self.settings)

    def run(self, task: Task) -> list[Rendered]:
        self.laid_out.clear()
        try:
            return [self._one(job, task.hints) for job in task.jobs]
        finally:
            self.laid_out.clear()  # a Document holds megabytes; keep none between tasks

    def layout(self, job: Job) -> Layout:
        """Lay out and fit one document, writing nothing."""
        _, html = document_html(self.project, job, self.env_for(job.content_lang))
        fit = self.fit(job, html, self.sheets(job), [])
        return Layout(job, len(fit.document.pages), fit.fits, fit.step, fit.problem)

    def _one(self, job: Job, hints: Hints) -> Rendered:
        try:
            return KINDS[job.kind].render(self, job, hints)
        except BuildError as exc:
            return Rendered(job, error=exc.message)
        except MemoryError:
            self.laid_out.clear()
            limit = self.project.config.settings.worker_memory_mb
            return Rendered(
                job,
                error=f"ran out of memory: a worker may use {limit} MB "
                "(worker_memory_mb in handouts.toml)",
            )
        except Exception as exc:  # WeasyPrint raises many types; the batch goes on
            return Rendered(job, error=f"{type(exc).__name__}: {exc}")

    def render_fitted(self, job: Job) -> Rendered:
        """A document laid out on its own and fitted: a PDF, or the HTML preview."""
        return self._html(job) if self.options.format == "html" else self._pdf(job)

    def _html(self, job: Job) -> Rendered:
        """The HTML WeasyPrint would render, with its stylesheets and fonts beside it,
        fitted like the PDF (so the preview has the same pages)."""
        target = self.output_dir / job.output
        warnings: list[str] = []
        _, laid_out = document_html(self.project, job, self.env_for(job.content_lang))
        fit = self.fit(job, laid_out, self.sheets(job), warnings)
        sheets = [*self.sheets(job), *fit.extra]
        assets = _Assets(target.parent, self.instances)
        links = [assets.url(s.path) for s in sheets if s.path]
        write_atomic(target.parent / "assets" / "fonts.css", assets.font_css().encode())
        links.insert(0, "assets/fonts.css")
        for sheet in sheets:
            if sheet.text is not None:
                name = f"assets/{sheet.name}.css"
                write_atomic(target.parent / name, sheet.text.encode())
                links.append(name)
        _, html = document_html(
            self.project, job, self.env_for(job.content_lang), assets.url, links
        )
        data = html.encode("utf-8")
        write_atomic(target, data)
        pages = len(fit.document.pages)
        return Rendered(job, None, pages, fit.step, sha256_bytes(data), len(data), warnings)

    def _pdf(self, job: Job) -> Rendered:
        warnings: list[str] = []
        context, html = document_html(self.project, job, self.env_for(job.content_lang))
        fit = self.fit(job, html, self.sheets(job), warnings)
        if job.edition == "standard":  # a binder of this task may reuse it
            self.laid_out[(job.kind, job.condition)] = fit
        pages = len(fit.document.pages)
        if not fit.fits:
            # The build says what became of the previous file (build.py).
            return Rendered(job, error=fit.problem, pages=pages, warnings=warnings)
        data = self.renderer.write(
            fit.document, document_epoch(context), warnings, self.settings.pdf_variant
        )
        return self._written(Rendered(job, None, pages, fit.step, warnings=warnings), data)

    def fit(
        self,
        job: Job,
        html: str,
        sheets: list[Stylesheet],
        warnings: list[str],
        hint: str | None = None,
    ) -> Fitted:
        root, variant = self.project.root, self.settings.pdf_variant

        def layout(extra: list[Stylesheet]) -> Document:
            return self.renderer.layout(html, root, [*sheets, *extra], warnings, variant)

        fitted = KINDS[job.kind].fit(layout, self.project.config.settings, job, hint)
        # The margins hold what a brand sets (the clinic's name, phone, a note): text
        # that outgrows them fails like a page too many, at any spacing.
        if fitted.fits and (problem := margin_overflow(fitted.document)):
            return Fitted(fitted.document, False, fitted.step, problem, fitted.extra)
        return fitted

    def _part(self, part: Job, hints: Hints, warnings: list[str]) -> Fitted:
        """A binder part: the layout this task just made for its own file, or a new
        one, at the step the part's up-to-date file was fitted with when known."""
        found = self.laid_out.get((part.kind, part.condition))
        if found is None:
            _, html = document_html(self.project, part, self.env_for(part.lang))
            hint = hints.get((part.kind, part.condition))
            found = self.fit(part, html, self.sheets(part), warnings, hint)
        return found

    def render_binder(self, job: Job, hints: Hints) -> Rendered:
        warnings: list[str] = []
        binder = make_binder(
            self.project,
            job,
            self.env_for(job.lang),
            self.renderer,
            self.sheets,
            lambda part: self._part(part, hints, warnings),
            warnings,
            self.settings.pdf_variant,
        )
        if binder.document is None:
            return Rendered(job, error=binder.problem, warnings=warnings)
        epoch = document_epoch(binder.context)
        data = self.renderer.write(binder.document, epoch, warnings, self.settings.pdf_variant)
        pages = len(binder.document.pages)
        return self._written(Rendered(job, None, pages, "", warnings=warnings), data)

    def _written(self, rendered: Rendered, data: bytes) -> Rendered:
        """Where a PDF goes: into the output folder, or (``keep``, a worker on another
        machine) back to the build, which writes it."""
        rendered.sha256, rendered.bytes = sha256_bytes(data), len(data)
        if self.keep:
            rendered.data = data
        else:
            write_atomic(self.output_dir / rendered.job.output, data)
        return rendered


def document_epoch(context: dict[str, object]) -> int:
    """The document's date as seconds: what fonts embedded in it are stamped with."""
    doc = context["doc"]
    assert isinstance(doc, dict)
    stamp = dt.datetime.fromisoformat(str(doc["date"]).replace("Z", "+00:00"))
    return int(stamp.timestamp())
