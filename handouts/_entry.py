"""The ``handouts`` command's first code: Ctrl-C during start-up says one line.

Starting the CLI imports a great deal (Click, Rich, Pydantic, the package) for about
a second. A Ctrl-C in that time would raise KeyboardInterrupt inside some import and
print its traceback. So before importing anything else this installs a handler that
ends the process at once with Click's own words and status for Ctrl-C ("Aborted!",
exit 1): nothing has been written yet, so there is nothing to clean up. Once a command
runs, the CLI turns Ctrl-C back into KeyboardInterrupt so that a build can stop its
workers and record what it made (handouts.cli._interrupts).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from pathlib import Path
from types import FrameType

ABORTED = "Aborted!"  # click.Abort's message: the same words as Ctrl-C during a command


def _abort(signum: int, frame: FrameType | None) -> None:
    # What a finished command printed is kept (this handler is back once it returns);
    # a write the signal interrupted cannot be finished from here, and is not.
    with contextlib.suppress(Exception):
        sys.stdout.flush()
    # os._exit, not sys.exit: an exception raised here could be caught or reported by
    # whatever import it lands in; exiting directly cannot print a traceback.
    os.write(2, f"{ABORTED}\n".encode())
    os._exit(1)


def _abort_on_signals() -> None:
    for signum in (signal.SIGINT, signal.SIGTERM):
        # A signal the parent chose to ignore (nohup, a shell's background job) stays so.
        if signal.getsignal(signum) != signal.SIG_IGN:
            signal.signal(signum, _abort)


def main() -> None:
    """Console-script entry point (``handouts``, ``python -m handouts``)."""
    _abort_on_signals()
    from handouts.cli import main as cli_main

    cli_main()


def generate(config: Path) -> None:
    """``python generate.py [build options]``: the build command of the project whose
    configuration is ``config``, started like ``handouts``."""
    _abort_on_signals()
    from handouts.cli import build_main

    build_main(config=config)
