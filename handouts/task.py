"""What a build sends a worker process and what comes back: small, picklable, and
light to import (the parent decides what to build without loading WeasyPrint)."""

from __future__ import annotations

import builtins  # Rendered has a field named bytes
from dataclasses import dataclass, field

from handouts.jobs import Job

# A binder part's fitting step from an earlier build of the same inputs, by
# (kind, condition): the binder then lays each part out once.
Hints = dict[tuple[str, str | None], str]


@dataclass(frozen=True)
class Task:
    """Documents one worker renders in order: a single document, or a binder after
    the parts it reuses the layouts of."""

    jobs: tuple[Job, ...]
    hints: Hints = field(default_factory=dict)


@dataclass
class Rendered:
    """One document's result: the file written (with what the manifest keeps), or why
    not."""

    job: Job
    error: str | None = None
    pages: int | None = None
    fit: str = ""  # the fitting step: "", "tight spacing, QR code moved", "7.75 pt"
    sha256: str = ""
    bytes: int = 0
    warnings: list[str] = field(default_factory=list)
    # The PDF itself, when a worker on another machine rendered it: the build writes it.
    data: builtins.bytes | None = None


@dataclass(frozen=True)
class Layout:
    """A document laid out and fitted, without writing it: what the audit counts."""

    job: Job
    pages: int
    fits: bool
    step: str
    problem: str
