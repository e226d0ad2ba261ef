"""Patients for packets from a FHIR R4 Bundle (JSON), read with the fhir.resources models.

Each Patient in the bundle is one packet. What its plan says comes from the resources
that point at it (``subject`` or an Appointment participant): the Condition whose code
one of the condition files lists (ICD-10-CM or SNOMED CT), the MedicationRequest's
medication and dosage text (as the prescriber wrote it), the Appointments' start and
place, the CareTeam's members and roles with the team's phone. Who prepared the
packets, and when, is not in the data: the command is told.

The models are fhir.resources' R4B (the FHIR 4.3 release of R4, the same shapes for
these resources). As with the other readers, a problem names the patient's position
in the bundle and the resource, never a value; an unmapped code is named, since a code
says what to add to a condition file and not whom it is about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from handouts.errors import Location, Problem
from handouts.patients import MAX_PATIENTS_KB, PatientRow, patient_from
from handouts.readers import InputError, read_input

SYSTEMS = {
    "http://hl7.org/fhir/sid/icd-10-cm": "icd10cm",
    "http://snomed.info/sct": "snomed",
}
# Which of a patient's names is the one they go by, first found wins.
NAME_USES = ("usual", "nickname", "official", None)

ConditionLookup = Callable[[str, str], str | None]  # (system, code) -> condition id


def read_bundle(
    path: Path,
    condition_for: ConditionLookup,
    prepared_by: str,
    prepared_on: dt.date,
    max_kb: int = MAX_PATIENTS_KB,
    edition: str = "standard",
) -> list[PatientRow]:
    """One row per Patient of the bundle at ``path``, in bundle order, in ``edition``
    (FHIR has no element for it)."""
    from fhir.resources.R4B.bundle import Bundle  # about 0.15 s: only for this command

    text = read_input(path, max_kb=max_kb, setting=None)
    try:
        bundle = Bundle.model_validate_json(text)
    except ValidationError as error:
        first = error.errors(include_input=False, include_url=False)[0]
        field = ".".join(str(part) for part in first["loc"]) or "the document"
        message = f"not a FHIR R4 Bundle: {field}: {first['msg']}"
        raise InputError(Problem(Location(path), message)) from None
    resources = [entry.resource for entry in bundle.entry or [] if entry.resource is not None]
    patients = [r for r in resources if r.get_resource_type() == "Patient"]
    rows = []
    for number, patient in enumerate(patients, start=1):
        reference = f"Patient/{patient.id}"
        mine = [r for r in resources if _points_at(r, reference)]
        data, problems = _patient_data(patient, mine, condition_for)
        data.update(prepared_by=prepared_by, prepared_on=prepared_on.isoformat(), edition=edition)
        where = Location(path)
        if problems:
            said = [Problem(where, f"patient {number}, {problem}") for problem in problems]
            rows.append(PatientRow(number, 0, None, said))
            continue
        row = patient_from(data, where, number)
        row.problems = [
            Problem(where, f"patient {number}, field {p.message}") for p in row.problems
        ]
        rows.append(row)
    return rows


def _points_at(resource: Any, reference: str) -> bool:
    subject = getattr(resource, "subject", None)
    if subject is not None and subject.reference == reference:
        return True
    for participant in getattr(resource, "participant", None) or []:
        actor = getattr(participant, "actor", None)
        if actor is not None and actor.reference == reference:
            return True
    return False


def _patient_data(
    patient: Any, resources: list[Any], condition_for: ConditionLookup
) -> tuple[dict[str, Any], list[str]]:
    problems: list[str] = []
    data: dict[str, Any] = {"name": _name(patient), "lang": _language(patient)}
    kinds: dict[str, list[Any]] = {}
    for resource in resources:
        kinds.setdefault(resource.get_resource_type(), []).append(resource)
    condition = None
    for found in kinds.get("Condition", []):
        for coding in (found.code.coding if found.code else None) or []:
            system = SYSTEMS.get(coding.system or "")
            if system is None or not coding.code:
                continue
            condition = condition_for(system, coding.code)
            if condition is None:
                problems.append(
                    f"Condition: code {coding.code} ({system}) is not listed by any condition "
                    "file (codes: in the condition's .yaml)"
                )
        if condition is not None:
            break
    if condition is None and not problems:
        problems.append("no Condition with an ICD-10-CM or SNOMED CT code")
    data["condition"] = condition or ""
    for request in kinds.get("MedicationRequest", [])[:1]:
        medication = request.medicationCodeableConcept
        if medication is not None:
            coded = (medication.coding or [None])[0]
            data["product"] = medication.text or (coded.display if coded else "") or ""
        dosage = (request.dosageInstruction or [None])[0]
        if dosage is not None and dosage.text:
            data["dose"] = dosage.text
    data["appointments"] = [_appointment(a) for a in kinds.get("Appointment", []) if a.start]
    team = kinds.get("CareTeam", [])
    if team:
        data["care_team"] = _care_team(team[0])
    return data, problems


def _name(patient: Any) -> str:
    names = patient.name or []
    for use in NAME_USES:
        for name in names:
            if name.use == use or use is None:
                if name.text:
                    return str(name.text)
                return " ".join([*(name.given or [])[:1], *([name.family] if name.family else [])])
    return ""


def _language(patient: Any) -> str:
    """The preferred language's code, without its region (es-MX prints in es)."""
    chosen = None
    for communication in patient.communication or []:
        if chosen is None or communication.preferred:
            chosen = communication
    for coding in (chosen.language.coding if chosen else None) or []:
        if coding.code:
            return str(coding.code).split("-")[0].lower()
    return "en"


def _appointment(appointment: Any) -> dict[str, str]:
    """Date and time as the appointment states them (its own offset, not the server's)."""
    start: dt.datetime = appointment.start
    place = appointment.description or ""
    for participant in appointment.participant or []:
        actor = participant.actor
        if actor is not None and (actor.reference or "").startswith("Location/"):
            place = actor.display or place
    return {"date": start.date().isoformat(), "time": start.strftime("%H:%M"), "place": place}


def _care_team(team: Any) -> list[dict[str, str]]:
    phones = [t.value for t in team.telecom or [] if t.system == "phone" and t.value]
    members = []
    for participant in team.participant or []:
        member = participant.member
        if member is None or not member.display:
            continue
        role = (participant.role or [None])[0]
        coded = (role.coding or [None])[0] if role else None
        members.append(
            {
                "name": member.display,
                "role": (role.text if role else None) or (coded.display if coded else "") or "",
                "phone": phones[0] if phones else "",
            }
        )
    return members
