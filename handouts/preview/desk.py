"""The print desk: one patient's packet from a form, in memory.

The form's fields have the names of the patients CSV's columns (``name``,
``appointment_1_date``, ``care_2_phone``, ...), so a field is checked by the same code
and refused with the same message as that column on the command line. The PDF is made
by the ``PacketMaker`` of ``handouts packets`` and returned as bytes: nothing of the
patient is written to a file, and nothing of the request is logged.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from handouts.errors import HandoutsError, Location
from handouts.patients import MAX_APPOINTMENTS, MAX_CARE_TEAM, MAX_INSTRUCTIONS, Patient

if TYPE_CHECKING:
    from handouts.packets import PacketMaker
    from handouts.project import Project

# Rows the form offers: enough for a course of infusions, never more than a row allows.
APPOINTMENT_ROWS = min(4, MAX_APPOINTMENTS)
CARE_ROWS = min(3, MAX_CARE_TEAM)
INSTRUCTION_ROWS = min(4, MAX_INSTRUCTIONS)
FORM = Location(Path("print desk"))  # where a problem is: the form, never a file


def field_names() -> list[str]:
    """Every field the form sends, in the patients CSV's column names."""
    names = ["condition", "lang", "edition", "brand", "name", "product", "dose", "note"]
    for n in range(1, APPOINTMENT_ROWS + 1):
        names += [f"appointment_{n}_date", f"appointment_{n}_time", f"appointment_{n}_place"]
    names += [f"instruction_{n}" for n in range(1, INSTRUCTION_ROWS + 1)]
    for n in range(1, CARE_ROWS + 1):
        names += [f"care_{n}_name", f"care_{n}_role", f"care_{n}_phone"]
    return [*names, "prepared_by", "prepared_on"]


@dataclass
class Refusal:
    """Why the form was not turned into a packet: one message per field at fault."""

    messages: list[tuple[str, str]] = field(default_factory=list)  # (field, message)

    @property
    def fields(self) -> set[str]:
        return {name for name, _ in self.messages}


class Desk:
    """Packets for the form, one at a time, with the renderer kept warm per brand."""

    def __init__(self) -> None:
        self._makers: dict[tuple[int, str], PacketMaker] = {}
        self._lock = threading.Lock()  # one packet at a time: WeasyPrint is not re-entrant

    def check(self, cells: dict[str, str]) -> Patient | Refusal:
        from handouts.patients import patient_from_columns

        wanted = {name: cells.get(name, "") for name in field_names()}
        row = patient_from_columns(wanted, FORM)
        if row.patient is None:
            refusal = Refusal()
            for problem in row.problems:
                name, _, message = problem.message.partition(": ")
                refusal.messages.append((name, message or problem.message))
            return refusal
        return row.patient

    def pdf(self, project: Project, generation: int, patient: Patient) -> bytes | Refusal:
        """The packet's bytes, or the refusal of the command line (``column x: ...``)."""
        from handouts.packets import PacketError, PacketMaker

        brand = patient.brand or project.default_brands()[0]
        with self._lock:
            key = (generation, brand)
            maker = self._makers.get(key)
            if maker is None:
                # A new load of the project: the layouts of the old one are stale.
                self._makers = {k: v for k, v in self._makers.items() if k[0] == generation}
                maker = self._makers[key] = PacketMaker(project, brand)
            try:
                data, _ = maker.pdf(patient)
            except (PacketError, HandoutsError) as error:
                message = str(error) if isinstance(error, PacketError) else error.format_message()
                name, _, said = message.removeprefix("column ").partition(": ")
                if said and " " not in name:
                    return Refusal([(name, said)])
                return Refusal([("", message)])
        return data
