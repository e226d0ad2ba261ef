"""Builds killed part-way (Ctrl-C, SIGTERM, SIGKILL of the run or of a worker) leave
every file whole or absent, a manifest that matches the disk, no process behind and no
traceback, and the next build finishes the job.

A kill test of its own, in its own file: each test starts the command several times.
The signal goes at a point the build has shown, not after a time, so the test does the
same on a loaded machine: with ``-v`` the build says "wrote ..." for each document, and
the signal follows the first, when the workers are busy with the next ones. Besides,
the whole run is killed or terminated once at start-up, while Python is still
importing. (Ctrl-C at start-up is the subject of test_interrupt_startup.py.)
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from handouts.output import TEMP_PREFIX, sha256_file

BRAND = "maple-childrens"
CONDITIONS = ("cidp", "dermatomyositis", "kawasaki-disease")  # a few: it builds them often
AT_START_UP, AFTER_THE_FIRST_FILE = "at start-up", "after the first file"
# Where each build of a test is signalled; then one more build must finish the job.
POINTS = {
    "SIGKILL the whole run": (AT_START_UP, AFTER_THE_FIRST_FILE),
    "SIGTERM": (AT_START_UP, AFTER_THE_FIRST_FILE),
    "SIGINT": (AFTER_THE_FIRST_FILE, AFTER_THE_FIRST_FILE),
    "SIGKILL a worker": (AFTER_THE_FIRST_FILE,),  # no worker at start-up; it goes on without
}


def _manifest_matches_disk(out: Path) -> None:
    """Every entry the manifest has describes the file on disk exactly."""
    manifest = out / "manifest.json"
    if not manifest.exists():
        return
    for entry in json.loads(manifest.read_text("utf-8"))["files"]:
        path = out / entry["path"]
        assert path.is_file(), entry["path"]
        assert sha256_file(path) == entry["sha256"], entry["path"]


def _gone(group: int) -> None:
    """Nothing of the build survives it: no worker left running on its own."""
    for _ in range(100):
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    raise AssertionError("build processes still running 10 s after the build ended")


def _every_pdf_is_whole(out: Path) -> int:
    """Every document opens. Our temporary files are not documents (a worker stopped
    while writing leaves one): the next build removes them, checked at the end."""
    count = 0
    for path in out.rglob("*.pdf"):
        if not path.name.startswith(TEMP_PREFIX):
            assert len(PdfReader(path).pages) >= 1, path  # a truncated PDF does not open
            count += 1
    return count


def _first_file_written(process: subprocess.Popen[str]) -> str:
    """What the build said until it wrote its first file (all of it if it never did)."""
    assert process.stdout is not None
    said = []
    for line in process.stdout:
        said.append(line)
        if line.startswith("wrote "):
            break
    return "".join(said)


def _signal(process: subprocess.Popen[str], how: str) -> None:
    if how == "SIGKILL the whole run":
        os.killpg(process.pid, signal.SIGKILL)
    elif how == "SIGKILL a worker":
        children = subprocess.run(
            ["pgrep", "-P", str(process.pid)], capture_output=True, text=True
        ).stdout.split()
        for child in children:
            os.kill(int(child), signal.SIGKILL)
    else:
        process.send_signal(getattr(signal, how))


@pytest.mark.parametrize("how", list(POINTS))
def test_killed_builds_leave_no_partial_file_and_the_next_build_finishes(
    how: str, project_copy: Path
) -> None:
    out = project_copy / "out"
    config = str(project_copy / "handouts.toml")
    command = [sys.executable, "-m", "handouts", "--config", config, "build", "-v", "--jobs",
               "2", "--brand", BRAND, "--only", "handouts", "--out", str(out)]  # fmt: skip
    for name in CONDITIONS:
        command += ["--condition", name]
    for point in POINTS[how]:
        process = subprocess.Popen(
            command, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        watchdog = threading.Timer(120, os.killpg, (process.pid, signal.SIGKILL))
        watchdog.start()  # a build that hangs fails the test, not the suite
        try:
            said = _first_file_written(process) if point == AFTER_THE_FIRST_FILE else ""
            _signal(process, how)
            said += process.communicate()[0]
        finally:
            watchdog.cancel()
        _gone(process.pid)
        assert "Traceback" not in said, f"{point}:\n{said}"
        _every_pdf_is_whole(out)
        _manifest_matches_disk(out)

    final = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert final.returncode == 0, final.stdout + final.stderr
    assert _every_pdf_is_whole(out) == len(CONDITIONS)
    assert not list(out.rglob(f"{TEMP_PREFIX}*"))
    _manifest_matches_disk(out)
    again = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert f"built 0, {len(CONDITIONS)} up to date" in again.stdout
