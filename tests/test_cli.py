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
from tests.helpers import StandInRenderer, run


def _invoke(*args: str) -> tuple[int, str]:
    if args and args[0] == "build":  # one edition, one language: these count the files
        args = ("build", "--edition", "standard", "--lang", "en", *args[1:])
    result = CliRunner().invoke(cli, ["--config", str(REPO / "handouts.toml"), *args])
    return result.exit_code, result.output


@pytest.mark.parametrize(
    "command", [[], ["build"], ["validate"], ["list"], ["brands"], ["fonts"], ["init"]]
)
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


def test_build_one_condition_writes_only_that_handout(
    tmp_path: Path, stand_in: StandInRenderer
) -> None:
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
    assert code == 2  # a bad option, as Click exits for one
    assert output.startswith("--condition: unknown condition 'gout'; available: cidp, ")
    assert "handouts.toml" not in output  # the command line said it, not the settings
    assert "Traceback" not in output
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("command", "option", "value", "message"),
    [
        ("build", "--brand", "mapel", "unknown brand 'mapel'; available: " + ", ".join(BRANDS)),
        ("build", "--lang", "fr", "unknown language 'fr'; available: en, es"),
        ("binder", "--brand", "mapel", "unknown brand 'mapel'"),
        ("binder", "--lang", "fr", "unknown language 'fr'"),
        ("audit", "--condition", "gout", "unknown condition 'gout'"),
        ("audit", "--brand", "mapel", "unknown brand 'mapel'"),
    ],
)
def test_a_bad_value_on_the_command_line_names_the_option(
    command: str, option: str, value: str, message: str, tmp_path: Path
) -> None:
    config = ["--config", str(REPO / "handouts.toml")]
    result = CliRunner().invoke(cli, [*config, command, option, value, "--out", str(tmp_path)])
    assert result.exit_code == 2, result.output
    (line,) = result.output.splitlines()  # one line
    assert line.startswith(f"{option}: {message}")
    assert "handouts.toml" not in result.output
    assert not list(tmp_path.iterdir())


def test_a_missing_translation_names_the_file_and_the_fallback_setting(
    project_copy: Path,
) -> None:
    (project_copy / "conditions/cidp.es.yaml").unlink()
    code, output = run(project_copy, "build", "--condition", "cidp", "--lang", "es")
    assert code == 1
    missing = project_copy / "conditions/cidp.es.yaml"
    assert output.splitlines()[0] == (
        f"{missing}: error: no Spanish text for 'cidp': this file is missing. Translate it, "
        'or set fallback_language = "en" in handouts.toml to print the English handout '
        "with a notice"
    )
    assert "unknown condition" not in output
    assert not (project_copy / "output").exists()


# Every command that reads the project takes --config after its name too.
PROJECT_COMMANDS = [
    "build", "binder", "validate", "audit", "list", "brands", "fonts", "languages", "packets",
    "serve",
]  # fmt: skip


def test_every_project_command_takes_config_after_its_name() -> None:
    loading = {name for name, command in cli.commands.items() if name != "init"}
    assert loading == set(PROJECT_COMMANDS)
    for name in PROJECT_COMMANDS:
        options = {o for p in cli.commands[name].params for o in getattr(p, "opts", [])}
        assert "--config" in options, name


@pytest.mark.parametrize("where", ["before", "after"])
def test_config_before_or_after_the_command_means_the_same(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no handouts.toml here: only --config finds the project
    config = ["--config", str(REPO / "handouts.toml")]
    args = [*config, "list"] if where == "before" else ["list", *config]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "cidp" in result.output
    result = CliRunner().invoke(cli, ["validate", "-c", str(REPO)])  # the folder will do
    assert result.exit_code == 0, result.output


def test_config_after_the_command_is_read_from_there(project_copy: Path) -> None:
    config = project_copy / "handouts.toml"
    config.write_text(config.read_text("utf-8").replace('paper = "letter"', 'papr = "a4"'))
    result = CliRunner().invoke(cli, ["validate", "--config", str(config)])
    assert result.exit_code == 1
    assert "handouts.toml:" in result.output
    assert "unknown field 'papr'; did you mean 'paper'?" in result.output


def test_two_different_configs_are_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--config", str(tmp_path), "list", "--config", str(REPO / "handouts.toml")]
    )
    assert result.exit_code == 2
    assert "--config" in result.output
    assert "given twice" in result.output


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


def test_a_reader_that_goes_away_ends_the_command_quietly() -> None:
    """``handouts list | head -c 0``: no traceback, no "internal error", as a shell
    tool whose reader closed the pipe."""
    process = subprocess.Popen(
        [sys.executable, "-m", "handouts", "--config", str(REPO / "handouts.toml"), "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.close()  # before the command has written anything
    _, errors = process.communicate(timeout=60)
    assert errors == b""
    assert process.returncode == 1
