"""Running a build: plan, skip what is up to date, render the rest in workers, record.

``plan`` (plan.py) turns a project and options into jobs. A job whose inputs
(inputs.py) hash as the manifest recorded, with its file on disk unchanged, is
skipped. The rest are grouped into tasks and rendered by worker processes
(batch.py, worker.py). Each result is recorded in the manifest as it arrives; a
failing document is reported and the others are still written.

What is in the output folder is what the content says: a document whose rebuild
fails, or that a build stopped before (``--fail-fast``, Ctrl-C), loses its previous
file unless that file is verifiably current (same inputs, same bytes as recorded), so
staff never print a handout whose text has since changed. The manifest lists exactly
the files left, with their hashes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from handouts.cascade import document_stylesheets, input_stylesheets
from handouts.destination import checked_output_folder
from handouts.errors import ContentError, display_path
from handouts.font_instances import InstanceProgress, ensure, project_instances
from handouts.fonts import font_files
from handouts.i18n import SOURCE_LANGUAGE, language_name
from handouts.inputs import FileHashes, hash_inputs, inputs_of
from handouts.jobs import BuildOptions, Job, Stylesheet
from handouts.kinds import KINDS
from handouts.manifest import Entry, Manifest
from handouts.output import (
    OutputError,
    blocked_folder,
    exclusive,
    remove_file,
    remove_partials,
    sha256_bytes,
    sha256_file,
    write_atomic,
)
from handouts.plan import build_settings, output_folder, plan
from handouts.project import Project
from handouts.task import Layout, Rendered, Task
from handouts.templating import template_folders

if TYPE_CHECKING:
    from handouts.worker import Worker

__all__ = [
    "BuildInterrupted",
    "BuildOptions",
    "BuildResult",
    "Job",
    "Outcome",
    "build",
    "layouts",
    "plan",
    "stylesheets_for",
]

MANIFEST_EVERY = 2.0  # seconds between manifest writes during a build
SLOW_SUBSETTING = (
    "fonts are subset with fontTools because the system library libharfbuzz-subset0 "
    "is missing: every PDF takes several times longer. Fix: sudo apt-get install "
    "libharfbuzz-subset0 (Debian, Ubuntu), or run make setup"
)


@dataclass
class Outcome:
    job: Job
    path: Path | None = None
    pages: int | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    fit: str = ""  # how it was fitted when that took more than the defaults
    skipped: bool = False  # up to date: the file on disk was kept
    removed: bool = False  # failed, and its out-of-date previous file was removed


@dataclass
class BuildResult:
    output_dir: Path
    outcomes: list[Outcome]
    manifest: Path | None
    notices: list[str] = field(default_factory=list)  # said once per build, not per file
    stopped: list[Job] = field(default_factory=list)  # not built: --fail-fast or Ctrl-C
    removed_stopped: list[Job] = field(default_factory=list)  # stopped, old file removed
    interrupted: bool = False  # Ctrl-C or SIGTERM, not --fail-fast

    @property
    def removed(self) -> list[str]:
        """Previous files removed because they no longer matched their content."""
        failed = [o.job.output for o in self.outcomes if o.removed]
        return failed + [job.output for job in self.removed_stopped]

    @property
    def written(self) -> list[Outcome]:
        """Every file that is now current on disk, built or kept."""
        return [o for o in self.outcomes if o.error is None]

    @property
    def built(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.error is None and not o.skipped]

    @property
    def skipped(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.skipped]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.error is not None]


class BuildInterrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM during a build, after the output folder and the manifest were
    made to agree; ``result`` says what was built, kept and removed until then."""

    def __init__(self, result: BuildResult) -> None:
        super().__init__()
        self.result = result


