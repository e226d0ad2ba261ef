"""Patient rows for packets: read from CSV and JSON Lines, checked, and reported by row
and column without ever repeating a value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from handouts.patients import MAX_NOTE, read_patients
from handouts.readers import InputError

HEADER = (
    "packet_id,name,condition,lang,edition,product,dose,prepared_by,prepared_on,"
    "appointment_1_date,appointment_1_time,appointment_1_place,"
    "care_1_name,care_1_role,care_1_phone,instruction_1,note"
)
GOOD = (
    "p-001,Rosa Delgado-Quintero,cidp,es,large-print,Brand X 10%,2 g/kg over 2 days,"
    "RN Lee,2026-12-07,2026-12-09,09:30,Infusion Center Room 4,"
    "Dr. Amara Okafor,Neurologist,(555) 555-0142 ext. 12,Drink water the day before,"
)
# Values that must never appear in a message: the patients' own data.
SECRETS = ["Rosa", "Delgado", "Zebulon", "2026-02-30", "555-01x2", "Okafor", "Quintero"]


def _csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "patients.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", "utf-8")
    return path


def _said(rows: list) -> str:  # type: ignore[type-arg]
    return "\n".join(str(p) for row in rows for p in row.problems)


def test_a_good_csv_row_becomes_a_patient_with_its_lists_in_order(tmp_path: Path) -> None:
    (row,) = read_patients(_csv(tmp_path, GOOD))
    assert row.problems == []
    patient = row.patient
    assert patient is not None
    assert (patient.name, patient.condition, patient.lang, patient.edition) == (
        "Rosa Delgado-Quintero", "cidp", "es", "large-print"
    )  # fmt: skip
    assert patient.dose == "2 g/kg over 2 days"  # as written, never computed
    assert [a.place for a in patient.appointments] == ["Infusion Center Room 4"]
    assert str(patient.appointments[0].time) == "09:30:00"
    assert [(m.name, m.role) for m in patient.care_team] == [("Dr. Amara Okafor", "Neurologist")]
    assert patient.instructions == ["Drink water the day before"]


@pytest.mark.parametrize(
    ("column", "value", "says"),
    [
        ("appointment_1_date", "2026-02-30", "appointment_1_date"),
        ("care_1_phone", "555-01x2", "not a phone number"),
        ("note", "x" * (MAX_NOTE + 1), f"at most {MAX_NOTE} characters"),
        ("name", "Zebulon " * 10, "at most 60 characters"),
        ("edition", "huge", "edition"),
    ],
)
def test_a_bad_row_is_reported_by_row_and_column_without_its_value_and_skipped(
    tmp_path: Path, column: str, value: str, says: str
) -> None:
    cells = dict(zip(HEADER.split(","), GOOD.split(","), strict=True))
    cells[column] = value
    bad = ",".join(cells.values())
    rows = read_patients(_csv(tmp_path, GOOD, bad, GOOD.replace("p-001", "p-003")))
    assert [row.patient is not None for row in rows] == [True, False, True]
    (problem,) = rows[1].problems
    index = HEADER.split(",").index(column) + 1
    assert (problem.location.line, problem.location.column) == (3, index)
    assert f"row 2, column {column}" in problem.message
    assert says in problem.message
    for secret in SECRETS:
        assert secret not in _said(rows)


def test_json_lines_name_the_row_and_the_field(tmp_path: Path) -> None:
    good = {
        "packet_id": "a1",
        "name": "Rosa",
        "condition": "cidp",
        "prepared_by": "RN Lee",
        "prepared_on": "2026-12-07",
        "appointments": [{"date": "2026-12-09", "time": "09:30", "place": "Room 4"}],
        "care_team": [{"name": "Dr. Okafor", "role": "Nurse", "phone": "555-555-0142"}],
    }
    bad = {**good, "care_team": [{"name": "Dr. Okafor", "phone": "555-01x2"}], "shoe_size": 9}
    path = tmp_path / "patients.jsonl"
    path.write_text("\n".join([json.dumps(good), "", json.dumps(bad), "{not json"]) + "\n")
    rows = read_patients(path)
    assert [row.patient is not None for row in rows] == [True, False, False]
    said = _said(rows)
    assert "patients.jsonl:3: error: row 2, field care_team.0.phone: is not a phone number" in said
    assert "row 2, field shoe_size: Extra inputs are not permitted" in said
    assert "patients.jsonl:4:" in said
    assert "row 3: not JSON" in said
    for secret in SECRETS:
        assert secret not in said


def test_names_from_any_script_are_kept_and_direction_overrides_refused(tmp_path: Path) -> None:
    names = ["ليلى حداد", "José 👋", "<b>Ann</b> & Bo"]  # Arabic, an emoji, markup as text
    rows = [GOOD.replace("Rosa Delgado-Quintero", name) for name in names]
    rows.append(GOOD.replace("Rosa Delgado-Quintero", "Ann\u202eBo"))
    read = read_patients(_csv(tmp_path, *rows))
    assert [row.patient.name if row.patient else None for row in read] == [*names, None]
    assert "row 4, column name: holds a line break" in _said(read)


def test_a_file_of_another_kind_or_too_large_is_refused_whole(tmp_path: Path) -> None:
    other = tmp_path / "patients.xlsx"
    other.write_bytes(b"PK")
    with pytest.raises(InputError, match=r"\.csv, \.jsonl"):
        read_patients(other)
    with pytest.raises(InputError):
        read_patients(_csv(tmp_path, *[GOOD] * 50), max_kb=1)


def test_a_fhir_bundle_maps_each_patient_by_its_condition_code() -> None:
    """The example bundle (examples/patients-bundle.json): an ICD-10-CM code, a SNOMED CT
    code, and one no condition file lists (multifocal motor neuropathy: no handout),
    which is an error naming the code but not the patient."""
    import datetime as dt

    from handouts.fhir_patients import read_bundle
    from handouts.packets import condition_for
    from handouts.project import load_project
    from tests.conftest import REPO

    project = load_project(REPO / "handouts.toml")
    rows = read_bundle(
        REPO / "examples" / "patients-bundle.json",
        lambda system, code: condition_for(project, code, system),
        "RN Kim Lee",
        dt.date(2026, 12, 7),
    )
    first, second, third = rows
    assert first.patient is not None
    assert (first.patient.name, first.patient.condition, first.patient.lang) == (
        "Bob Example", "myasthenia-gravis", "en"
    )  # fmt: skip
    assert first.patient.dose == "2 g/kg over 2 to 5 days (as prescribed)"
    assert [(a.date.isoformat(), str(a.time)) for a in first.patient.appointments] == [
        ("2026-12-14", "08:30:00")  # as the appointment states it, not converted
    ]
    assert [m.role for m in first.patient.care_team] == ["Neurologist", "Infusion nurse"]
    assert second.patient is not None
    assert (second.patient.condition, second.patient.lang) == ("systemic-lupus-erythematosus", "es")
    assert third.patient is None
    (problem,) = third.problems
    assert "patient 3, Condition: code G61.82 (icd10cm) is not listed" in problem.message
    assert "Unmapped" not in problem.message


def test_icd_ranges_in_a_condition_file_match_the_codes_within_them() -> None:
    from handouts.content import Codes

    codes = Codes(icd10cm=["M33.10-M33.19", "G61.0"], snomed=["396230008"])
    assert codes.matches("icd10cm", "M33.12")
    assert codes.matches("icd10cm", "G61.0")
    assert not codes.matches("icd10cm", "M33.2")
    assert not codes.matches("icd10cm", "M33.20")
    assert codes.matches("snomed", "396230008")
    assert not codes.matches("snomed", "M33.12")
