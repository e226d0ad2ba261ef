"""Watching what a build reads, with watchfiles (the watcher of uvicorn's reloader).

The input folders are watched with everything under them; a file outside them (the
configuration, a stylesheet given with ``-s``) through its folder, not recursively,
so that a project folder with a virtual environment in it costs no watches, and an
editor that saves by renaming is still seen. When a load changes what is read (a
brand added), the watch is set up again over the new list.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from watchfiles import Change, DefaultFilter, awatch

from handouts.preview.engine import Preview

STEP_MS = 30  # quiet time that ends a burst of changes
MAX_BURST_MS = 500  # longest a burst is held before the build starts anyway
RECHECK_S = 0.5  # how often the list of what a build reads is compared with the watch


class _Only(DefaultFilter):
    """The given files only (in folders watched for them alone)."""

    def __init__(self, files: set[Path]) -> None:
        super().__init__()
        self.files = {str(f) for f in files}

    def __call__(self, change: Change, path: str) -> bool:
        return path in self.files and super().__call__(change, path)


async def watch_inputs(preview: Preview, stop: asyncio.Event) -> None:
    """Tell the preview of every change until ``stop``."""
    while not stop.is_set():
        await _watch(preview, stop, *preview.watched())
        await asyncio.sleep(0.05)


async def _watch(
    preview: Preview, stop: asyncio.Event, folders: list[Path], files: list[Path]
) -> None:
    """Watch one list of what is read, until ``stop`` or until that list changes."""
    again = asyncio.Event()
    until = _either(stop, again)

    async def follow(paths: list[Path], recursive: bool, only: set[Path] | None) -> None:
        if not paths:
            return
        keep = _Only(only) if only is not None else DefaultFilter()
        async for changes in awatch(
            *paths, watch_filter=keep, recursive=recursive, stop_event=until,
            step=STEP_MS, debounce=MAX_BURST_MS,
        ):  # fmt: skip
            preview.changed(sorted(path for _, path in changes))

    async def recheck() -> None:
        while not until.is_set():
            await asyncio.sleep(RECHECK_S)
            if preview.watched() != (folders, files):
                again.set()

    existing = [f for f in dict.fromkeys(folders) if f.is_dir()]
    loose = {f.absolute() for f in files if not any(f.is_relative_to(d) for d in existing)}
    parents = [p for p in dict.fromkeys(f.parent for f in loose) if p.is_dir()]
    await asyncio.gather(follow(existing, True, None), follow(parents, False, loose), recheck())


def _either(first: asyncio.Event, second: asyncio.Event) -> asyncio.Event:
    """One event set when either is: awatch takes a single stop event."""
    both = asyncio.Event()

    async def relay() -> None:
        await asyncio.wait(
            [asyncio.create_task(first.wait()), asyncio.create_task(second.wait())],
            return_when=asyncio.FIRST_COMPLETED,
        )
        both.set()

    asyncio.get_running_loop().create_task(relay())
    return both
