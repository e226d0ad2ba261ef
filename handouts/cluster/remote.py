"""What runs on a Dask worker: the bundle unpacked once, the renderer kept warm.

``Prepare`` is a worker plugin: Dask runs its ``setup`` on every worker of the cluster,
and on any worker that joins later, before tasks reach it. It unpacks the project's
bundle into the worker's cache, loads the project from there and builds the warm
renderer (templates, font configuration, parsed stylesheets, static fonts), which the
tasks then use. The tasks are module-level functions, as Dask pickles them by name.

A task never raises: an exception's message could hold a patient's text, and Dask
logs a failed task's arguments. Errors come back as values; the client reports them.
"""

from __future__ import annotations

import gc
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from distributed.diagnostics.plugin import WorkerPlugin

from handouts.cluster.bundle import Bundle, unpacked
from handouts.cluster.versions import differences, versions
from handouts.jobs import BuildOptions
from handouts.task import Rendered, Task

if TYPE_CHECKING:
    from handouts.packets import PacketMaker
    from handouts.project import Project
    from handouts.worker import Worker


@dataclass
class _Warm:
    project: Project
    workers: dict[BuildOptions, Worker]
    makers: dict[str | None, PacketMaker]
    rendered: int = 0  # documents since the renderer was made


RECYCLE_AFTER = 50  # documents a renderer makes before a new one replaces it (batch.py)
_WARM: dict[str, _Warm] = {}  # by bundle digest, in this worker process
_LOCK = threading.Lock()  # one renderer per process; Dask may run tasks in threads


class Prepare(WorkerPlugin):
    """Unpacks a bundle on each worker and warms its renderer."""

    def __init__(self, bundle: Bundle, options: BuildOptions) -> None:
        self.bundle = bundle
        self.options = options
        self.name = f"handouts-{bundle.digest[:16]}"

    def setup(self, worker: Any) -> None:
        with _LOCK:
            warm = _warm(self.bundle)
            _worker_for(warm, self.options)
        # What is loaded now (Dask's worker, the renderer, the project) lives as long
        # as the process: out of the collector's sight, each collection during a
        # render scans only what that render made (the local pool's forked workers
        # get the same from fork).
        gc.freeze()


def _warm(bundle: Bundle) -> _Warm:
    found = _WARM.get(bundle.digest)
    if found is None:
        from handouts.project import load_project

        root = unpacked(bundle.digest, bundle.data)
        project = load_project(
            root / "handouts.toml", stylesheets=[root / name for name in bundle.stylesheets]
        )
        found = _WARM[bundle.digest] = _Warm(project, {}, {})
        # One project at a time is warm: a new bundle (an edit) replaces the old one.
        for digest in [d for d in _WARM if d != bundle.digest]:
            del _WARM[digest]
    return found


def _worker_for(warm: _Warm, options: BuildOptions) -> Worker:
    from dataclasses import replace

    from handouts.worker import Worker

    key = replace(options, output=None, workers=None, force=False, fail_fast=False)
    found = warm.workers.get(key)
    if found is None:
        found = warm.workers[key] = Worker(warm.project, key)
        found.keep = True  # the PDFs go back to the client, which writes them
    return found


def render(
    digest: str, options: BuildOptions, task: Task, expected: dict[str, str]
) -> list[Rendered]:
    """Render one task on this worker: its documents' PDFs, or why not."""
    try:
        if said := differences(expected, versions()):
            return _refused(task, said)
        with _LOCK:
            warm = _WARM.get(digest)
            if warm is None:
                missing = "the worker has not received the project"
                return [Rendered(job, error=missing) for job in task.jobs]
            results = _worker_for(warm, options).run(task)
            warm.rendered += len(task.jobs)
            if warm.rendered >= RECYCLE_AFTER:
                # A renderer slows as it renders: every document's fonts stay in its
                # font configuration (Kozea/WeasyPrint#2130). The local pool replaces
                # its processes; a cluster's worker replaces its renderer.
                warm.workers.clear()
                warm.rendered = 0
                gc.collect()
            return results
    except BaseException as error:  # reported as a value (see above)
        return [Rendered(job, error=f"{type(error).__name__} on the worker") for job in task.jobs]


def packet(
    digest: str, brand: str | None, patient: bytes, expected: dict[str, str]
) -> tuple[bytes | None, int, str]:
    """One patient's packet: (PDF, pages, "") or (None, 0, the command line's message).
    The patient comes as JSON bytes and goes nowhere but the page."""
    try:
        if said := differences(expected, versions()):
            return None, 0, "the worker runs other versions: " + "; ".join(said)
        from handouts.packets import PacketError, PacketMaker
        from handouts.patients import Patient

        with _LOCK:
            warm = _WARM.get(digest)
            if warm is None:
                return None, 0, "the worker has not received the project"
            maker = warm.makers.get(brand)
            if maker is None:
                maker = warm.makers[brand] = PacketMaker(warm.project, brand)
            try:
                data, pages = maker.pdf(Patient.model_validate_json(patient))
            except PacketError as error:
                return None, 0, str(error)  # names a column, never a value
        return data, pages, ""
    except BaseException as error:
        return None, 0, f"{type(error).__name__} on the worker"


def worker_versions() -> dict[str, str]:
    return versions()


def _refused(task: Task, said: list[str]) -> list[Rendered]:
    from distributed import get_worker

    where = get_worker().address
    message = f"worker {where} runs other versions: {'; '.join(said)}"
    return [Rendered(job, error=message) for job in task.jobs]
