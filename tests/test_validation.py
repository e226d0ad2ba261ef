"""Bad input: one clear line per problem naming file and line, exit 1, nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from handouts.errors import ContentError
from handouts.project import load_project
from tests.conftest import REPO
from tests.helpers import edit as _edit
from tests.helpers import line_of as _line_of
from tests.helpers import run as _run

GBS = "conditions/guillain-barre-syndrome.en.yaml"


def test_malformed_yaml_names_file_and_line_and_writes_nothing(project_copy: Path) -> None:
    path = project_copy / GBS
    _edit(path, "short_name: GBS", "short_name: [GBS")
    code, output = _run(project_copy, "build")
    assert code == 1
    assert f"{GBS}:" in output
    assert "invalid YAML" in output
    assert "Traceback" not in output
    assert not (project_copy / "output").exists()


def test_unknown_field_is_rejected_with_did_you_mean(project_copy: Path) -> None:
    path = project_copy / GBS
    _edit(path, "  key_points:", "  key_pionts:")
    with pytest.raises(ContentError) as caught:
        load_project(project_copy / "handouts.toml")
    message = str(caught.value.message)
    line = _line_of(path, "key_pionts:")
    assert f"guillain-barre-syndrome.en.yaml:{line}:" in message
    assert "unknown field 'patient.key_pionts'; did you mean 'key_points'?" in message


def test_duplicate_key_is_an_error_not_silently_dropped(project_copy: Path) -> None:
    path = project_copy / GBS
    _edit(path, "short_name: GBS\n", "short_name: GBS\nshort_name: G.B.S.\n")
    code, output = _run(project_copy, "validate")
    assert code == 1
    assert "duplicate" in output.lower()
    assert f"{GBS}:{_line_of(path, 'short_name: G.B.S.')}" in output


def test_wrong_type_names_the_field(project_copy: Path) -> None:
    path = project_copy / GBS
    _edit(path, "short_name: GBS", "short_name: 12")
    code, output = _run(project_copy, "validate")
    assert code == 1
    assert f"{GBS}:{_line_of(path, 'short_name: 12')}" in output
    assert "short_name" in output


def test_unknown_source_id_points_at_the_citation(project_copy: Path) -> None:
    path = project_copy / GBS
    _edit(path, "sources: [aan-2003-gbs, ean-pns-2023-gbs]", "sources: [aan-2003-gbz]")
    code, output = _run(project_copy, "validate")
    assert code == 1
    assert "unknown source id 'aan-2003-gbz'" in output
    assert f"{GBS}:{_line_of(path, 'aan-2003-gbz')}" in output


def test_every_problem_is_reported_not_just_the_first(project_copy: Path) -> None:
    _edit(project_copy / GBS, "  key_points:", "  key_pionts:")
    _edit(project_copy / "conditions/cidp.en.yaml", "id: cidp", "id: cipd")
    code, output = _run(project_copy, "validate")
    assert code == 1
    assert "key_pionts" in output
    assert "id 'cipd' does not match the file name" in output
    assert "2 errors found" in output


def test_bad_phone_in_brand_is_located(project_copy: Path) -> None:
    brand = project_copy / "styles/brands/northfield-neurology/brand.toml"
    _edit(brand, 'phone = "(555) 555-0142"', 'phone = "call us"')
    code, output = _run(project_copy, "validate")
    assert code == 1
    assert f"brand.toml:{_line_of(brand, 'call us')}" in output
    assert "does not look like a phone number" in output


def test_logo_outside_brand_folder_is_refused(project_copy: Path) -> None:
    brand = project_copy / "styles/brands/northfield-neurology/brand.toml"
    _edit(brand, 'logo = "logo.svg"', 'logo = "../../../conditions/_sources.yaml"')
    code, output = _run(project_copy, "validate")
    assert code == 1
    assert "outside the brand folder" in output


def test_missing_default_brand(project_copy: Path) -> None:
    _edit(project_copy / "handouts.toml", 'brands = ["all"]', 'brands = ["nope"]')
    code, output = _run(project_copy, "validate")
    assert code == 1
    assert "handouts.toml:" in output
    assert "no brand 'nope'" in output


def test_handout_over_two_pages_fails_and_is_not_written(project_copy: Path) -> None:
    path = project_copy / GBS
    filler = "".join(
        f'    - "Extra paragraph {i} that makes this handout far too long."\n' for i in range(30)
    )
    # Spread over two sections: each stays under the words a section may have
    # (max_section_words), so the length is caught by the layout, not when loading.
    _edit(path, "  how_ivig_helps:\n", "  how_ivig_helps:\n" + filler)
    _edit(path, "  about_condition:\n", "  about_condition:\n" + filler)
    # One brand: the layout fails the same way in each (it is the content that is long).
    args = ("--condition", "guillain-barre-syndrome", "--brand", "northfield-neurology")
    code, output = _run(project_copy, "build", *args)
    assert code == 1
    assert "more than the 2 allowed" in output
    assert not list((project_copy / "output").rglob("handout-guillain-barre-syndrome.pdf"))


def test_validate_never_loads_the_layout_engine() -> None:
    """validate renders nothing, so it does not pay for importing WeasyPrint (a second
    or so): checked in a fresh interpreter, where nothing was imported before."""
    config = str(REPO / "handouts.toml")
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from handouts.cli import cli\n"
        f"result = CliRunner().invoke(cli, ['--config', {config!r}, 'validate'])\n"
        "assert result.exit_code == 0, result.output\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('weasyprint', 'pydyf')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
