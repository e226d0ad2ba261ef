"""What the preview shows of each document: its place in the project, how its last
build went, its page images, the error that stands in for its pages, its findings.

Plain data: the engine (engine.py) fills it in, the pages (app.py) read it, and
``event()`` is what open browsers are sent when it changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from handouts.errors import HandoutsError, Location, Problem
from handouts.jobs import Job
from handouts.project import Project

Status = Literal["waiting", "ready", "failed", "broken"]
KIND_ORDER = {"handout": 0, "summary": 1, "binder": 2}
CONTEXT_LINES = 2  # lines shown around the offending line of an error


@dataclass(frozen=True)
class SourceLine:
    number: int
    text: str
    offending: bool


@dataclass(frozen=True)
class ErrorEntry:
    """One problem as the error card shows it: where, what, and the lines around it."""

    where: str  # file:line:column, as the command line prints it
    message: str
    lines: tuple[SourceLine, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "where": self.where,
            "message": self.message,
            "lines": [[s.number, s.text, s.offending] for s in self.lines],
        }


@dataclass(frozen=True)
class Finding:
    severity: str  # "error", "warning" or "note"
    where: str
    message: str


@dataclass
class Findings:
    """The audit of one document, as its page shows it beside the images."""

    reading: str = ""  # "grade 5.2", "Fernández-Huerta 78", ...
    understandable: float | None = None  # PEMAT percentages
    actionable: float | None = None
    review: str = ""  # "draft", "approved (next review 2027-05-01)"
    items: list[Finding] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "reading": self.reading,
            "understandable": self.understandable,
            "actionable": self.actionable,
            "review": self.review,
            "items": [[f.severity, f.where, f.message] for f in self.items],
        }


@dataclass
class Document:
    key: str  # the output path without its extension: "lakeside/en/handout-cidp"
    job: Job
    title: str
    status: Status = "waiting"
    pages: int | None = None
    fit: str = ""
    sha256: str | None = None
    thumbnail: str | None = None
    images: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[ErrorEntry] = field(default_factory=list)
    findings: Findings = field(default_factory=Findings)
    inputs: frozenset[str] = frozenset()  # as the manifest names them

    @property
    def sort_key(self) -> tuple[str, str, bool, int, str]:
        job = self.job
        return (job.brand, job.lang, job.edition != "standard", KIND_ORDER[job.kind], self.title)

    def event(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "status": self.status,
            "pages": self.pages,
            "fit": self.fit,
            "thumbnail": self.thumbnail,
            "images": self.images,
            "warnings": self.warnings,
            "errors": [e.as_dict() for e in self.errors],
            "findings": self.findings.as_dict(),
        }


def key_of(job: Job) -> str:
    return job.output.rsplit(".", 1)[0]


def title_of(project: Project, job: Job) -> str:
    if job.kind == "handout" and job.condition is not None:
        condition = project.conditions.get((job.content_lang, job.condition))
        name = condition.name if condition else job.condition
        return f"{name} (large print)" if job.edition == "large-print" else name
    return {"summary": "Clinician summary", "binder": "Binder"}.get(job.kind, job.kind)


def error_entries(error: HandoutsError) -> list[ErrorEntry]:
    """The errors of a failed load, each with its offending line; warnings left out."""
    problems = getattr(error, "problems", None)
    if not problems:
        return [ErrorEntry("", error.format_message())]
    return [entry_for(p) for p in problems if p.severity == "error"]


def entry_for(problem: Problem) -> ErrorEntry:
    return ErrorEntry(str(problem.location), problem.message, source_lines(problem.location))


def source_lines(where: Location) -> tuple[SourceLine, ...]:
    """The offending line and a few around it, as the file says them now."""
    if not where.line:
        return ()
    try:
        with where.path.open(encoding="utf-8", errors="replace") as handle:
            text = handle.read(1 << 20).splitlines()
    except OSError:
        return ()
    first = max(1, where.line - CONTEXT_LINES)
    last = min(len(text), where.line + CONTEXT_LINES)
    return tuple(SourceLine(n, text[n - 1][:300], n == where.line) for n in range(first, last + 1))
