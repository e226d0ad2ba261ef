"""The client's side of a build on a Dask cluster: connect, check, send, gather.

The build decides what to render exactly as it does locally (builder.py); this module
only replaces the local worker pool (batch.py). It connects to the scheduler (or starts
a local cluster, one worker process per core), refuses workers whose versions differ,
sends the project once as a bundle through a worker plugin, and submits the tasks in
bounded batches: at most ``IN_FLIGHT_PER_THREAD`` per worker thread are on the
scheduler at a time, so 100,000 documents never flood it. PDFs come back to this
process, which alone writes files and the manifest.

Faults: a worker lost mid-task has its task run again on another worker by the
scheduler; a task that keeps killing workers fails with the cause (KilledWorker). A
scheduler that goes away ends the build with a clear error after the manifest is
written. Ctrl-C (or ``cancel``) cancels what is submitted.
"""

from __future__ import annotations

import logging
import pickle
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import CancelledError
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from handouts.errors import BuildError, OptionError
from handouts.jobs import BuildOptions
from handouts.project import Project
from handouts.task import Rendered, Task

IN_FLIGHT_PER_THREAD = 4  # Dask tasks on the scheduler per worker thread
CONNECT_SECONDS = 30  # to reach a scheduler, and for its first worker
log = logging.getLogger("handouts.cluster")


@dataclass
class Stats:
    """What crossed the network, for the summary line and the benchmark."""

    where: str = ""  # the scheduler's address, or "(a local cluster)"
    workers: int = 0
    bundle_bytes: int = 0
    sent_bytes: int = 0  # the bundle once per worker, then every task's arguments
    returned_bytes: int = 0
    documents: int = 0

    def notice(self) -> str:
        per = max(self.documents, 1)
        return (
            f"cluster {self.where}: {self.workers} worker(s); project sent as a "
            f"{self.bundle_bytes / 1024:.0f} KB bundle; {self.sent_bytes / per / 1024:.1f} KB "
            f"sent and {self.returned_bytes / per / 1024:.0f} KB returned a document"
        )


@dataclass
class Connection:
    client: Any
    options: BuildOptions  # as the workers get them: no output folder, no executor
    digest: str
    expected: dict[str, str]
    stats: Stats
    threads: int


def scheduler_of(project: Project, options: BuildOptions) -> str | None:
    return options.scheduler or project.config.settings.scheduler


@contextmanager
def connected(project: Project, options: BuildOptions) -> Iterator[Connection]:
    """A client on the cluster with the project's bundle on every worker."""
    from distributed import Client, LocalCluster

    from handouts.batch import default_workers

    scheduler = scheduler_of(project, options)
    cluster = None
    logging.getLogger("distributed").setLevel(logging.CRITICAL)  # the build says what failed
    try:
        if scheduler:
            client = Client(scheduler, timeout=CONNECT_SECONDS, set_as_default=False)  # type: ignore[no-untyped-call]
        else:
            count = options.workers or default_workers()
            cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=count, threads_per_worker=1, processes=True,
                dashboard_address=":0", silence_logs=logging.ERROR,
            )  # fmt: skip
            client = Client(cluster, set_as_default=False)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as error:
        raise BuildError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
    where = scheduler or "(a local cluster)"
    try:
        try:
            link = _prepare(client, project, options, where)
        except TimeoutError:
            raise BuildError(f"no Dask worker joined {where} in {CONNECT_SECONDS} s") from None
        except OSError as error:  # the scheduler went away while the cluster was prepared
            raise BuildError(f"lost the Dask scheduler at {where}: {error}") from None
        yield link
    finally:
        client.close()  # type: ignore[no-untyped-call]
        if cluster is not None:
            cluster.close()