def build(
    project: Project,
    options: BuildOptions | None = None,
    *,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[Outcome], None] | None = None,
    on_fonts: InstanceProgress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> BuildResult:
    """Build the planned documents; report each as it finishes through ``on_done``, and
    the static font instances made first (once per machine) through ``on_fonts``.
    ``cancel`` returning True stops the build as Ctrl-C does (BuildInterrupted, with
    the output folder and the manifest in agreement)."""
    options = options or BuildOptions()
    checked_output_folder(project, options.output)  # before anything is written
    jobs = plan(project, options)
    if project.config.settings.require_approved:
        # Drafts are refused before anything renders, so nothing is half-built.
        chosen = dict.fromkeys(
            (lang, cid) for job in jobs for lang, cid in KINDS[job.kind].conditions(project, job)
        )
        from handouts.audit.checks import check_approved  # the audit, only when asked

        if problems := check_approved(project, chosen):
            raise ContentError(problems)
    run = _Run(project, options)
    run.planned = jobs
    folders = run.folders()
    _check_folders(run.output_dir, folders, jobs)  # one clear error, before any file
    with exclusive(run.output_dir):
        remove_partials(folders)  # left by a build of ours that was killed
        try:
            return _build(run, jobs, on_start, on_done, on_fonts, cancel)
        except KeyboardInterrupt:
            # A worker stopped mid-write leaves its temporary file: the folder is still
            # ours, so clear it now rather than at the next build.
            remove_partials(folders)
            if run.result is None:
                raise
            run.result.interrupted = True
            raise BuildInterrupted(run.result) from None


def _check_folders(output_dir: Path, folders: list[Path], jobs: list[Job]) -> None:
    """A file where a folder must be made, or a folder where a file must be written,
    fails the build at once in plain words (not once per document, not as an
    exception's name)."""
    for folder in folders:
        if (blocked := blocked_folder(folder)) is not None:
            raise OutputError(f"cannot create folder {display_path(blocked)}: a file has that name")
    for job in jobs:
        target = output_dir / job.output
        if target.is_dir():
            raise OutputError(f"cannot write {display_path(target)}: a folder has that name")


