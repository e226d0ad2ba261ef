"""Running tasks in worker processes: every core busy, memory bounded, failures kept to
the task that had them.

One document does not get faster with more threads (layout is pure Python), so a
batch runs in processes (pebble's pool). Each worker is forked with the loaded
project, builds its warm ``Worker`` once, and is replaced after ``RECYCLE_AFTER``
tasks, so a long batch stays flat in memory (fonts and caches grow in a long-lived
renderer: Kozea/WeasyPrint#2130). A worker that dies or runs past its time limit
fails its own task; the others go on.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

from handouts.jobs import BuildOptions
from handouts.project import Project
from handouts.worker import Worker

Item = TypeVar("Item")
Result = TypeVar("Result")

RECYCLE_AFTER = 50  # tasks a worker runs before a fresh process replaces it
MB = 1024 * 1024
CANCEL_POLL = 0.05  # seconds between checks of a batch's ``cancel``

_worker: Worker | None = None


def default_workers() -> int:
    """The cores this process may run on (a container's CPU set, not the host's)."""
    return max(1, len(os.sched_getaffinity(0)))


def _start(project: Project, options: BuildOptions) -> None:
    global _worker
    # Ctrl-C goes to the whole process group: the parent stops the pool, a worker
    # must not die half-way through on its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A memory limit of the worker's own: past it, allocations fail with MemoryError,
    # which fails the document being rendered (worker.py), not the machine.
    limit = project.config.settings.worker_memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _worker = Worker(project, options)


def _call(call: Callable[[Worker, Any], Any], item: Any) -> Any:
    assert _worker is not None, "worker not started"
    return call(_worker, item)


def run(
    project: Project,
    options: BuildOptions,
    items: Sequence[Item],
    call: Callable[[Worker, Item], Result],
    failed: Callable[[Item, str], Result],
    on_result: Callable[[Item, Result], bool],
    *,
    workers: int | None,
    size: Callable[[Item], int] = lambda item: 1,
    cancel: Callable[[], bool] | None = None,
) -> None:
    """``call(worker, item)`` for every item, in ``workers`` processes (0: in this
    one), handing each result to ``on_result`` as it comes; ``on_result`` returns
    False to cancel what has not started. ``call`` must be a module-level function.
    ``failed`` turns a dead worker or a timeout into the item's result; ``size`` is
    the number of documents in an item (its time limit scales with it). ``workers``
    None means one per core. ``cancel``, polled every ``CANCEL_POLL`` seconds, stops
    the batch as Ctrl-C does (KeyboardInterrupt): the preview server supersedes a build
    that a newer save has made stale.
    """
    if workers is None:
        workers = default_workers()
    seconds = project.config.settings.render_timeout
    if workers <= 0:  # no time or memory limit: for debugging only
        worker = Worker(project, options)
        for item in items:
            if cancel is not None and cancel():
                raise KeyboardInterrupt
            if not on_result(item, call(worker, item)):
                return
        return
    context = multiprocessing.get_context("fork")  # workers start with the project loaded
    # Process-wide signals are the caller's (the CLI turns SIGTERM into Ctrl-C): this
    # runs in any thread, where signal.signal() would raise.
    with ProcessPool(
        max_workers=min(workers, max(1, len(items))),
        max_tasks=RECYCLE_AFTER,
        initializer=_start,
        initargs=(project, options),
        context=context,
    ) as pool:
        try:
            futures: dict[Future[Any], Item] = {
                pool.schedule(_call, (call, item), timeout=seconds * size(item)): item
                for item in items
            }
            pending = set(futures)
            while pending:
                timeout = None if cancel is None else CANCEL_POLL
                done, pending = wait(pending, timeout, return_when=FIRST_COMPLETED)
                if cancel is not None and cancel():
                    raise KeyboardInterrupt  # stops the pool below, as Ctrl-C does
                for future in done:
                    item = futures[future]
                    if future.cancelled():
                        continue
                    result = _result(future, item, failed, seconds * size(item))
                    if not on_result(item, result):
                        # Cancelling a running task kills its worker: those finish.
                        for other in pending:
                            if not other.running():
                                other.cancel()
        except BaseException:
            pool.stop()  # type: ignore[no-untyped-call]  # Ctrl-C or an error here: no worker outlives the build
            raise


def _result(
    future: Future[Any], item: Item, failed: Callable[[Item, str], Result], limit: float
) -> Result:
    try:
        result: Result = future.result()
    except FutureTimeout:
        return failed(
            item,
            f"rendering took longer than {limit:g} s and was stopped "
            "(render_timeout in handouts.toml)",
        )
    except ProcessExpired as exc:
        return failed(item, f"the worker process rendering it died ({_exit(exc.exitcode)})")
    except Exception as exc:  # a worker's own bug: reported, the batch goes on
        return failed(item, f"{type(exc).__name__}: {exc}")
    return result


def _exit(code: int) -> str:
    if code < 0:
        name = signal.Signals(-code).name
        hint = ", often out of memory" if name == "SIGKILL" else ""
        return f"{name}{hint}"
    return f"exit code {code}"
