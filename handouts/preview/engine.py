"""The preview's engine: load, build into a private folder, draw pages, tell browsers.

One thread runs builds, one at a time, through the same ``build`` as ``handouts
build`` (its incremental decisions, its worker processes, its refusals), into a
preview folder in the per-user cache, never the project's output folder. A save wakes
it; saves that follow within ``QUIET`` seconds join the same build, and a save during
a build stops that build (``cancel``) and starts the next one, so what is shown is
never older than the last save.

Documents that someone is looking at are rendered first (``BuildOptions.first``), then
the rest: a save shows on the open page in about the time of one document, even when
the file is a stylesheet every document uses. Every change to a document is sent to the
browsers that follow it (``Listener``); only the page images whose content changed
get new names (images.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from handouts.cache import cache_root
from handouts.errors import HandoutsError, Location, Problem
from handouts.jobs import BuildOptions
from handouts.manifest import Manifest
from handouts.output import make_folder, sha256_file
from handouts.preview.documents import (
    Document,
    ErrorEntry,
    Finding,
    Findings,
    error_entries,
    key_of,
    source_lines,
    title_of,
)
from handouts.preview.images import PageImages

if TYPE_CHECKING:
    from handouts.audit.run import AuditReport
    from handouts.builder import Outcome
    from handouts.project import Project

log = logging.getLogger("handouts.serve")

QUIET = 0.05  # seconds without a new save before a build starts
MAX_FIRST = 4  # documents open in browsers that are built before the rest
QUEUE_LIMIT = 1000  # events waiting for one browser before it is told to reload
PROGRESS_EVERY = 0.25  # seconds between progress events during a build


@dataclass(frozen=True)
class PreviewOptions:
    """What to preview and how: the project as ``build`` loads it, and a selection
    (by default every brand, language and edition the project has)."""

    config: Path | None = None
    stylesheets: tuple[Path, ...] = ()
    strict: bool | None = None
    brands: tuple[str, ...] = ("all",)
    languages: tuple[str, ...] = ("all",)
    editions: tuple[str, ...] = ("all",)
    workers: int | None = None
    folder: Path | None = None  # None: a folder of the per-user cache, per project


class Listener:
    """One open browser page: the events for it, handed over from the build thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop, key: str | None) -> None:
        self.loop = loop
        self.key = key  # the document it shows, or None for the index
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    def send(self, event: dict[str, Any]) -> None:
        if self.key is not None and event.get("key") not in (None, self.key):
            return  # another document's change: not this page's business

        def put() -> None:
            if self.queue.qsize() < QUEUE_LIMIT:
                self.queue.put_nowait(event)
            elif self.queue.qsize() == QUEUE_LIMIT:
                self.queue.put_nowait({"type": "reload"})

        # RuntimeError: the server is shutting down, nobody is left to tell.
        with contextlib.suppress(RuntimeError):
            self.loop.call_soon_threadsafe(put)


