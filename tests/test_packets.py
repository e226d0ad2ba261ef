"""Personalized packets: the plan page and the condition's handout in one tagged PDF,
and no trace of the patient anywhere but on the page."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from handouts.cli import cli
from handouts.errors import Location
from handouts.output import TEMP_PREFIX
from tests.conftest import BRAND, REPO

PATIENTS = [
    {
        "name": "Philomena Quarrington",
        "condition": "cidp",
        "prepared_by": "RN Kim Lee",
        "prepared_on": "2026-12-07",
        "product": "Gamunex-C 10%",
        "dose": "2 g/kg over 2 days",
        "appointments": [{"date": "2026-12-09", "time": "09:30", "place": "Room 4"}],
        "care_team": [
            {"name": "Dr. Ozymandias Vale", "role": "Neurologist", "phone": "(555) 555-0142"}
        ],
        "instructions": ["Drink plenty of water the day before."],
        "note": "Bring a book. Ask for Marisol at the desk.",
    },
    {
        "packet_id": "mrn-free-7",
        "name": "Bartholomew Zyskowski",
        "condition": "kawasaki-disease",
        "lang": "es",
        "edition": "large-print",
        "prepared_by": "Enf. Ana Ruiz",
        "prepared_on": "2026-12-07",
        "dose": "2 g/kg una vez",
    },
    {
        "packet_id": "locked-1",
        "name": "Leopoldina Ferncastle",
        "condition": "G61.0",  # an ICD-10-CM code a condition file lists: GBS
        "prepared_by": "RN Kim Lee",
        "prepared_on": "2026-12-07",
        "password": "correct horse battery",
    },
    # Bad: an impossible date. Reported by row and field, and skipped.
    {
        "name": "Xanthippe Oduya",
        "condition": "cidp",
        "prepared_by": "RN Kim Lee",
        "prepared_on": "2026-02-30",
    },
]
# What must never appear outside the page text: names, the note's name, the bad row's.
SECRETS = [
    "Philomena",
    "Quarrington",
    "Ozymandias",
    "Marisol",
    "Bartholomew",
    "Zyskowski",
    "Xanthippe",
    "Oduya",
    "2026-02-30",
    "Leopoldina",
    "Ferncastle",
    "correct horse",
]


def _invoke(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--config", str(REPO / "handouts.toml"), *args], input=stdin)
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def packets(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    folder = tmp_path_factory.mktemp("packets")
    source = folder / "patients.jsonl"
    source.write_text("\n".join(json.dumps(p) for p in PATIENTS) + "\n", "utf-8")
    code, output = _invoke("packets", str(source), "--brand", BRAND, "--out", str(folder / "out"))
    return folder / "out", code, output


def test_each_good_row_makes_a_packet_and_a_bad_row_is_reported_and_skipped(
    packets: tuple[Path, int, str],
) -> None:
    out, code, output = packets
    assert code == 1  # a row was skipped
    assert "row 4, field prepared_on:" in output
    assert "made 3 packets, 1 row skipped" in output
    folder = out / "packets"
    assert sorted(p.name for p in folder.iterdir()) == [
        "packet-00001.pdf", "packet-locked-1.pdf", "packet-mrn-free-7.pdf"
    ]  # fmt: skip
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for pdf in folder.iterdir():
        assert stat.S_IMODE(pdf.stat().st_mode) == 0o600


def test_a_packet_is_the_plan_then_the_handout_tagged_and_in_reading_order(
    packets: tuple[Path, int, str],
) -> None:
    reader = PdfReader(packets[0] / "packets" / "packet-00001.pdf")
    assert len(reader.pages) == 3  # the plan, then the two-page handout
    first = " ".join(reader.pages[0].extract_text().split())
    assert first.index("My IVIG plan") < first.index("Philomena Quarrington")
    assert first.index("Philomena Quarrington") < first.index("2 g/kg over 2 days")
    assert "I receive IVIG" in first  # the wallet card
    second = " ".join(reader.pages[1].extract_text().split())
    assert "IVIG for CIDP" in second
    # One structure tree over every page: each page is in the tag tree.
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert [page.get("/StructParents") for page in reader.pages] == [0, 1, 2]
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    spanish = PdfReader(packets[0] / "packets" / "packet-mrn-free-7.pdf")
    assert "Mi plan de IVIG" in spanish.pages[0].extract_text()


def test_nothing_personal_outside_the_page_text(packets: tuple[Path, int, str]) -> None:
    """File names, the command's output, the PDF's metadata and its raw bytes (text
    streams are compressed: a name readable in the raw file would be in metadata or
    tags) hold none of the patients' values."""
    out, _, output = packets
    written = list(out.rglob("*"))
    for secret in SECRETS:
        assert secret not in output
        for path in written:
            assert secret not in path.name
            if path.is_file():
                data = path.read_bytes()
                assert secret.encode() not in data
                assert secret.encode("utf-16-be") not in data
        for path in written:
            if path.suffix == ".pdf":
                reader = PdfReader(path)
                if reader.is_encrypted:
                    reader.decrypt("correct horse battery")
                metadata = reader.metadata or {}
                assert not any(secret in str(value) for value in metadata.values())
    assert not [p for p in written if p.name.startswith(TEMP_PREFIX)]


