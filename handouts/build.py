"""Planning and running a build: which documents, rendered how, written where.

``plan`` turns a project and options into jobs; ``build`` renders each job, writes it
atomically and records it in the manifest. A failing document is reported and the
others are still written.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from jinja2 import Environment

from handouts import __version__
from handouts.brand import ALL_BRANDS, Brand
from handouts.config import Paper
from handouts.context import handout_context, summary_context
from handouts.defaults import default_styles, defaults_dir
from handouts.errors import BuildError, ContentError, Location, Problem
from handouts.fonts import font_dirs, font_face_css, font_files
from handouts.manifest import Entry, Manifest
from handouts.output import sha256_bytes, sha256_file, write_atomic
from handouts.project import Project
from handouts.render import Renderer, Stylesheet
from handouts.templating import make_environment, render_template, template_search_path

Format = Literal["pdf", "html"]
Kind = Literal["handout", "summary"]
ALL = ALL_BRANDS  # "all" selects every brand, language or condition


@dataclass(frozen=True)
class BuildOptions:
    """What to build. Empty selections mean the project's defaults."""

    conditions: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()  # ("all",) for every brand
    languages: tuple[str, ...] = ()  # ("all",) for every language with content
    output: Path | None = None
    format: Format = "pdf"
    paper: Paper | None = None


@dataclass(frozen=True)
class Job:
    kind: Kind
    brand: str
    lang: str
    condition: str | None
    output: str  # relative to the output folder


@dataclass
class Outcome:
    job: Job
    path: Path | None = None
    pages: int | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


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


def _select(
    requested: Sequence[str],
    available: Sequence[str],
    default: Sequence[str],
    what: str,
    project: Project,
) -> list[str]:
    if not requested:
        return list(default)
    if ALL in requested:
        return list(available)
    unknown = [name for name in requested if name not in available]
    if unknown:
        where = Location(project.config.config_path or project.root)
        known = ", ".join(available) or "none"
        raise ContentError(
            [Problem(where, f"unknown {what} '{name}' (known: {known})") for name in unknown]
        )
    return list(dict.fromkeys(requested))


def plan(project: Project, options: BuildOptions) -> list[Job]:
    settings = project.config.settings
    brands = _select(
        options.brands, sorted(project.brands), project.default_brands(), "brand", project
    )
    langs = _select(options.languages, project.languages(), settings.languages, "language", project)
    ext = options.format
    jobs: list[Job] = []
    for brand in brands:
        for lang in langs:
            available = project.condition_ids(lang)
            chosen = _select(options.conditions, available, available, "condition", project)
            for cid in chosen:
                jobs.append(Job("handout", brand, lang, cid, f"{brand}/{lang}/handout-{cid}.{ext}"))
            # The summary compares every condition: built when none is singled out.
            if not options.conditions and available:
                jobs.append(
                    Job("summary", brand, lang, None, f"{brand}/{lang}/clinician-summary.{ext}")
                )
    return jobs


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


def _stylesheets(kind: Kind, brand: Brand, paper: Paper, extra: list[Path]) -> list[Stylesheet]:
    """The cascade, last wins: defaults, paper size, the brand, then the project's own
    stylesheets (``--stylesheet``), the way WeasyPrint's ``-s`` adds to a document."""
    styles = default_styles()
    sheets = [Stylesheet(styles / "base.css"), Stylesheet(styles / f"{kind}.css")]
    if paper == "a4":
        size = "A4 landscape" if kind == "summary" else "A4"
        sheets.append(Stylesheet(text=f"@page {{ size: {size}; }}", name=f"paper-{kind}-a4"))
    if brand.stylesheet:
        sheets.append(Stylesheet(brand.stylesheet))
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


