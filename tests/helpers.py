"""Small helpers the test modules share: run the CLI on a project, edit its files."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from handouts.cli import cli
from handouts.output import sha256_bytes, write_atomic
from handouts.task import Rendered, Task
from handouts.worker import Worker


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


class StandInRenderer:
    """Renders nothing: each document is a few fixed bytes naming it, written the way
    the worker writes a real one. For the tests of what a build decides (which files
    are rebuilt, kept, failed, removed), which a real render would only make slower;
    test_batch.py keeps one real end-to-end rebuild. Install with ``install``; forked
    build workers inherit it."""

    def __init__(self) -> None:
        self.fail: set[str] = set()  # conditions whose documents fail as a bad layout would
        self.seconds = 0.0  # how long a document that does not fail takes, as a render does

    def install(self, monkeypatch: pytest.MonkeyPatch) -> StandInRenderer:
        def run(worker: Worker, task: Task) -> list[Rendered]:
            return self._render(worker, task)

        monkeypatch.setattr(Worker, "run", run)
        return self

    def _render(self, worker: Worker, task: Task) -> list[Rendered]:
        results = []
        for job in task.jobs:
            if job.condition in self.fail or (job.kind == "binder" and self.fail):
                # A binder holds every handout: it fails with any of them, as a real one.
                results.append(Rendered(job, error=f"stand-in failure ({job.condition})"))
                continue
            time.sleep(self.seconds)
            data = f"%PDF-1.7\n% stand-in for {job.output}\n%%EOF\n".encode()
            write_atomic(worker.output_dir / job.output, data)
            results.append(Rendered(job, None, 1, "", sha256_bytes(data), len(data)))
        return results


def share_font_instances(cache: Path) -> None:
    """Give a cache folder of a process under test (a server, a Dask worker) the run's
    static font instances, made once per machine, so it does not spend a minute
    making its own; everything else in it is the process's own."""
    import os

    from handouts.cache import CACHE_ENV
    from handouts.font_instances import KIND

    fonts = Path(os.environ[CACHE_ENV]) / KIND
    (cache / KIND).symlink_to(fonts.resolve(), target_is_directory=True)