class Preview:
    """The documents of one project, rebuilt on every save."""

    def __init__(self, options: PreviewOptions) -> None:
        self.options = options
        self.folder = options.folder or default_folder(options)
        make_folder(self.folder)
        self.folder.chmod(0o700)  # previews of unapproved text: the user's own
        self.images = PageImages(self.folder / ".images")
        self.project: Project | None = None
        self.generation = 0  # counts successful loads: the print desk's cache key
        self.problems: list[ErrorEntry] = []  # why the project does not load, if it does not
        self.state: dict[str, Any] = {"type": "status", "state": "starting"}
        self._docs: dict[str, Document] = {}
        self._lock = threading.RLock()
        self._listeners: set[Listener] = set()
        self._focus: Counter[str] = Counter()
        self._wake = threading.Event()
        self._stale = threading.Event()
        self._stopping = threading.Event()
        self._last_change = 0.0
        self._changed: set[str] = set()
        self._thread: threading.Thread | None = None
        self._busy = False  # a build cycle is waiting out a burst or running
        self.builds = 0  # finished build cycles, for tests and the log

    # --- the outside world ------------------------------------------------------

    def start(self) -> None:
        self._wake.set()  # the first build: what changed while no server ran
        self._thread = threading.Thread(target=self._loop, name="preview-builds", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._stale.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def changed(self, paths: Iterable[str]) -> None:
        """Files were saved, added or removed: stop a running build, start another."""
        with self._lock:
            self._changed.update(paths)
            self._last_change = time.monotonic()
        self._stale.set()
        self._wake.set()

    def watched(self) -> tuple[list[Path], list[Path]]:
        """The folders and files a build reads (the configuration file included)."""
        config = config_path(self.options)
        files = [config, *self.options.stylesheets]
        if self.project is None:  # never loaded: the usual folders, for the fix
            usual = ("conditions", "templates", "styles", "locale")
            return [config.parent / name for name in usual], files
        return list(self.project.input_folders()), [*files, *self.project.input_files()]

    def documents(self) -> list[Document]:
        with self._lock:
            return sorted((replace(d) for d in self._docs.values()), key=lambda d: d.sort_key)

    def document(self, key: str) -> Document | None:
        with self._lock:
            found = self._docs.get(key)
            return replace(found) if found else None

    def pdf_path(self, key: str) -> Path | None:
        """The preview PDF of a document the catalogue lists; never any other path."""
        with self._lock:
            found = self._docs.get(key)
            if found is None or found.sha256 is None:
                return None
            path = self.folder / found.job.output
        return path if path.is_file() else None

    def ensure_images(self, key: str) -> None:
        """Draw a document's pages (a page opened on a document not drawn yet)."""
        with self._lock:
            found = self._docs.get(key)
            if found is None or found.sha256 is None or found.images:
                return
            path, sha = self.folder / found.job.output, found.sha256
        if path.is_file():
            images = self.images.pages(path, sha)
            with self._lock:
                if found.sha256 == sha:
                    found.images = images

    def subscribe(self, loop: asyncio.AbstractEventLoop, key: str | None) -> Listener:
        listener = Listener(loop, key)
        with self._lock:
            self._listeners.add(listener)
            if key is not None:
                self._focus[key] += 1
        return listener

    def unsubscribe(self, listener: Listener) -> None:
        with self._lock:
            self._listeners.discard(listener)
            if listener.key is not None:
                self._focus[listener.key] -= 1
                if self._focus[listener.key] <= 0:
                    del self._focus[listener.key]

    @contextmanager
    def following(self, loop: asyncio.AbstractEventLoop, key: str | None) -> Iterator[Listener]:
        listener = self.subscribe(loop, key)
        try:
            yield listener
        finally:
            self.unsubscribe(listener)

    def wait_idle(self, timeout: float) -> bool:
        """For tests and scripts: True once no build is pending or running."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not (self._busy or self._wake.is_set()):
                return True
            time.sleep(0.05)
        return False

    # --- the build thread ---------------------------------------------------------

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait()
            if self._stopping.is_set():
                return
            self._busy = True
            while time.monotonic() - self._last_change < QUIET:  # a burst of saves
                time.sleep(QUIET / 2)
            self._wake.clear()
            self._stale.clear()
            with self._lock:
                changed, self._changed = sorted(self._changed), set()
            try:
                self._cycle(changed)
            except Exception:  # a bug of ours: said, and the server stays up
                log.exception("preview build failed")
                self._status("broken", message="internal error: see the server's terminal")
            finally:
                self._busy = False

    def load(self) -> Project | None:
        """Load the project and list its documents; None (and the error shown in place
        of the documents that read the file at fault) when it does not load."""
        from handouts.plan import plan
        from handouts.project import load_project

        o = self.options
        try:
            project = load_project(o.config, stylesheets=o.stylesheets, strict=o.strict)
            jobs = plan(project, self._selection())
        except HandoutsError as error:
            self._broken(error)
            return None
        self._adopt(project, jobs)
        return project

    def _cycle(self, changed: list[str]) -> None:
        from handouts.builder import BuildInterrupted

        started = time.monotonic()
        self._status("building", done=0, total=len(self._docs))
        project = self.load()
        if project is None:
            return
        try:
            total = self._build(project, self._selection())
        except BuildInterrupted:
            return  # a newer save: the next cycle starts at once
        except HandoutsError as error:
            self._broken(error)
            return
        if total or self.builds == 0:
            self._audit(project)
        self.builds += 1
        what = f" after {', '.join(changed[:3])}{' ...' if len(changed) > 3 else ''}"
        log.info(
            "preview: %d of %d documents rebuilt in %.1f s%s",
            total, len(self._docs), time.monotonic() - started, what if changed else "",
        )  # fmt: skip
        if self.builds == 1:  # once a session: images of documents no longer previewed
            with self._lock:
                keep = {d.sha256 for d in self._docs.values() if d.sha256}
            self.images.prune(keep)
        self._status("ready")

    def _selection(self) -> BuildOptions:
        o = self.options
        return BuildOptions(
            brands=o.brands, languages=o.languages, editions=o.editions, output=self.folder,
            workers=o.workers, executor="local", first=self._first(),
        )  # fmt: skip

    def _first(self) -> tuple[str, ...]:
        """The documents open in a browser, most watched first: rendered first."""
        with self._lock:
            keys = [key for key, _ in self._focus.most_common(MAX_FIRST) if key in self._docs]
            return tuple(self._docs[key].job.output for key in keys)

    def _adopt(self, project: Project, jobs: list[Any]) -> None:
        """The project loaded: its documents become the catalogue, keeping what is
        known of those that were already in it."""
        with self._lock:
            self.project = project
            self.generation += 1
            self.problems = []
            before = set(self._docs)
            docs = {}
            for job in jobs:
                key, title = key_of(job), title_of(project, job)
                doc = self._docs.get(key) or Document(key, job, title)
                doc.job, doc.title = job, title
                if doc.status == "broken":
                    doc.status, doc.errors = "waiting", []
                docs[key] = doc
            self._docs = docs
            self._read_inputs()
        if set(docs) != before:
            self._send({"type": "catalogue"})

    def _build(self, project: Project, options: BuildOptions) -> int:
        from handouts.builder import build

        built = 0
        total = 0
        last = 0.0

        def on_start(count: int) -> None:
            nonlocal total
            total = count

        def on_done(outcome: Outcome) -> None:
            nonlocal built, last
            built += not outcome.skipped
            self._record(outcome)
            if time.monotonic() - last > PROGRESS_EVERY:
                last = time.monotonic()
                self._status("building", done=built, total=total)

        build(project, options, on_start=on_start, on_done=on_done, cancel=self._stale.is_set)
        self._read_inputs()
        return built

    def _record(self, outcome: Outcome) -> None:
        key = key_of(outcome.job)
        with self._lock:
            doc = self._docs.get(key)
            focused = key in self._focus
        if doc is None:
            return
        before = doc.event()
        if outcome.error is not None or outcome.path is None:
            doc.status, doc.errors = "failed", [_render_error(outcome.error or "not built")]
            doc.warnings = list(outcome.warnings)
        else:
            sha = sha256_file(outcome.path)
            thumbnail = self.images.thumbnail(outcome.path, sha)
            images = self.images.pages(outcome.path, sha) if focused or doc.images else []
            with self._lock:
                doc.status, doc.errors = "ready", []
                doc.sha256, doc.pages, doc.fit = sha, outcome.pages, outcome.fit
                doc.thumbnail, doc.images = thumbnail, images
                if not outcome.skipped:
                    doc.warnings = list(outcome.warnings)
        if focused and not outcome.skipped and self.project is not None:
            self._audit(self.project, only=key)  # its findings with its pages, not later
        if doc.event() != before:
            self._send({"type": "document", **doc.event()})

    def _read_inputs(self) -> None:
        entries = Manifest.read(self.folder).files
        with self._lock:
            for doc in self._docs.values():
                entry = entries.get(doc.job.output)
                if entry is not None:
                    doc.inputs = frozenset(entry.inputs)

    def _broken(self, error: HandoutsError) -> None:
        """The project does not load: the error stands in for the pages of every
        document that reads a file at fault (every document, if none is known to)."""
        from handouts.inputs import input_name

        entries = error_entries(error)
        problems = getattr(error, "problems", [])
        with self._lock:
            self.problems = entries
            project = self.project  # the last that loaded: its documents are listed
            names = {input_name(project, p.location.path) for p in problems} if project else set()
            hit = [d for d in self._docs.values() if d.inputs & names] or list(self._docs.values())
            for doc in hit:
                doc.status, doc.errors = "broken", entries
        for doc in hit:
            self._send({"type": "document", **doc.event()})
        first = entries[0] if entries else None
        log.warning("preview: %s", f"{first.where}: {first.message}" if first else error)
        self._status("broken", errors=[e.as_dict() for e in entries])

    def _audit(self, project: Project, only: str | None = None) -> None:
        """Reading level, PEMAT, review state and warnings for each document (or one)."""
        from handouts.audit.run import audit_project

        with self._lock:
            docs = [self._docs[only]] if only else list(self._docs.values())
        handouts = [d for d in docs if d.job.kind == "handout"]
        if only and not handouts:
            return
        try:
            if only:
                job = handouts[0].job
                report = audit_project(
                    project, conditions=(job.condition or "",), languages=(job.content_lang,),
                    brands=(job.brand,), pages=False,
                )  # fmt: skip
            else:
                # Every condition named: the audit then skips fitting the summaries
                # (a second of work a save), which the build has just done for real.
                every = tuple(sorted({cid for _, cid in project.conditions}))
                report = audit_project(
                    project, languages=self.options.languages, conditions=every,
                    pages=False, brands=("all",),
                )  # fmt: skip
        except HandoutsError as error:
            log.warning("preview: the audit stopped: %s", error.format_message())
            return
        for doc in docs:
            findings = findings_for(project, report, doc)
            if findings != doc.findings:
                with self._lock:
                    doc.findings = findings
                self._send({"type": "document", **doc.event()})

    def _status(self, state: str, **more: Any) -> None:
        self.state = {"type": "status", "state": state, **more}
        self._send(self.state)

    def _send(self, event: dict[str, Any]) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener.send(event)


def findings_for(project: Project, report: AuditReport, doc: Document) -> Findings:
    job = doc.job
    mine = [p for p in [*report.problems, *project.warnings] if _reads(project, doc, p)]
    if job.kind == "handout":
        # Every handout reads the sources file, but what is checked there (sources no
        # summary cell cites) is the summary's business, shown on the summary.
        sources = project.sources_file
        mine = [p for p in mine if p.location.path != sources]
        for handout in report.handouts:
            c = handout.condition
            if (c.lang, c.id) != (job.content_lang, job.condition):
                continue
            return Findings(
                reading=handout.formula.label(handout.overall.value),
                understandable=handout.understandability.percent,
                actionable=handout.actionability.percent,
                review=_review(c.review),
                items=_findings([*handout.problems, *mine]),
            )
    conditions = [c for (lang, _), c in project.conditions.items() if lang == job.content_lang]
    drafts = sum(c.review.status != "approved" for c in conditions)
    review = f"{drafts} of {len(conditions)} conditions in draft" if drafts else "approved"
    return Findings(review=review, items=_findings(mine))


def _reads(project: Project, doc: Document, problem: Problem) -> bool:
    from handouts.inputs import input_name

    return input_name(project, problem.location.path) in doc.inputs


def _review(review: Any) -> str:
    if review.status == "approved":
        return f"approved (next review {review.next_review})"
    return f"draft, version {review.version}"


def _findings(problems: list[Problem]) -> list[Finding]:
    unique = dict.fromkeys(problems)
    return [Finding(p.severity, str(p.location), p.message) for p in unique]


def _render_error(message: str) -> ErrorEntry:
    """A render error as the card shows it: with its line when it names one."""
    import re

    found = re.match(r"(?P<path>[^\s:]+):(?P<line>\d+)(?::(?P<col>\d+))?: (?P<message>.*)", message)
    if found:
        path = Path(found["path"])
        where = Location(path, int(found["line"]), int(found["col"] or 0))
        return ErrorEntry(str(where), found["message"], source_lines(where))
    return ErrorEntry("", message)


def default_folder(options: PreviewOptions) -> Path:
    """One preview folder per project and selection, in the per-user cache."""
    o = options
    parts = [str(config_path(o)), *map(str, o.stylesheets), *o.brands, *o.languages, *o.editions]
    what = "\0".join(parts)
    return cache_root() / "preview" / hashlib.sha256(what.encode()).hexdigest()[:16]


def config_path(options: PreviewOptions) -> Path:
    """The configuration file the preview loads, as ``load_project`` finds it."""
    from handouts.config import CONFIG_NAME

    config = (options.config or Path.cwd() / CONFIG_NAME).absolute()
    return config / CONFIG_NAME if config.is_dir() else config
