"""Running a build: each planned document rendered, fitted to its pages, written.

``plan`` (plan.py) turns a project and options into jobs; ``build`` renders each job,
fits it to its page budget (fit.py), writes it atomically and records it in the
manifest. A failing document is reported and the others are still written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment

from handouts import __version__
from handouts.audit.checks import check_approved
from handouts.binder import make_binder
from handouts.brand import Brand
from handouts.context import handout_context, summary_context
from handouts.defaults import default_styles, defaults_dir
from handouts.errors import BuildError, ContentError
from handouts.fit import Fitted, fit_handout, fit_summary, tight_spacing
from handouts.fonts import font_dirs, font_face_css, font_files
from handouts.manifest import Entry, Manifest
from handouts.output import sha256_bytes, sha256_file, write_atomic
from handouts.plan import BuildOptions, Job, Settings, plan
from handouts.project import Project
from handouts.render import Renderer, Stylesheet
from handouts.templating import make_environment, render_template, template_search_path

__all__ = ["BuildOptions", "BuildResult", "Job", "Outcome", "build", "plan"]


@dataclass
class Outcome:
    job: Job
    path: Path | None = None
    pages: int | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    fit: str = ""  # how it was fitted when that took more than the defaults


@dataclass
class BuildResult:
    output_dir: Path
    outcomes: list[Outcome]
    manifest: Path | None

    @property
    def written(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.error is None]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.error is not None]


class _Assets:
    """Asset URLs for a document: file URLs for PDF, copies beside the HTML for preview."""

    def __init__(self, html_dir: Path | None) -> None:
        self.html_dir = html_dir
        self.copied: dict[Path, str] = {}

    def url(self, path: Path) -> str:
        if self.html_dir is None:
            return path.as_uri()
        if path not in self.copied:
            name = path.name
            if f"assets/{name}" in self.copied.values():  # a brand.css and the user's
                name = f"{len(self.copied)}-{name}"
            target = self.html_dir / "assets" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            self.copied[path] = f"assets/{name}"
        return self.copied[path]

    def font_css(self) -> str:
        return font_face_css(lambda p: self.url(p).removeprefix("assets/"))


def _stylesheets(job: Job, brand: Brand, build: Settings, extra: list[Path]) -> list[Stylesheet]:
    """The cascade, last wins: defaults, paper size, the brand, the edition (large print
    must win over a brand's sizes), print-shop page marks, then the project's own
    stylesheets (``--stylesheet``), the way WeasyPrint's ``-s`` adds to a document."""
    styles = default_styles()
    kind = job.kind
    sheets = [Stylesheet(styles / "base.css"), Stylesheet(styles / f"{kind}.css")]
    if build.paper == "a4":
        size = "A4 landscape" if kind == "summary" else "A4"
        sheets.append(Stylesheet(text=f"@page {{ size: {size}; }}", name=f"paper-{kind}-a4"))
    if brand.stylesheet:
        sheets.append(Stylesheet(brand.stylesheet))
    if job.edition == "large-print":
        sheets.append(Stylesheet(styles / "large-print.css"))
    if build.print_shop:
        sheets.append(Stylesheet(styles / "print-shop.css"))
    sheets += [Stylesheet(path) for path in extra]
    return sheets


class _FileHashes:
    """sha256 of input files, each read once per build: templates, fonts and shared
    content are inputs of every document."""

    def __init__(self) -> None:
        self._known: dict[Path, str] = {}

    def __call__(self, path: Path) -> str:
        found = self._known.get(path)
        if found is None:
            found = self._known[path] = sha256_file(path)
        return found


def _inputs_of(
    project: Project,
    job: Job,
    sheets: list[Stylesheet],
    shared_files: list[Path],
    hashes: _FileHashes,
) -> dict[str, str]:
    """Every file whose change changes this document, by a stable name, with its hash."""
    files: list[Path] = []
    if job.condition:
        files += project.files[(job.lang, job.condition)]
    else:
        for (lang, _cid), paths in sorted(project.files.items()):
            if lang == job.lang:
                files += paths
    files += project.brands[job.brand].files
    files += [s.path for s in sheets if s.path]
    files += shared_files
    inputs: dict[str, str] = {}
    for path in dict.fromkeys(files):
        inputs[_input_name(project, path)] = hashes(path)
    for sheet in sheets:
        if sheet.text is not None:
            inputs[f"<{sheet.name}>"] = sha256_bytes(sheet.text.encode())
    inputs["<handouts>"] = __version__
    return inputs


def _input_name(project: Project, path: Path) -> str:
    for prefix, root in (("", project.root), ("default:", defaults_dir())):
        if path.is_relative_to(root):
            return prefix + path.relative_to(root).as_posix()
    return f"font:{path.name}" if path.suffix in {".ttf", ".otf"} else str(path)


def _hash_inputs(inputs: dict[str, str], job: Job, options: BuildOptions, build: Settings) -> str:
    digest = hashlib.sha256()
    for name in sorted(inputs):
        digest.update(f"{name}\0{inputs[name]}\n".encode())
    fields = (job.kind, job.brand, job.lang, job.edition, options.format, build.pdf_variant)
    digest.update("\0".join(fields).encode())
    return digest.hexdigest()


def build(
    project: Project,
    options: BuildOptions | None = None,
    *,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[Outcome], None] | None = None,
) -> BuildResult:
    """Build the planned documents; report each as it finishes through ``on_done``."""
    options = options or BuildOptions()
    run = _Build(project, options)
    jobs = plan(project, options)
    if project.config.settings.require_approved:
        # Drafts are refused before anything renders, so nothing is half-built.
        chosen = dict.fromkeys(
            (lang, cid) for job in jobs for lang, cid in _conditions_of(project, job)
        )
        if problems := check_approved(project, chosen):
            raise ContentError(problems)
    if on_start:
        on_start(len(jobs))
    outcomes: list[Outcome] = []
    for job in jobs:
        outcome = run.job(job)
        outcomes.append(outcome)
        if on_done:
            on_done(outcome)
    output_dir = run.output_dir
    run.manifest.prune(output_dir)
    written = any(o.error is None for o in outcomes)
    manifest_path = run.manifest.write(output_dir) if written else None
    return BuildResult(output_dir, outcomes, manifest_path)