def _prepare(client: Any, project: Project, options: BuildOptions, where: str) -> Connection:
    """Workers checked for their versions, then given the bundle (worker plugin)."""
    from handouts.cluster.bundle import make_bundle
    from handouts.cluster.remote import Prepare, worker_versions
    from handouts.cluster.versions import differences, versions

    client.wait_for_workers(1, timeout=CONNECT_SECONDS)
    expected = versions()
    theirs = client.run(worker_versions)
    refused = [
        f"worker {address} runs {', '.join(said)}"
        for address, found in sorted(theirs.items())
        if (said := differences(expected, found))
    ]
    if refused:
        raise BuildError(
            "the cluster's workers run other versions, so their PDFs would differ: "
            + "; ".join(refused)
            + ". Install the same versions (the lock file) on every machine."
        )
    bundle = make_bundle(project)
    remote = replace(options, output=None, executor="local", scheduler=None)
    client.register_plugin(Prepare(bundle, remote), name=f"handouts-{bundle.digest[:16]}")
    info = client.scheduler_info()["workers"]
    stats = Stats(where=where, workers=len(info), bundle_bytes=len(bundle.data))
    stats.sent_bytes = len(bundle.data) * len(info)
    threads = sum(w.get("nthreads", 1) for w in info.values()) or 1
    return Connection(client, remote, bundle.digest, expected, stats, threads)


def run(
    project: Project,
    options: BuildOptions,
    tasks: Sequence[Task],
    failed: Callable[[Task, str], list[Rendered]],
    on_result: Callable[[Task, list[Rendered]], bool],
    cancel: Callable[[], bool] | None = None,
) -> Stats:
    """``on_result(task, results)`` for every task, rendered on the cluster."""
    if options.format != "pdf":
        raise OptionError("--executor", "a cluster renders PDFs: use --executor local for html")
    from handouts.cluster.remote import render

    with connected(project, options) as link:

        def submit(number: int, task: Task) -> Any:
            arguments = (link.digest, link.options, task, link.expected)
            link.stats.sent_bytes += len(pickle.dumps(arguments[1:3]))
            # The key names the run and the number, nothing of what is in it.
            return link.client.submit(
                render, *arguments, key=f"handouts-render-{id(link):x}-{number}", pure=False
            )

        def result_of(future: Any, task: Task) -> list[Rendered]:
            try:
                found: list[Rendered] = future.result()
            except CancelledError:
                raise
            except Exception as error:  # the cluster's failure: this task fails, not the build
                from distributed import KilledWorker

                if isinstance(error, KilledWorker):
                    return failed(task, f"the worker processes rendering it died ({error})")
                return failed(task, f"{type(error).__name__} on the cluster: {error}")
            return found

        def received(task: Task, results: list[Rendered]) -> bool:
            link.stats.documents += len(results)
            link.stats.returned_bytes += sum(len(r.data or b"") for r in results)
            return on_result(task, results)

        gather(link, list(tasks), submit, result_of, received, cancel)
        return link.stats


def gather(
    link: Connection,
    items: list[Any],
    submit: Callable[[int, Any], Any],
    result_of: Callable[[Any, Any], Any],
    on_result: Callable[[Any, Any], bool],
    cancel: Callable[[], bool] | None = None,
) -> None:
    """Submit in bounded batches, hand each result over as it comes, stop cleanly.
    Waiting blocks on Dask's as_completed (no polling: the scheduler of a local cluster
    shares this process and its cores)."""
    from distributed import as_completed

    waiting = deque(enumerate(items))
    pending: dict[Any, Any] = {}
    limit = max(8, IN_FLIGHT_PER_THREAD * link.threads)
    finished = as_completed(loop=link.client.loop, with_results=False)  # type: ignore[no-untyped-call]

    def top_up() -> None:
        while waiting and len(pending) < limit:
            number, item = waiting.popleft()
            future = submit(number, item)
            pending[future] = item
            finished.add(future)  # type: ignore[no-untyped-call]

    try:
        top_up()
        for future in finished:
            item = pending.pop(future)
            try:
                result = result_of(future, item)
            except CancelledError:  # the scheduler went away, and its futures with it
                raise _lost(link, len(pending) + len(waiting) + 1) from None
            if not on_result(item, result):
                link.client.cancel(list(pending))
                return
            if cancel is not None and cancel():
                raise KeyboardInterrupt
            top_up()
    except BaseException:
        if pending and link.client.status == "running":
            link.client.cancel(list(pending), force=True)  # Ctrl-C: nothing left running
        raise


def _lost(link: Connection, left: int) -> BuildError:
    return BuildError(
        f"lost the Dask scheduler at {link.stats.where}: {left} task(s) not rendered; "
        "the files written so far are in the manifest. Run the build again when the "
        "scheduler is back: what was written is kept"
    )
