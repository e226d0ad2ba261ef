"""Ctrl-C while ``handouts`` is still starting (importing Click, Rich, the package):
one line, "Aborted!", exit 1 as for Ctrl-C during a command, and no traceback.

A kill test of its own: it starts the command a few times. It waits for a point it
can see rather than for a time: ``-X importtime`` makes Python report each import as it
finishes, and Click is imported by the CLI only after the entry point's handler is in
place, so the signal lands in the middle of the CLI's imports (or, with the later
delays, while the command reads the project), however loaded the machine is.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tests.conftest import REPO


def test_ctrl_c_during_start_up_prints_one_line_and_no_traceback() -> None:
    command = [sys.executable, "-X", "importtime", "-m", "handouts",
               "--config", str(REPO / "handouts.toml"), "list"]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for delay in (0.0, 0.02, 0.1):
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert process.stderr is not None
        seen = []
        for line in process.stderr:
            seen.append(line)
            module = line.rpartition("|")[2].strip()
            if module.split(".")[0] == "click":  # Click, or one of its modules, imported
                break
        else:
            raise AssertionError("the CLI was never imported:\n" + "".join(seen))
        time.sleep(delay)  # a little further into the imports, still well before the end
        process.send_signal(signal.SIGINT)
        stdout, rest = process.communicate(timeout=60)
        said = [line for line in rest.splitlines() if not line.startswith("import time:")]
        assert "Traceback" not in rest, rest
        assert (process.returncode, said, stdout) == (1, ["Aborted!"], ""), (delay, rest)
