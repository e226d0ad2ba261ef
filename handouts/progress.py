"""Progress for long builds: a bar on a terminal, a plain line per document otherwise
(CI logs and cron mail stay readable)."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress

if TYPE_CHECKING:
    from handouts.build import Outcome


class Progress:
    def __init__(self) -> None:
        self.interactive = sys.stderr.isatty()
        self._bar: RichProgress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> Progress:
        if self.interactive:
            self._bar = RichProgress(
                TextColumn("[bold]Building"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.__enter__()
        return self

    def start(self, total: int) -> None:
        if self._bar is not None:
            self._task = self._bar.add_task("build", total=total, rate="")

    def done(self, outcome: Outcome) -> None:
        if self._bar is not None and self._task is not None:
            task = self._bar.tasks[self._task]
            elapsed = task.elapsed or 0
            rate = f"{(task.completed + 1) / elapsed:.1f} docs/s" if elapsed > 0 else ""
            self._bar.update(self._task, advance=1, rate=rate)
        elif outcome.error is None:
            # "wrote x.pdf (2 pages, tight spacing)": pages, then how it was fitted.
            details = []
            if outcome.pages:
                details.append(f"{outcome.pages} page{'s' if outcome.pages != 1 else ''}")
            if outcome.fit:
                details.append(outcome.fit)
            suffix = f" ({', '.join(details)})" if details else ""
            click.echo(f"wrote {outcome.job.output}{suffix}", err=True)

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._bar is not None:
            self._bar.__exit__(kind, exc, tb)
