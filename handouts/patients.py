"""Patients for personalized packets: the model, and the rows of a CSV or JSON Lines file.

A packet's first page is one patient's IVIG plan. What the plan says comes from the
clinic's records as written: the product and dose exactly as the prescriber wrote
them (never computed), the appointments, the care team. This module reads and checks
those rows; nothing here renders.

Every value read here is protected health information. It flows to the page and
nowhere else: a problem names the file, the row (its line) and the column (or field),
never the value, and nothing is cached or logged. A bad row is reported and skipped;
the other rows go on.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from handouts.errors import Location, Problem
from handouts.jobs import LANG_PATTERN
from handouts.readers import InputError, read_input

# Limits that keep the plan on one page and the wallet card legible.
MAX_NAME = 60
MAX_NOTE = 400
MAX_APPOINTMENTS = 6
MAX_CARE_TEAM = 4
MAX_INSTRUCTIONS = 5
MAX_TEXT = 160  # a place, a product, a dose, an instruction
MAX_ROWS = 100_000  # rows in one file: a health system's mailing, not more
# The largest patients file read, in KB: 100,000 rows of a few hundred bytes.
MAX_PATIENTS_KB = 64 * 1024
# A packet id the input supplies for file names: opaque, never derived from PHI.
PACKET_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
# What a phone number may be written with: digits, spaces, + ( ) - . and an extension.
PHONE = re.compile(r"^(?P<number>\+?[\d\s().-]+?)(?:\s*(?:ext\.?|x)\s*\d{1,6})?$", re.IGNORECASE)
PHONE_DIGITS = (7, 15)  # ITU-T E.164: at most 15 digits; no real number has fewer than 7
# Characters that have no place in a name or a note: control characters (a tab or a
# newline in a one-line field), bidirectional overrides that would reorder the page's
# text, and the byte-order mark.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")


def _clean(value: str, *, lines: bool = False) -> str:
    """``value``, refused when it holds a control character (a newline only where
    ``lines`` allows several lines)."""
    if _CONTROL.search(value.replace("\n", " ") if lines else value):
        what = "a control" if lines else "a line break, a tab or another control"
        raise ValueError(f"holds {what} or direction-override character")
    return value


# Text that prints: on one line, or (a note) on several.
Line = Annotated[str, AfterValidator(_clean)]
Lines = Annotated[str, AfterValidator(partial(_clean, lines=True))]
Instruction = Annotated[str, StringConstraints(max_length=MAX_TEXT), AfterValidator(_clean)]


def _without_empty(values: list[str]) -> list[str]:
    return [value for value in values if value]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Appointment(_Model):
    date: dt.date
    time: dt.time | None = None
    place: Line = Field(default="", max_length=MAX_TEXT)


class CareTeamMember(_Model):
    name: Line = Field(min_length=1, max_length=MAX_NAME)
    role: Line = Field(default="", max_length=MAX_NAME)
    phone: str = Field(min_length=1, max_length=40)

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        found = PHONE.match(value)
        digits = sum(c.isdigit() for c in found["number"]) if found else 0
        if not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
            raise ValueError(
                f"is not a phone number ({PHONE_DIGITS[0]} to {PHONE_DIGITS[1]} digits, "
                "written with spaces, + ( ) - . and an extension)"
            )
        return value


class Patient(_Model):
    """One patient's plan, as the clinic's records give it."""

    packet_id: str | None = Field(default=None, pattern=PACKET_ID)
    name: Line = Field(min_length=1, max_length=MAX_NAME)  # the name they go by
    condition: Line = Field(min_length=1, max_length=80)  # a condition id, or a code
    lang: str = Field(default="en", pattern=LANG_PATTERN)
    edition: Literal["standard", "large-print"] = "standard"
    brand: str | None = None
    appointments: list[Appointment] = Field(default_factory=list, max_length=MAX_APPOINTMENTS)
    product: Line = Field(default="", max_length=MAX_TEXT)  # as the prescriber wrote it
    dose: Line = Field(default="", max_length=MAX_TEXT)  # as written, never computed
    instructions: Annotated[list[Instruction], AfterValidator(_without_empty)] = Field(
        default_factory=list, max_length=MAX_INSTRUCTIONS
    )
    care_team: list[CareTeamMember] = Field(default_factory=list, max_length=MAX_CARE_TEAM)
    note: Lines = Field(default="", max_length=MAX_NOTE)
    prepared_by: Line = Field(min_length=1, max_length=MAX_NAME)
    prepared_on: dt.date
    password: str | None = Field(default=None, min_length=8, max_length=128)


@dataclass
class PatientRow:
    """One row of the input: its number (1 for the first patient), where it is, and
    the patient it holds, or the problems that keep it out."""

    number: int
    line: int
    patient: Patient | None
    problems: list[Problem] = field(default_factory=list)


def read_patients(path: Path, max_kb: int = MAX_PATIENTS_KB) -> list[PatientRow]:
    """The rows of a CSV (``.csv``) or JSON Lines (``.jsonl``, ``.ndjson``) file. A
    file that cannot be read at all raises InputError; a bad row is returned with its
    problems."""
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".jsonl", ".ndjson"}:
        raise InputError(
            Problem(Location(path), "patients come from a .csv, .jsonl or .ndjson file")
        )
    text = read_input(path, max_kb=max_kb, setting=None)
    rows = list(_csv_rows(path, text) if suffix == ".csv" else _jsonl_rows(path, text))
    if len(rows) > MAX_ROWS:
        raise InputError(
            Problem(Location(path), f"{len(rows)} patients, more than {MAX_ROWS} in one file")
        )
    return rows


def patient_from(
    data: Any,
    where: Location,
    number: int = 1,
    name: Callable[[tuple[Any, ...]], str] | None = None,
) -> PatientRow:
    """One patient from nested data (a JSON object), checked. ``name`` spells a field's
    place in a problem (default ``care_team.0.phone``)."""
    spell = name or _dotted
    if not isinstance(data, dict):
        problem = Problem(where, "a patient is a JSON object")
        return PatientRow(number, where.line, None, [problem])
    try:
        return PatientRow(number, where.line, Patient.model_validate(data))
    except ValidationError as error:
        problems = [
            Problem(where, f"{spell(e['loc'])}: {_message(e)}")
            for e in error.errors(include_input=False, include_url=False)
        ]
        return PatientRow(number, where.line, None, problems)


def _message(error: Any) -> str:
    """Pydantic's words without the value: "Value error, x" becomes "x"."""
    return str(error["msg"]).removeprefix("Value error, ")