def document_html(
    project: Project,
    job: Job,
    env: Environment,
    asset_url: Callable[[Path], str] = Path.as_uri,
    links: list[str] | None = None,
) -> tuple[dict[str, object], str]:
    """The context and the HTML of one job's document, before any CSS is applied."""
    brand = project.brands[job.brand]
    if job.kind == "handout":
        assert job.condition is not None
        condition = project.conditions[(job.lang, job.condition)]
        context = handout_context(condition, brand, asset_url, links or [], job.edition)
        names = [f"handout-{job.condition}.html.j2", "handout.html.j2"]
    else:
        conditions = project.ordered_conditions(job.lang)
        context = summary_context(project, job.lang, conditions, brand, asset_url, links or [])
        names = ["clinician-summary.html.j2", "summary.html.j2"]
    return context, render_template(env, names, context)


def _conditions_of(project: Project, job: Job) -> list[tuple[str, str]]:
    """The conditions a document prints: one for a handout, all of its language else."""
    if job.condition is not None:
        return [(job.lang, job.condition)]
    return [(job.lang, c.id) for c in project.ordered_conditions(job.lang)]


def layouts(project: Project, jobs: Iterable[Job]) -> Iterator[tuple[Job, Fitted]]:
    """Lay out handouts and summaries as a build would, writing nothing (the audit
    counts their pages)."""
    run = _Build(project, BuildOptions())
    for job in jobs:
        _, html = document_html(project, job, run.env)
        yield job, run._fit(job, html, run.sheets(job), [])


def stylesheets_for(
    project: Project, job: Job, options: BuildOptions | None = None
) -> list[Stylesheet]:
    """The stylesheets one job's document is rendered with, in cascade order."""
    settings = Settings.of(project, options or BuildOptions())
    return _stylesheets(job, project.brands[job.brand], settings, project.stylesheets)


