"""``handouts init``: a clinic's own project that builds at once, in or out of the repo."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from handouts.cli import cli
from handouts.scaffold import InitOptions, example_conditions, init_project
from tests.conftest import CONDITIONS
from tests.helpers import run


def test_init_writes_config_brand_condition_and_empty_templates(tmp_path: Path) -> None:
    target = tmp_path / "clinic"
    result = CliRunner().invoke(
        cli, ["init", str(target), "--brand", "ward-4", "--clinic", 'St. "Ann" & Co']
    )
    assert result.exit_code == 0, result.output
    assert "Created" in result.output
    files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert files == [
        "README.md",
        "conditions/_glossary.en.yaml",
        "conditions/_sources.yaml",
        "conditions/_treatment.en.yaml",
        "conditions/guillain-barre-syndrome.en.yaml",
        "handouts.toml",
        "styles/brands/ward-4/brand.css",
        "styles/brands/ward-4/brand.toml",
        "styles/brands/ward-4/logo.svg",
    ]
    assert (target / "templates").is_dir()
    assert not any((target / "templates").iterdir())
    # The clinic name went into TOML escaped, and reads back as typed.
    code, output = run(target, "brands", "--strict")
    assert code == 0, output
    assert 'St. "Ann" & Co' in output
    # Only the sources the copied condition cites: the audit rejects uncited ones.
    code, output = run(target, "validate", "--strict")
    assert code == 0, output
    assert "9 sources" in output


def test_the_new_project_builds_with_the_package_defaults(tmp_path: Path) -> None:
    target = tmp_path / "clinic"
    init_project(target, InitOptions(condition="kawasaki-disease", clinic="Ward 4 Clinic"))
    code, output = run(target, "build")
    assert code == 0, output
    handout = target / "output/my-clinic/en/handout-kawasaki-disease.pdf"
    summary = target / "output/my-clinic/en/clinician-summary.pdf"
    assert len(PdfReader(handout).pages) == 2
    assert len(PdfReader(summary).pages) == 1
    text = " ".join(PdfReader(handout).pages[0].extract_text().split())
    assert "Ward 4 Clinic" in text
    assert "IVIG for Kawasaki disease" in text


def test_init_refuses_a_folder_with_files_and_changes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "clinic"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    result = CliRunner().invoke(cli, ["init", str(target)])
    assert result.exit_code == 1
    assert "already exists and is not empty; nothing was written" in result.output
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["clinic"]  # no staging folder left


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--brand", "My Clinic"], "must be lower-case letters, digits and hyphens"),
        (["--condition", "gout"], "no example condition 'gout' (choose from: cidp,"),
    ],
)
def test_init_bad_options(tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "clinic"), *args])
    assert result.exit_code == 1
    assert message in result.output
    assert not (tmp_path / "clinic").exists()


def test_every_bundled_condition_can_seed_a_project() -> None:
    assert example_conditions() == sorted(CONDITIONS)