def _dotted(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc) or "row"


def _column(loc: tuple[Any, ...]) -> str:
    """``appointments.0.date`` as the CSV column spells it: ``appointment_1_date``."""
    parts = list(loc)
    names = {"appointments": "appointment", "care_team": "care", "instructions": "instruction"}
    if len(parts) >= 2 and parts[0] in names and isinstance(parts[1], int):
        column = f"{names[parts[0]]}_{parts[1] + 1}"
        return "_".join([column, *(str(p) for p in parts[2:])])
    return ".".join(str(p) for p in parts) or "row"


# Numbered CSV columns: appointment_1_date, care_2_phone, instruction_3.
_NUMBERED = re.compile(r"^(appointment|care|instruction)_(\d{1,2})(?:_(\w+))?$")
_LISTS = {"appointment": "appointments", "care": "care_team", "instruction": "instructions"}


def _csv_rows(path: Path, text: str) -> Iterator[PatientRow]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as error:
        raise InputError(Problem(Location(path, 1), f"not CSV: {error}")) from None
    header = [name.strip() for name in header]
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            line = reader.line_num
            yield PatientRow(number + 1, line, None, [Problem(Location(path, line), str(error))])
            number += 1
            continue
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        number += 1
        line = reader.line_num
        yield _csv_row(path, header, cells, number, line)


def _csv_row(path: Path, header: list[str], cells: list[str], number: int, line: int) -> PatientRow:
    if len(cells) != len(header):
        problem = Problem(
            Location(path, line),
            f"row {number} has {len(cells)} cells, the header {len(header)} columns",
        )
        return PatientRow(number, line, None, [problem])
    cells_by_name = dict(zip(header, (cell.strip() for cell in cells), strict=True))
    row = patient_from_columns(cells_by_name, Location(path, line), number)
    columns = {name: index for index, name in enumerate(header, start=1)}
    row.problems = [_at_column(p, columns, number) for p in row.problems]
    return row


def patient_from_columns(cells: dict[str, str], where: Location, number: int = 1) -> PatientRow:
    """One patient from named cells, as a CSV row or the print desk's form has them
    (numbered names: ``appointment_1_date``, ``care_2_phone``, ``instruction_3``);
    empty cells are left out. A problem's message starts with the name at fault."""
    data: dict[str, Any] = {}
    items: dict[tuple[str, int], dict[str, str] | str] = {}
    for name, cell in cells.items():
        cell = cell.strip()
        if not cell:
            continue
        numbered = _NUMBERED.match(name)
        if numbered is None:
            data[name] = cell
        elif numbered[1] == "instruction":
            items[("instruction", int(numbered[2]))] = cell
        else:
            entry = items.setdefault((numbered[1], int(numbered[2])), {})
            if isinstance(entry, dict):
                entry[numbered[3] or ""] = cell
    for (kind, _), value in sorted(items.items(), key=lambda item: (item[0][0], item[0][1])):
        data.setdefault(_LISTS[kind], []).append(value)
    return patient_from(data, where, number, _column)


def _at_column(problem: Problem, columns: dict[str, int], number: int) -> Problem:
    """The problem at its column: ``file:line:column: row 3, column dose: ...``."""
    name, _, message = problem.message.partition(": ")
    column = columns.get(name, 0)
    where = Location(problem.location.path, problem.location.line, column)
    said = f"column {name}" if column else name
    return Problem(where, f"row {number}, {said}: {message}")


def _jsonl_rows(path: Path, text: str) -> Iterator[PatientRow]:
    number = 0
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        number += 1
        where = Location(path, line)
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            # The decoder's message names a position, not the text.
            problem = Problem(Location(path, line, error.colno), f"row {number}: not JSON")
            yield PatientRow(number, line, None, [problem])
            continue
        row = patient_from(data, where, number)
        row.problems = [
            Problem(p.location, f"row {number}, field {p.message}") for p in row.problems
        ]
        yield row
