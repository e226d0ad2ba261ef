"""Errors the pipeline reports to people.

Every error a user can cause derives from :class:`HandoutsError`, a
``click.ClickException``: the CLI prints its message on one line per problem and
exits 1, with no traceback (MkDocs does the same). Problems carry the file, line and
column they come from, so an educator can jump straight to the broken line.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

import click


@dataclass(frozen=True, order=True)
class Location:
    """A place in an input file; line and column are 1-based, 0 when unknown."""

    path: Path
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        text = display_path(self.path)
        if self.line:
            text += f":{self.line}"
            if self.column:
                text += f":{self.column}"
        return text


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the inputs, where it is, and what to do about it."""

    location: Location
    message: str
    severity: str = "error"  # "error" or "warning"
    # A warning that --strict turns into an error. Missed targets (grade 7 where 6 is
    # the aim) stay warnings; broken limits (grade 9 where 8 is the most) escalate.
    escalates: bool = True

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.message}"


def counted(count: int, noun: str) -> str:
    """ "1 error", "3 errors": the program's own English messages (page text goes
    through the language's catalog, with its plural rules)."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def strict(problems: Iterable[Problem]) -> list[Problem]:
    """The problems as ``--strict`` sees them: escalating warnings become errors."""
    return [replace(p, severity="error") if p.escalates else p for p in problems]


class HandoutsError(click.ClickException):
    """Base of every error the pipeline reports; printed without a traceback."""

    exit_code = 1

    def format_message(self) -> str:
        return self.message

    def show(self, file: IO[Any] | None = None) -> None:
        # Problems already read "file:line: error: ..."; click's "Error: " prefix would
        # only get in the way of editors that jump to file:line.
        click.echo(self.format_message(), file=file or sys.stderr)


class ConfigError(HandoutsError):
    """The project configuration cannot be used."""


class ContentError(HandoutsError):
    """One or more input files are invalid. Holds every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.location, p.message))
        errors = sum(1 for p in self.problems if p.severity == "error")
        lines = [str(p) for p in self.problems]
        lines.append(f"{counted(errors, 'error')} found; nothing was written.")
        super().__init__("\n".join(lines))


class OptionError(HandoutsError):
    """A value given on the command line (or as a build option) that the project does
    not have: the option is named, not ``handouts.toml``, which did not say it. Exits
    2, as Click does for a bad option."""

    exit_code = 2

    def __init__(self, option: str, message: str) -> None:
        self.option = option
        super().__init__(f"{option}: {message}")


class BuildError(HandoutsError):
    """A document could not be rendered or written."""


def display_path(path: Path) -> str:
    """Paths below the working directory print relative, the way editors link them. A
    link is named as itself, not as its target (a link to /dev/zero stays the file the
    user knows)."""
    here = Path.cwd().resolve()
    for candidate in (path.absolute(), path.resolve()):
        if candidate.is_relative_to(here):
            return str(candidate.relative_to(here))
    return str(path)
