"""The command line, driven as a user would (CliRunner, and one real subprocess)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from handouts.cli import cli
from tests.conftest import BRAND, BRANDS, CONDITIONS, REPO


def _invoke(*args: str) -> tuple[int, str]:
    if args and args[0] == "build":  # one edition, one language: these count the files
        args = ("build", "--edition", "standard", "--lang", "en", *args[1:])
    result = CliRunner().invoke(cli, ["--config", str(REPO / "handouts.toml"), *args])
    return result.exit_code, result.output


@pytest.mark.parametrize("command", [[], ["build"], ["validate"], ["list"], ["brands"], ["init"]])
def test_help_everywhere(command: list[str]) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_build_help_documents_the_options() -> None:
    result = CliRunner().invoke(cli, ["build", "--help"])
    for option in ("--condition", "--brand", "--out", "--format", "--paper", "--lang"):
        assert option in result.output


def test_validate_reports_the_content_it_checked() -> None:
    code, output = _invoke("validate")
    assert code == 0
    assert "14 condition files" in output  # 7 conditions, English and Spanish


def test_list_shows_conditions_brands_and_languages() -> None:
    code, output = _invoke("list")
    assert code == 0
    for condition in CONDITIONS:
        assert condition in output
    for brand in BRANDS:
        assert f"{brand} " in output
    assert "(built by default)" in output
    assert "en (built by default)" in output


def test_build_one_condition_writes_only_that_handout(tmp_path: Path) -> None:
    code, output = _invoke("build", "--condition", "cidp", "--brand", BRAND, "--out", str(tmp_path))
    assert code == 0, output
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.pdf"))
    assert written == [f"{BRAND}/en/handout-cidp.pdf"]
    assert "built 1:" in output


def test_build_a4(tmp_path: Path) -> None:
    code, output = _invoke(
        "build", "--condition", "cidp", "--brand", BRAND, "--paper", "a4", "--out", str(tmp_path)
    )
    assert code == 0, output
    page = PdfReader(tmp_path / f"{BRAND}/en/handout-cidp.pdf").pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


def test_html_format_writes_the_html_and_its_assets(tmp_path: Path) -> None:
    code, output = _invoke(
        "build",
        "--condition",
        "kawasaki-disease",
        "--brand",
        BRAND,
        "--format",
        "html",
        "--out",
        str(tmp_path),
    )
    assert code == 0, output
    html = (tmp_path / f"{BRAND}/en/handout-kawasaki-disease.html").read_text("utf-8")
    assert '<html lang="en" dir="ltr">' in html
    assert 'href="assets/handout.css"' in html
    assets = tmp_path / f"{BRAND}/en/assets"
    for name in ("fonts.css", "base.css", "handout.css", "brand.css", "logo.svg"):
        assert (assets / name).is_file(), name
    assert "file://" not in html  # previewable anywhere: no absolute paths


def test_unknown_condition_is_a_clear_error(tmp_path: Path) -> None:
    code, output = _invoke("build", "--condition", "gout", "--out", str(tmp_path))
    assert code == 1
    assert "unknown condition 'gout'" in output
    assert "Traceback" not in output


def test_missing_config_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "nope.toml"), "validate"])
    assert result.exit_code == 1
    assert "configuration file not found" in result.output


def test_python_m_handouts_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "handouts", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert "handouts" in done.stdout


def test_readme_documents_every_command() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    for name in cli.commands:
        assert f"handouts {name}" in readme, name