class _Build:
    """What every document of one build shares: settings, templates, the warm renderer,
    input hashes, the manifest, and the laid-out parts a binder reuses."""

    def __init__(self, project: Project, options: BuildOptions) -> None:
        self.project = project
        self.options = options
        self.settings = Settings.of(project, options)
        self.output_dir = (options.output or project.config.output_dir).resolve()
        self.env = make_environment(project.config.templates_dir)
        # Inputs of every document: every template on the search path and every font.
        shared = [
            p for folder in template_search_path(self.env) for p in sorted(folder.rglob("*.j2"))
        ]
        self.shared_files = shared + [path for *_, path in font_files()]
        self.hashes = _FileHashes()
        self.renderer = Renderer([project.root, defaults_dir(), *font_dirs()])
        self.manifest = Manifest.read(self.output_dir)
        # Standard-edition layouts of the current brand and language, for its binder.
        self.laid_out: dict[tuple[str, str | None], Fitted] = {}
        self._laid_out_for: tuple[str, str] | None = None

    def sheets(self, job: Job) -> list[Stylesheet]:
        brand = self.project.brands[job.brand]
        return _stylesheets(job, brand, self.settings, self.project.stylesheets)

    def job(self, job: Job) -> Outcome:
        if self._laid_out_for != (job.brand, job.lang):  # jobs come grouped by both
            self.laid_out.clear()
            self._laid_out_for = (job.brand, job.lang)
        if job.kind == "binder":
            return self._binder(job)
        if self.options.format == "html":
            return self._html(job)
        return self._pdf(job)

    def _html(self, job: Job) -> Outcome:
        target = self.output_dir / job.output
        assets = _Assets(target.parent)
        sheets = self.sheets(job)
        links = [assets.url(s.path) for s in sheets if s.path]
        write_atomic(target.parent / "assets" / "fonts.css", assets.font_css().encode())
        links.insert(0, "assets/fonts.css")
        for sheet in sheets:
            if sheet.text is not None:
                name = f"assets/{sheet.name}.css"
                write_atomic(target.parent / name, sheet.text.encode())
                links.append(name)
        try:
            _, html = document_html(self.project, job, self.env, assets.url, links)
        except BuildError as exc:
            return Outcome(job, error=exc.message)
        self._record(job, html.encode("utf-8"), None, sheets)
        return Outcome(job, path=target)

    def _pdf(self, job: Job) -> Outcome:
        sheets = self.sheets(job)
        warnings: list[str] = []
        try:
            context, html = document_html(self.project, job, self.env)
            fit = self._fit(job, html, sheets, warnings)
            if job.edition == "standard":
                self.laid_out[(job.kind, job.condition)] = fit
            pages = len(fit.document.pages)
            if not fit.fits:
                error = f"{fit.problem}; nothing was written"
                return Outcome(job, pages=pages, error=error, warnings=warnings)
            data = self.renderer.write(
                fit.document, _epoch(context), warnings, self.settings.pdf_variant
            )
        except BuildError as exc:
            return Outcome(job, error=exc.message)
        except Exception as exc:  # WeasyPrint raises many types; the batch goes on
            return Outcome(job, error=f"{type(exc).__name__}: {exc}")
        # The fitting step's stylesheet shaped the pages too: an input like the others.
        path = self._record(job, data, pages, [*sheets, *fit.extra])
        return Outcome(job, path=path, pages=pages, warnings=warnings, fit=fit.step)

    def _fit(self, job: Job, html: str, sheets: list[Stylesheet], warnings: list[str]) -> Fitted:
        root, variant = self.project.root, self.settings.pdf_variant
        if job.kind == "summary":
            return fit_summary(self.renderer, html, root, sheets, warnings, variant)
        config = self.project.config.settings
        limit = (
            config.max_large_print_pages
            if job.edition == "large-print"
            else config.max_handout_pages
        )
        return fit_handout(self.renderer, html, root, sheets, limit, warnings, variant)

    def _fitted_for(self, part: Job, warnings: list[str]) -> Fitted:
        """A binder part: the layout this build just made for its own file, or a new one."""
        found = self.laid_out.get((part.kind, part.condition))
        if found is None:
            _, html = document_html(self.project, part, self.env)
            found = self._fit(part, html, self.sheets(part), warnings)
        return found

    def _binder(self, job: Job) -> Outcome:
        warnings: list[str] = []
        try:
            binder = make_binder(
                self.project,
                job,
                self.env,
                self.renderer,
                self.sheets,
                lambda part: self._fitted_for(part, warnings),
                warnings,
                self.settings.pdf_variant,
            )
            if binder.document is None:
                error = f"{binder.problem}; nothing was written"
                return Outcome(job, error=error, warnings=warnings)
            epoch = _epoch(binder.context)
            data = self.renderer.write(binder.document, epoch, warnings, self.settings.pdf_variant)
        except BuildError as exc:
            return Outcome(job, error=exc.message)
        except Exception as exc:  # WeasyPrint raises many types; the batch goes on
            return Outcome(job, error=f"{type(exc).__name__}: {exc}")
        # Any part may have needed tight spacing: its stylesheet is an input of the binder.
        sheets = [
            sheet
            for kind in ("handout", "summary", "binder")
            for sheet in self.sheets(Job(kind, job.brand, job.lang, None, ""))
        ] + [tight_spacing()]
        pages = len(binder.document.pages)
        path = self._record(job, data, pages, list(dict.fromkeys(sheets)))
        return Outcome(job, path=path, pages=pages, warnings=warnings)

    def _record(self, job: Job, data: bytes, pages: int | None, sheets: list[Stylesheet]) -> Path:
        """Write the file atomically, then note it and its inputs in the manifest."""
        target = self.output_dir / job.output
        inputs = _inputs_of(self.project, job, sheets, self.shared_files, self.hashes)
        write_atomic(target, data)
        self.manifest.record(
            Entry(
                path=job.output,
                kind=job.kind,
                brand=job.brand,
                lang=job.lang,
                format=self.options.format,
                condition=job.condition,
                inputs=inputs,
                inputs_hash=_hash_inputs(inputs, job, self.options, self.settings),
                sha256=sha256_bytes(data),
                bytes=len(data),
                pages=pages,
            )
        )
        return target


def _epoch(context: dict[str, object]) -> int:
    """The document's date as seconds: what fonts embedded in it are stamped with."""
    doc = context["doc"]
    assert isinstance(doc, dict)
    stamp = dt.datetime.fromisoformat(str(doc["date"]).replace("Z", "+00:00"))
    return int(stamp.timestamp())
