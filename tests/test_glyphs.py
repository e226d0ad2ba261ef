"""Text in a script none of a brand's fonts has is a warning that names the file, the
field and the characters, never a silent machine font."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import edit, line_of, run

LAKESIDE = "styles/brands/lakeside-infusion"  # Public Sans and Atkinson Hyperlegible: Latin
NORTHFIELD = "styles/brands/northfield-neurology"  # Source Serif 4 and Source Sans 3: and Cyrillic
CIDP = "conditions/cidp.en.yaml"


def _name(project: Path, brand: str, name: str) -> Path:
    toml = project / brand / "brand.toml"
    old = next(line for line in toml.read_text("utf-8").splitlines() if line.startswith("name ="))
    edit(toml, old, f'name = "{name}"')
    return toml


def test_a_greek_clinic_name_on_latin_fonts_is_a_warning_at_its_line(project_copy: Path) -> None:
    toml = _name(project_copy, LAKESIDE, "Κέντρο Έγχυσης Ωμέγα")
    code, output = run(project_copy, "validate")
    assert code == 0, output
    line = line_of(toml, "name =")
    assert (
        f"{LAKESIDE}/brand.toml:{line}:1: warning: clinic.name has Greek characters (Κέντρο"
    ) in output
    assert "no font of brand 'lakeside-infusion' covers (Atkinson Hyperlegible, Public Sans)" in (
        output
    )
    assert "add an @font-face with a font that has them to " in output
    assert f"{LAKESIDE}/brand.css and name it in --font-body and --font-heading" in output
    code, output = run(project_copy, "brands", "--strict")
    assert code == 1
    assert "error: clinic.name has Greek characters" in output


def test_cyrillic_is_a_warning_only_where_the_brand_s_fonts_lack_it(project_copy: Path) -> None:
    _name(project_copy, NORTHFIELD, "Больница Нортфилд")
    _name(project_copy, LAKESIDE, "Центр Лейксайд")
    code, output = run(project_copy, "validate")
    assert code == 0, output
    warned = [line for line in output.splitlines() if "Cyrillic" in line]
    assert len(warned) == 1, warned  # Source Sans 3 and Source Serif 4 have Cyrillic
    assert f"{LAKESIDE}/brand.toml:" in warned[0]


def test_a_translated_field_in_devanagari_names_its_table(project_copy: Path) -> None:
    toml = project_copy / NORTHFIELD / "brand.toml"
    edit(toml, 'department = "Clínica de', 'department = "न्यूरोलॉजी क्लिनिक" # "Clínica de')
    code, output = run(project_copy, "validate")
    assert code == 0, output
    line = line_of(toml, "न्यूरोलॉजी")
    assert f"brand.toml:{line}:1: warning: clinic.es.department has Devanagari characters" in output


def test_content_text_names_the_field_and_every_brand_without_the_font(
    project_copy: Path,
) -> None:
    edit(project_copy / CIDP, 'title: "IVIG for CIDP"', 'title: "IVIG για τη CIDP"')  # noqa: RUF001
    code, output = run(project_copy, "validate")
    assert code == 0, output
    line = line_of(project_copy / CIDP, "title:")
    warned = [line for line in output.splitlines() if "Greek" in line]
    # Lakeside (Latin only) and Maple Grove (Nunito has Greek, Atkinson Hyperlegible not
    # all of it) are named; Northfield's fonts have Greek.
    assert len(warned) == 2, warned
    assert all(f"{CIDP}:{line}:3: warning: patient.title has Greek" in w for w in warned)
    assert "brand 'lakeside-infusion'" in warned[0]
    assert "brand 'maple-childrens'" in warned[1]
    assert not any("northfield" in w for w in warned)


def test_a_font_that_has_the_script_silences_the_warning(project_copy: Path) -> None:
    _name(project_copy, LAKESIDE, "Κέντρο Ωμέγα")
    (project_copy / LAKESIDE / "brand.css").write_text(
        ':root { --font-body: "Source Sans 3", sans-serif; '
        '--font-heading: "Source Serif 4", serif; }\n',
        "utf-8",
    )
    code, output = run(project_copy, "validate")
    assert code == 0, output
    assert "Greek" not in output


@pytest.mark.parametrize("brand", [LAKESIDE, NORTHFIELD])
def test_latin_with_accents_is_no_warning(project_copy: Path, brand: str) -> None:
    # The bundled Spanish content is checked too (every content file is).
    _name(project_copy, brand, "Clínica Pediátrica Señor Muñoz, Güemes")
    code, output = run(project_copy, "validate")
    assert code == 0, output
    assert "characters" not in output, output
