"""Progress for long builds: a bar on a terminal (documents done, rate, time left), and
otherwise a plain line every few seconds, so CI logs and cron mail stay short."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn
from rich.progress import Progress as RichProgress

from handouts.errors import counted

if TYPE_CHECKING:
    from handouts.builder import BuildResult, Outcome
    from handouts.font_instances import Instance

PLAIN_EVERY = 5.0  # seconds between plain progress lines


class Progress:
    def __init__(self, interactive: bool | None = None, verbose: bool = False) -> None:
        self.interactive = sys.stderr.isatty() if interactive is None else interactive
        self.verbose = verbose
        self._bar: RichProgress | None = None
        self._task: TaskID | None = None
        self.total = 0
        self.what = "documents"
        self.done_count = 0
        self.built = 0  # rendered in this run: the rate counts only these
        self.failed = 0
        self.started = time.monotonic()
        self._rendering_since = self.started  # skipped documents are reported first
        self._last_line = self.started
        self._fonts: TaskID | None = None
        self.fonts_total = 0
        self.fonts_made = 0

    def __enter__(self) -> Progress:
        if self.interactive:
            self._bar = RichProgress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[status]}"),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.__enter__()
        return self

    def start(self, total: int, what: str = "documents", doing: str = "Building") -> None:
        self.total = total
        self.what = what
        self.started = self._last_line = self._rendering_since = time.monotonic()
        if self._bar is not None:
            self._task = self._bar.add_task(doing, total=total, status="")

    def done(self, outcome: Outcome) -> None:
        if self.verbose and outcome.error is None and not outcome.skipped:
            self.say(f"wrote {outcome.job.output}{_details(outcome)}")
        self.tick(failed=outcome.error is not None, skipped=outcome.skipped)

    def tick(self, failed: bool = False, skipped: bool = False) -> None:
        """One more item finished (a document, a packet): the bar or a plain line. It
        says counts and rates only, never what the item was (a packet is a patient's)."""
        now = time.monotonic()
        self.done_count += 1
        if failed:
            self.failed += 1
        elif not skipped:
            self.built += 1
        elif self.built == 0:
            self._rendering_since = now
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, advance=1, status=self.status(now))
        elif now - self._last_line >= PLAIN_EVERY and self.done_count < self.total:
            self._last_line = now
            percent = 100 * self.done_count / max(1, self.total)
            status = self.status(now)
            line = f"{self.done_count} of {self.total} {self.what} ({percent:.0f}%)"
            click.echo(f"{line}, {status}" if status else line, err=True)

    def fonts_start(self, total: int) -> None:
        """Static font instances are about to be made (font_instances.py): once per
        machine, so it is said once, with where they are kept."""
        from handouts.font_instances import font_cache_folder

        self.fonts_total, self.fonts_made = total, 0
        self._last_line = time.monotonic()
        if self._bar is not None:
            self._fonts = self._bar.add_task("Fonts", total=total, status="")
        self.say(
            f"making {counted(total, 'static font instance')}, once: they are kept in "
            f"{font_cache_folder()}"
        )

    def font_made(self, instance: Instance, seconds: float) -> None:
        now = time.monotonic()
        self.fonts_made += 1
        if self.verbose:
            self.say(f"made font instance {instance.describe()} ({seconds:.1f} s)")
        if self._bar is not None and self._fonts is not None:
            self._bar.update(self._fonts, advance=1, status=instance.describe())
            if self.fonts_made == self.fonts_total:
                self._bar.remove_task(self._fonts)
                self._fonts = None
        elif now - self._last_line >= PLAIN_EVERY and self.fonts_made < self.fonts_total:
            self._last_line = now
            click.echo(f"{self.fonts_made} of {self.fonts_total} font instances", err=True)
        if self.built == 0:  # the rate counts documents, not the fonts made before them
            self._rendering_since = now

    def say(self, line: str) -> None:
        """A line above the bar (or on its own without one), on standard error."""
        if self._bar is not None:
            self._bar.console.print(line, markup=False, highlight=False)  # above the bar
        else:
            click.echo(line, err=True)

    def status(self, now: float) -> str:
        """Rate and time left, from the documents rendered (not those kept as they were)."""
        # Too early, the rate misleads: a binder's task reports its parts all at once.
        if self.built == 0 or self.done_count < max(2, self.total // 10):
            return ""
        elapsed = now - self._rendering_since
        if elapsed <= 0:
            return ""
        rate = self.built / elapsed
        left = (self.total - self.done_count) / rate
        failed = f", {self.failed} failed" if self.failed else ""
        unit = "docs" if self.what == "documents" else self.what
        return f"{rate:.1f} {unit}/s, about {_duration(left)} left{failed}"

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._bar is not None:
            self._bar.__exit__(kind, exc, tb)


def summary_line(result: BuildResult, seconds: float | None = None) -> str:
    """``built 45, 3 up to date, 1 failed, 1 out-of-date file removed: output/ (12.3 s)``."""
    parts = [f"built {len(result.built)}"]
    if result.skipped:
        parts.append(f"{len(result.skipped)} up to date")
    if result.failed:
        parts.append(f"{len(result.failed)} failed")
    if result.stopped:
        why = "interrupted" if result.interrupted else "stopped at the first failure"
        parts.append(f"{len(result.stopped)} not built ({why})")
    if removed := len(result.removed):
        parts.append(f"{counted(removed, 'out-of-date file')} removed")
    took = f" ({seconds:.1f} s)" if seconds is not None else ""
    return f"{', '.join(parts)}: {result.output_dir}{took}"


def _details(outcome: Outcome) -> str:
    """`` (2 pages, tight spacing)``: pages, then how it was fitted."""
    details = []
    if outcome.pages:
        details.append(counted(outcome.pages, "page"))
    if outcome.fit:
        details.append(outcome.fit)
    return f" ({', '.join(details)})" if details else ""


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