def _hash_inputs(inputs: dict[str, str], job: Job, options: BuildOptions) -> str:
    digest = hashlib.sha256()
    for name in sorted(inputs):
        digest.update(f"{name}\0{inputs[name]}\n".encode())
    digest.update(f"{job.kind}\0{job.brand}\0{job.lang}\0{options.format}".encode())
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
    settings = project.config.settings
    paper = options.paper or settings.paper
    output_dir = (options.output or project.config.output_dir).resolve()
    jobs = plan(project, options)
    if on_start:
        on_start(len(jobs))

    env = make_environment(project.config.templates_dir)
    # Inputs of every document: every template on the search path and every font.
    shared_files = [p for folder in template_search_path(env) for p in sorted(folder.rglob("*.j2"))]
    shared_files += [path for *_, path in font_files()]
    hashes = _FileHashes()
    renderer = Renderer([project.root, defaults_dir(), *font_dirs()])
    manifest = Manifest.read(output_dir)
    outcomes: list[Outcome] = []

    for job in jobs:
        outcome = _run(
            project, job, options, paper, env, renderer, output_dir, shared_files, hashes, manifest
        )
        outcomes.append(outcome)
        if on_done:
            on_done(outcome)

    manifest.prune(output_dir)
    manifest_path = manifest.write(output_dir) if any(o.error is None for o in outcomes) else None
    return BuildResult(output_dir, outcomes, manifest_path)


def _run(
    project: Project,
    job: Job,
    options: BuildOptions,
    paper: Paper,
    env: Environment,
    renderer: Renderer,
    output_dir: Path,
    shared_files: list[Path],
    hashes: _FileHashes,
    manifest: Manifest,
) -> Outcome:
    brand = project.brands[job.brand]
    target = output_dir / job.output
    assets = _Assets(target.parent if options.format == "html" else None)
    sheets = _stylesheets(job.kind, brand, paper, project.stylesheets)
    links: list[str] = []
    if options.format == "html":
        links = [assets.url(s.path) for s in sheets if s.path]
        font_css = target.parent / "assets" / "fonts.css"
        write_atomic(font_css, assets.font_css().encode())
        links.insert(0, "assets/fonts.css")
        for sheet in sheets:
            if sheet.text is not None:
                name = f"assets/{sheet.name}.css"
                write_atomic(target.parent / name, sheet.text.encode())
                links.append(name)

    try:
        if job.kind == "handout":
            assert job.condition is not None
            condition = project.conditions[(job.lang, job.condition)]
            context = handout_context(condition, brand, assets.url, links)
            names = [f"handout-{job.condition}.html.j2", "handout.html.j2"]
        else:
            conditions = [
                project.conditions[(job.lang, cid)] for cid in project.condition_ids(job.lang)
            ]
            conditions.sort(key=lambda c: (c.order, c.name))
            context = summary_context(project, job.lang, conditions, brand, assets.url, links)
            names = ["clinician-summary.html.j2", "summary.html.j2"]
        html = render_template(env, names, context)
    except BuildError as exc:
        return Outcome(job, error=exc.message)

    inputs = _inputs_of(project, job, sheets, shared_files, hashes)
    if options.format == "html":
        data, pages, warnings = html.encode("utf-8"), None, []
    else:
        try:
            rendered = renderer.render(html, project.root, sheets)
        except Exception as exc:  # WeasyPrint raises many types; the batch goes on
            return Outcome(job, error=f"{type(exc).__name__}: {exc}")
        data, pages, warnings = rendered.pdf, rendered.pages, rendered.warnings
        limit = project.config.settings.max_handout_pages if job.kind == "handout" else 1
        if pages > limit:
            return Outcome(
                job,
                pages=pages,
                error=f"{pages} pages, more than the {limit} allowed; shorten the content "
                f"of {job.condition or 'the summary table'} (nothing was written)",
                warnings=warnings,
            )
    write_atomic(target, data)
    manifest.record(
        Entry(
            path=job.output,
            kind=job.kind,
            brand=job.brand,
            lang=job.lang,
            format=options.format,
            condition=job.condition,
            inputs=inputs,
            inputs_hash=_hash_inputs(inputs, job, options),
            sha256=sha256_bytes(data),
            bytes=len(data),
            pages=pages,
        )
    )
    return Outcome(job, path=target, pages=pages, warnings=warnings)