def _build(
    run: _Run,
    jobs: list[Job],
    on_start: Callable[[int], None] | None,
    on_done: Callable[[Outcome], None] | None,
    on_fonts: InstanceProgress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> BuildResult:
    options = run.options
    if on_start:
        on_start(len(jobs))

    def done(outcome: Outcome) -> None:
        run.outcomes.append(outcome)
        if on_done:
            on_done(outcome)

    todo: list[Job] = []
    for job in jobs:
        if not options.force and run.up_to_date(job):
            entry = run.manifest.files[job.output]
            path = run.output_dir / job.output
            done(Outcome(job, path, entry.pages, fit=entry.fit, skipped=True))
        else:
            todo.append(job)
    tasks = run.tasks(todo)
    if not tasks:  # all up to date: WeasyPrint is never even imported
        return run.finish([])
    # Kept aside: a document not rebuilt in the end keeps its file and entry if both
    # are still current (finish()).
    run.replaced = {
        j.output: run.manifest.files[j.output] for j in todo if j.output in run.manifest.files
    }
    if run.manifest.forget([job.output for job in todo]):
        run.manifest.write(run.output_dir)  # before any file is replaced
    # Rendering modules load here, not at the top: a no-op build starts in a third of
    # the time without them (benchmarks/README.md).
    from handouts import batch
    from handouts.render import fast_subsetting

    notices = [] if fast_subsetting() else [SLOW_SUBSETTING]
    where = executor_of(run.project, options)
    if where == "local":
        # Here, once, rather than in each worker: the workers then find them all made.
        cores = batch.default_workers() if options.workers is None else options.workers
        ensure(project_instances(run.project), on_fonts, workers=cores)
    flushed = time.monotonic()

    def received(task: Task, results: list[Rendered]) -> bool:
        nonlocal flushed
        for result in results:
            done(run.record(result))
        if time.monotonic() - flushed > MANIFEST_EVERY:
            # A build killed later keeps the record of what it wrote until now.
            run.manifest.write(run.output_dir)
            flushed = time.monotonic()
        return not (options.fail_fast and any(r.error for r in results))

    try:
        if where == "dask":
            from handouts.cluster import executor

            stats = executor.run(run.project, options, tasks, _failed, received, cancel)
            notices.append(stats.notice())
        else:
            batch.run(
                run.project,
                options,
                tasks,
                _render,
                _failed,
                received,
                workers=options.workers,
                size=lambda task: len(task.jobs),
                cancel=cancel,
            )
    finally:
        result = run.finish(notices)  # written even when interrupted
    return result


def executor_of(project: Project, options: BuildOptions) -> str:
    """Where documents render: the option (a scheduler given means dask), else the
    project's setting."""
    if options.executor is None and options.scheduler:
        return "dask"
    return options.executor or project.config.settings.executor


def _untranslated_notices(project: Project, jobs: list[Job]) -> list[str]:
    """Say which handouts a language lacks and that none are built for them, unless a
    fallback language prints them (a condition not singled out is simply missing)."""
    if project.config.settings.fallback_language is not None:
        return []
    notices = []
    for lang in sorted({job.lang for job in jobs}):
        if missing := project.missing(lang, SOURCE_LANGUAGE):
            notices.append(
                f"{lang}: no text yet for {', '.join(missing)}, so no handout for them; "
                f'fallback_language = "{SOURCE_LANGUAGE}" in handouts.toml prints them in '
                f"{language_name(SOURCE_LANGUAGE)} with a notice"
            )
    return notices


def _render(worker: Worker, task: Task) -> list[Rendered]:
    return worker.run(task)


def _failed(task: Task, error: str) -> list[Rendered]:
    return [Rendered(job, error=error) for job in task.jobs]


class _Run:
    """The parent's side of a build: inputs and their hashes, the manifest, results."""

    def __init__(self, project: Project, options: BuildOptions) -> None:
        self.project = project
        self.options = options
        self.settings = build_settings(project, options)
        self.output_dir = output_folder(project, options)
        # Inputs of every document: every template on the search path and every font.
        folders = template_folders(project.config.templates_dir)
        shared = [p for folder in folders for p in sorted(folder.rglob("*.j2"))]
        self.shared_files = shared + [path for *_, path in font_files()]
        self.hashes = FileHashes()
        self.manifest = Manifest.read(self.output_dir)
        self.outcomes: list[Outcome] = []
        self.planned: list[Job] = []
        self.replaced: dict[str, Entry] = {}  # entries of files being rebuilt, as they were
        self.result: BuildResult | None = None
        self._inputs: dict[Job, tuple[dict[str, str], str]] = {}

    def inputs(self, job: Job) -> tuple[dict[str, str], str]:
        """The job's inputs by name and their combined hash."""
        found = self._inputs.get(job)
        if found is None:
            inputs = inputs_of(
                self.project, job, input_stylesheets(self.project, job, self.settings),
                self.shared_files, self.hashes,
            )  # fmt: skip
            found = inputs, hash_inputs(inputs, job, self.options, self.settings)
            self._inputs[job] = found
        return found

    def up_to_date(self, job: Job) -> bool:
        return self._current(job, self.manifest.files.get(job.output))

    def _current(self, job: Job, entry: Entry | None) -> bool:
        """The file on disk is the one ``entry`` records, made from today's inputs."""
        if entry is None or entry.inputs_hash != self.inputs(job)[1]:
            return False
        path = self.output_dir / job.output
        # The file must be the one written: not deleted, edited or half-copied since.
        return (
            path.is_file()
            and path.stat().st_size == entry.bytes
            and (sha256_file(path) == entry.sha256)
        )

    def folders(self) -> list[Path]:
        """Every folder the build writes to: the output folder and the documents'."""
        folders = [self.output_dir]
        for job in self.planned:
            parent = (self.output_dir / job.output).parent
            folders.append(parent)
            if self.options.format == "html":
                folders.append(parent / "assets")
        return list(dict.fromkeys(folders))

    def settle(self, job: Job) -> bool:
        """A document this build did not write (it failed or was stopped): keep its
        previous file and entry if they are still current, else remove the file, so
        that nobody prints text the content no longer says. True if a file was removed."""
        entry = self.replaced.get(job.output) or self.manifest.files.get(job.output)
        if self._current(job, entry):
            assert entry is not None
            self.manifest.record(entry)
            return False
        self.manifest.files.pop(job.output, None)
        return remove_file(self.output_dir / job.output)

    def tasks(self, jobs: list[Job]) -> list[Task]:
        """Jobs grouped so that a binder runs after the parts whose layouts it reuses;
        the rest one document a task. Largest first, so no core idles at the end."""
        binders = {(j.brand, j.lang): j for j in jobs if KINDS[j.kind].composite}
        grouped: dict[tuple[str, str], list[Job]] = {key: [] for key in binders}
        single: list[Task] = []
        for job in jobs:
            key = (job.brand, job.lang)
            if KINDS[job.kind].composite:
                continue
            if key in grouped and job.edition == "standard":
                grouped[key].append(job)
            else:
                single.append(Task((job,)))
        tasks = []
        for key, parts in grouped.items():
            binder = binders[key]
            tasks.append(Task((*parts, binder), self._hints(binder, parts)))
        # Then the kinds that take longest (summaries), large print, standard handouts.
        single.sort(
            key=lambda task: (KINDS[task.jobs[0].kind].rank, task.jobs[0].edition != "large-print")
        )
        # What someone is waiting for goes first (stable: the rest keep their order).
        wanted = set(self.options.first)
        return sorted(
            tasks + single, key=lambda t: not wanted.intersection(j.output for j in t.jobs)
        )

    def _hints(self, binder: Job, rebuilt: list[Job]) -> dict[tuple[str, str | None], str]:
        """Fitting steps of the binder's parts that are up to date on disk (so not
        rebuilt in its task): the same inputs fit the same way."""
        hints: dict[tuple[str, str | None], str] = {}
        building = {(job.kind, job.condition) for job in rebuilt}
        for outcome in self.outcomes:
            job = outcome.job
            same = (job.brand, job.lang, job.edition) == (binder.brand, binder.lang, "standard")
            if outcome.skipped and same and (job.kind, job.condition) not in building:
                hints[(job.kind, job.condition)] = outcome.fit
        return hints

    def finish(self, notices: list[str]) -> BuildResult:
        """Settle the documents not built, then write the manifest, so that it
        describes what is on disk."""
        finished = {outcome.job for outcome in self.outcomes}
        stopped = [job for job in self.planned if job not in finished]
        removed = [job for job in stopped if self.settle(job)]
        self.manifest.prune(self.output_dir)
        path = self.manifest.write(self.output_dir) if self.outcomes or stopped else None
        notices = [*_untranslated_notices(self.project, self.planned), *notices]
        self.result = BuildResult(
            self.output_dir, self.outcomes, path, notices, stopped=stopped, removed_stopped=removed
        )
        return self.result

    def record(self, result: Rendered) -> Outcome:
        """Note a written file and its inputs in the manifest; an outcome either way."""
        job = result.job
        if result.error is not None:
            path = self.output_dir / job.output
            removed = self.settle(job)
            if removed:
                error = f"{result.error}; the previous {display_path(path)} was removed"
            elif path.is_file():
                error = (
                    f"{result.error}; {display_path(path)}, built from the same inputs, was kept"
                )
            else:
                error = f"{result.error}; nothing was written"
            return Outcome(job, None, result.pages, error, result.warnings, removed=removed)
        if result.data is not None:  # rendered elsewhere: written here, checked first
            if sha256_bytes(result.data) != result.sha256:
                return self.record(Rendered(job, error="the PDF was damaged on its way back"))
            write_atomic(self.output_dir / job.output, result.data)
            result.data = None
        inputs, inputs_hash = self.inputs(job)
        self.manifest.record(
            Entry(
                path=job.output,
                kind=job.kind,
                brand=job.brand,
                lang=job.lang,
                format=self.options.format,
                condition=job.condition,
                inputs=inputs,
                inputs_hash=inputs_hash,
                sha256=result.sha256,
                bytes=result.bytes,
                pages=result.pages,
                fit=result.fit,
            )
        )
        path = self.output_dir / job.output
        return Outcome(job, path, result.pages, None, result.warnings, result.fit)


def _layout(worker: Worker, job: Job) -> Layout:
    return worker.layout(job)


def _layout_failed(job: Job, error: str) -> Layout:
    return Layout(job, 0, False, "", error)


def layouts(project: Project, jobs: Iterable[Job], workers: int | None = None) -> Iterator[Layout]:
    """Lay out handouts and summaries as a build would, in workers, writing nothing
    (the audit counts their pages). In the order given."""
    jobs = list(jobs)
    found: dict[Job, Layout] = {}

    def keep(job: Job, layout: Layout) -> bool:
        found[job] = layout
        return True

    from handouts import batch

    # The fonts a build would use, made here once rather than in every worker.
    ensure(project_instances(project), workers=workers or batch.default_workers())
    batch.run(project, BuildOptions(), jobs, _layout, _layout_failed, keep, workers=workers)
    for job in jobs:
        yield found[job]


def stylesheets_for(
    project: Project, job: Job, options: BuildOptions | None = None
) -> list[Stylesheet]:
    """The stylesheets one job's document is rendered with, in cascade order."""
    return document_stylesheets(project, job, build_settings(project, options or BuildOptions()))