def test_two_runs_give_the_same_bytes_and_one_packet_goes_to_standard_output(
    packets: tuple[Path, int, str], tmp_path: Path
) -> None:
    """At the point of care: one patient as JSON on standard input, the PDF on standard
    output (for lp), the same bytes as the file made from the same row, nothing on disk."""
    temporary = tmp_path / "tmp"  # where the process makes its temporary files
    temporary.mkdir()
    env = {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(temporary)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "handouts",
            "--config",
            str(REPO / "handouts.toml"),
            "packets",
            "--one",
            "-",
            "--brand",
            BRAND,
        ],
        input=json.dumps(PATIENTS[0]).encode(),
        capture_output=True,
        cwd=tmp_path,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == (packets[0] / "packets" / "packet-00001.pdf").read_bytes()
    assert done.stderr == b""
    assert list(tmp_path.iterdir()) == [temporary]
    for leftover in temporary.rglob("*"):  # fonts WeasyPrint hands Fontconfig, at most
        if leftover.is_file():
            assert b"Philomena" not in leftover.read_bytes()


def test_a_packet_with_a_password_opens_only_with_it_and_stays_accessible(
    packets: tuple[Path, int, str],
) -> None:
    reader = PdfReader(packets[0] / "packets" / "packet-locked-1.pdf")
    assert reader.is_encrypted
    assert reader.decrypt("wrong password") == 0
    assert reader.decrypt("correct horse battery") != 0
    encrypt = reader.trailer["/Encrypt"]
    assert (encrypt["/V"], encrypt["/R"]) == (5, 6)
    assert encrypt["/CF"]["/StdCF"]["/CFM"] == "/AESV3"  # AES-256
    permissions = int(encrypt["/P"])
    assert permissions & 512  # extraction for accessibility (screen readers)
    assert permissions & 4  # printing
    assert not permissions & 8  # no changes
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Leopoldina Ferncastle" in text
    assert "Guillain-Barré syndrome" in text  # mapped from its ICD-10-CM code


def test_hostile_names_print_as_text_or_fail_their_row_clearly(tmp_path: Path) -> None:
    """Markup prints as the characters typed; an emoji or a script the brand's fonts
    cannot draw fails its row (it would print as boxes or in a stray font), named by
    kind, not by value; a name longer than the page allows fails its row."""
    base = {"condition": "cidp", "prepared_by": "RN Kim Lee", "prepared_on": "2026-12-07"}
    names = ["<b>Ann</b> & <script>x</script>", "Jos\u00e9 \U0001f44b", "\u0644\u064a\u0644\u0649",
             "Quintessa " * 30]  # fmt: skip
    source = tmp_path / "hostile.jsonl"
    source.write_text("\n".join(json.dumps({**base, "name": n}) for n in names) + "\n")
    code, output = _invoke("packets", str(source), "--brand", BRAND, "--out", str(tmp_path / "o"))
    assert code == 1
    assert "row 2, column name: 1 character(s), symbols or emoji, that the fonts" in output
    assert "row 3, column name: 4 character(s), Arabic letters, that the fonts" in output
    assert "row 4, field name: String should have at most 60 characters" in output
    assert "made 1 packet, 3 rows skipped" in output
    assert "Quintessa" not in output
    assert "\U0001f44b" not in output
    text = PdfReader(tmp_path / "o" / "packets" / "packet-00001.pdf").pages[0].extract_text()
    assert "<b>Ann</b> & <script>x</script>" in " ".join(text.split())


def test_file_names_carry_the_patient_only_when_asked_by_name() -> None:
    from handouts.packets import check_name_pattern, packet_name
    from handouts.patients import patient_from

    row = patient_from({**PATIENTS[0], "packet_id": "a-1"}, Location(Path("p.jsonl")), 7)
    assert packet_name(row) == "packet-a-1.pdf"
    assert packet_name(row, "{row}-{condition}-{lang}") == "00007-cidp-en.pdf"
    assert check_name_pattern("{row}-{condition}", phi_allowed=False) == []
    with pytest.raises(ValueError, match=r"add --phi-in-names"):
        check_name_pattern("{name}", phi_allowed=False)
    assert check_name_pattern("{row}-{name}", phi_allowed=True) == ["name"]
    assert packet_name(row, "{name}") == "Philomena-Quarrington.pdf"
    with pytest.raises(ValueError, match=r"no field \{dob\}"):
        check_name_pattern("{dob}", phi_allowed=True)
    with pytest.raises(ValueError, match="the same name"):
        check_name_pattern("packet", phi_allowed=False)


def test_the_plan_page_has_the_paper_size_of_the_handout_after_it(tmp_path: Path) -> None:
    """A clinic printing on A4 gets an A4 plan page, not a Letter one before A4 pages."""
    from handouts.packets import PacketMaker
    from handouts.patients import Patient
    from handouts.project import load_project
    from tests.conftest import copy_project

    project = load_project(copy_project(tmp_path, paper='"a4"') / "handouts.toml")
    data, _pages = PacketMaker(project, BRAND).pdf(Patient.model_validate(PATIENTS[0]))
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height)))
             for p in PdfReader(io.BytesIO(data)).pages}  # fmt: skip
    assert sizes == {(595, 842)}  # A4 in points, every page
