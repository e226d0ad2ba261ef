"""Shared fixtures: the bundled project, built once per test session."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from handouts.builder import BuildOptions, BuildResult, build
from handouts.project import Project, load_project

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


@pytest.fixture(scope="session")
def project() -> Project:
    return load_project(REPO / "handouts.toml")


@pytest.fixture(scope="session")
def built(project: Project, tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """Every English handout and summary of the bundled content, for every bundled
    brand, rendered for real: each brand's fonts and header must still fit two pages.
    (Spanish is built by its own test in test_languages.py.)"""
    out = tmp_path_factory.mktemp("output")
    result = build(project, BuildOptions(output=out, languages=("en",)))
    assert not result.failed, [o.error for o in result.failed]
    return result


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
