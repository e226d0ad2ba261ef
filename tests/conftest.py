"""Shared fixtures: the bundled project, built once per test run.

The suite runs in several processes (pytest-xdist, ``-n`` in pyproject.toml). What
one build makes for many tests is made once per run and shared between the processes
through a file lock (``shared``); the builds tests make themselves use their process's
share of the cores, so two test processes do not run four renders on two cores.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from handouts import batch, cache, font_instances
from handouts.builder import BuildOptions, BuildResult, build, layouts
from handouts.jobs import Job
from handouts.project import Project, load_project
from handouts.task import Layout
from tests.helpers import StandInRenderer

REPO = Path(__file__).resolve().parent.parent
BRANDS = ["lakeside-infusion", "maple-childrens", "northfield-neurology"]
BRAND = "northfield-neurology"  # the brand tests read when one is enough
CONDITIONS = [
    "guillain-barre-syndrome",
    "myasthenia-gravis",
    "cidp",
    "kawasaki-disease",
    "dermatomyositis",
    "immune-thrombocytopenia",
    "systemic-lupus-erythematosus",
]
CORES = batch.default_workers()
TEST_PROCESSES = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))

Value = TypeVar("Value")


def pytest_configure(config: pytest.Config) -> None:
    """One cache folder (parsed content) per test run, not the user's: set before the
    test processes start, so they and the CLI subprocesses of the tests inherit it."""
    if hasattr(config, "workerinput"):  # a test process: the run's folder is set
        return
    kept = cache.cache_folder(font_instances.KIND)  # the user's, before it is replaced
    folder = tempfile.mkdtemp(prefix="handouts-test-cache-")
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
    os.environ[cache.CACHE_ENV] = folder
    _share_font_instances(Path(folder), kept)


def _share_font_instances(folder: Path, kept: Path) -> None:
    """The static font instances are the user's own (``make setup`` makes them with
    ``handouts fonts``), linked into the run's cache; any missing are made here, before
    the test processes start: about a minute, once per machine, instead of in every
    test that builds. An entry is a pure function of its name (font_instances.py), so
    sharing it cannot change what a test sees."""
    try:
        kept.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:  # no writable user cache (a locked-down CI home): the run's own
        kept = Path(tempfile.mkdtemp(prefix="handouts-test-fonts-"))
    (folder / font_instances.KIND).symlink_to(kept, target_is_directory=True)
    font_instances.prepare(load_project(REPO / "handouts.toml"), workers=CORES)


@pytest.fixture(scope="session", autouse=True)
def _share_the_cores() -> Iterator[None]:
    """A build run by a test uses this test process's share of the cores (one each
    with two processes on two cores), unless it asks for a number of workers. The
    builds the CLI runs in a subprocess keep their own default."""
    share = max(1, CORES // TEST_PROCESSES)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(batch, "default_workers", lambda: share)
        yield


def shared(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], Value]) -> Value:
    """``make(folder)`` once per test run, whichever test process asks first; the others
    wait for it and get the same value (pickled beside what it made, in ``folder``)."""
    root = factory.getbasetemp()
    if TEST_PROCESSES > 1:
        root = root.parent  # the run's folder, above each process's own
    folder = root / f"shared-{name}"
    saved = folder / "value.pickle"
    with (root / f"shared-{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if saved.exists():
            with saved.open("rb") as handle:
                value: Value = pickle.load(handle)
            return value
        folder.mkdir(exist_ok=True)
        value = make(folder)
        with saved.open("wb") as handle:
            pickle.dump(value, handle)
        return value


@pytest.fixture(scope="session")
def project() -> Project:
    return load_project(REPO / "handouts.toml")


def _build_everything_in_english(folder: Path) -> BuildResult:
    project = load_project(REPO / "handouts.toml")
    # Every core: the other test processes are waiting for this build or soon will be.
    result = build(project, BuildOptions(output=folder, languages=("en",), workers=CORES))
    assert not result.failed, [o.error for o in result.failed]
    return result


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """Every English handout and summary of the bundled content, for every bundled
    brand, rendered for real: each brand's fonts and header must still fit two pages.
    Built once per run (48 PDFs) and only read by the tests: a test that changes
    files copies them first. (Spanish is built by its own test in test_languages.py.)"""
    return shared(tmp_path_factory, "built", _build_everything_in_english)


def _lay_out_everything_in_spanish(folder: Path) -> list[Layout]:
    project = load_project(REPO / "handouts.toml")
    jobs = [
        Job("handout", brand, "es", condition.id, "", edition)
        for brand in BRANDS
        for condition in project.ordered_conditions("es")
        for edition in ("standard", "large-print")
    ]
    jobs += [Job("summary", brand, "es", None, "") for brand in BRANDS]
    return list(layouts(project, jobs, workers=CORES))


@pytest.fixture(scope="session")
def spanish_layouts(tmp_path_factory: pytest.TempPathFactory) -> list[Layout]:
    """Every Spanish handout (both editions) and summary of the bundled content, for
    every bundled brand, laid out and fitted as a build would, writing nothing: what
    the audit's page counts need beside the English ones of ``built``. Once per run."""
    return shared(tmp_path_factory, "spanish", _lay_out_everything_in_spanish)


def copy_project(folder: Path, **settings: str) -> Path:
    """A writable copy of the bundled project in ``folder``, with the top-level
    settings given (TOML values, e.g. ``languages='["en"]'``) in place of the bundled."""
    for name in ("conditions", "styles"):
        shutil.copytree(REPO / name, folder / name)
    (folder / "templates").mkdir()
    config = (REPO / "handouts.toml").read_text("utf-8")
    for key, value in settings.items():
        config, found = re.subn(rf"(?m)^{key} = .*$", f"{key} = {value}", config)
        assert found == 1, f"test setup: no '{key} =' line in handouts.toml"
    (folder / "handouts.toml").write_text(config, "utf-8")
    return folder


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled project, for tests that break its files."""
    # The standard edition in English only: these tests break inputs, not the
    # large-print layout or a translation (test_languages.py asks for Spanish by name).
    return copy_project(tmp_path, editions='["standard"]', languages='["en"]')


@pytest.fixture
def stand_in(monkeypatch: pytest.MonkeyPatch) -> StandInRenderer:
    """Builds in this test write stand-in bytes instead of rendering (helpers.py)."""
    return StandInRenderer().install(monkeypatch)
