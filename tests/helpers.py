"""Small helpers the test modules share: run the CLI on a project, edit its files."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from handouts.cli import cli


def run(project: Path, *args: str) -> tuple[int, str]:
    """``handouts --config <project>/handouts.toml ARGS``: exit code and all output."""
    result = CliRunner().invoke(cli, ["--config", str(project / "handouts.toml"), *args])
    return result.exit_code, result.output


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in a file; the test fails if it is not there."""
    text = path.read_text("utf-8")
    assert old in text, f"test setup: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of the first line containing ``needle``."""
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)
