"""The content model: what a condition file, the shared treatment file and the source
list may contain, and how they combine into what a handout prints.

Files in the conditions folder:

- ``<condition>.<lang>.yaml``: one condition in one language (patient text and the
  clinician summary row).
- ``_treatment.<lang>.yaml``: text shared by every condition (what IVIG is, what to
  expect at an infusion, side effects, when to call, class safety warnings). A
  condition may replace any shared section, or add items to it under ``add:``.
- ``_sources.yaml``: the evidence the content cites, by stable id.

Adding a condition or a language is adding files; no code changes.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
Lang = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]
Items = Annotated[list[Text], Field(min_length=1)]


class Strict(BaseModel):
    # Unknown fields are mistakes (a typo would silently drop text from the page).
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class Review(Strict):
    """Clinical review state; printed on every page."""

    status: Literal["draft", "approved"]
    reviewer: Text | None = None
    reviewed: dt.date | None = None
    next_review: dt.date | None = None
    version: Text
    updated: dt.date = Field(description="Date the text last changed; dates the PDF.")


class Term(Strict):
    term: Text
    means: Text


class Cited(Strict):
    """A statement in the clinician summary and the sources it rests on."""

    text: Text
    sources: Annotated[list[Slug], Field(min_length=1)]


class SharedSections(Strict):
    """Patient sections every condition has; defaults come from the treatment file."""

    before: Items
    during: Items
    after: Items
    side_effects_common: Items
    side_effects_serious: Items
    call_care_team: Items
    call_emergency: Items
    questions: Items


class OptionalSections(Strict):
    """The same sections in a condition file: each optional, replacing the shared one."""

    before: Items | None = None
    during: Items | None = None
    after: Items | None = None
    side_effects_common: Items | None = None
    side_effects_serious: Items | None = None
    call_care_team: Items | None = None
    call_emergency: Items | None = None
    questions: Items | None = None


class PatientText(OptionalSections):
    title: Text
    purpose: Text = Field(description="One or two sentences: who this is for and why.")
    about_condition: Items
    how_ivig_helps: Items
    key_points: Items
    terms: list[Term] = []
    add: OptionalSections = Field(
        default_factory=OptionalSections,
        description="Items added after the shared items of a section.",
    )


class ClinicianRow(Strict):
    role: Cited
    regimen: Cited
    evidence: Cited
    label: Cited
    monitoring: Cited


class ConditionFile(Strict):
    id: Slug
    lang: Lang
    name: Text
    short_name: Text
    order: int = Field(100, description="Row order in the clinician summary (lowest first).")
    review: Review
    patient: PatientText
    clinician: ClinicianRow


class TreatmentPatient(SharedSections):
    what_it_is: Items
    terms: list[Term] = []


class TreatmentClinician(Strict):
    summary_title: Text
    class_safety: Annotated[list[Cited], Field(min_length=1)]
    note: Text | None = None


class TreatmentFile(Strict):
    lang: Lang
    name: Text
    full_name: Text
    review: Review
    patient: TreatmentPatient
    clinician: TreatmentClinician


class Source(Strict):
    id: Slug
    citation: Text
    short: Text | None = Field(None, description="Short form printed in the summary's footnotes.")


class SourcesFile(Strict):
    sources: Annotated[list[Source], Field(min_length=1)]


SECTION_NAMES = tuple(SharedSections.model_fields)


class Condition(BaseModel):
    """One condition in one language, with the shared text merged in: what prints."""

    model_config = ConfigDict(frozen=True)

    id: str
    lang: str
    name: str
    short_name: str
    order: int
    review: Review
    treatment_review: Review
    title: str
    purpose: str
    about_condition: list[str]
    how_ivig_helps: list[str]
    what_ivig_is: list[str]
    treatment_name: str
    treatment_full_name: str
    sections: SharedSections
    key_points: list[str]
    terms: list[Term]
    clinician: ClinicianRow

    @property
    def status(self) -> str:
        """Draft if either the condition or the shared text is still a draft."""
        approved = self.review.status == "approved" and self.treatment_review.status == "approved"
        return "approved" if approved else "draft"

    @property
    def updated(self) -> dt.date:
        return max(self.review.updated, self.treatment_review.updated)


def merge(condition: ConditionFile, treatment: TreatmentFile) -> Condition:
    patient = condition.patient
    sections = {}
    for name in SECTION_NAMES:
        own = getattr(patient, name)
        items = list(own if own is not None else getattr(treatment.patient, name))
        items += getattr(patient.add, name) or []
        sections[name] = items
    # A shared term is printed only where the handout uses it: a glossary entry for a
    # word the page never says is clutter. The condition's own terms always print.
    text = _patient_text(patient, treatment, sections).lower()
    own_terms = {t.term.lower() for t in patient.terms}
    shared = [
        t
        for t in treatment.patient.terms
        if t.term.lower() not in own_terms and _uses(text, t.term.lower())
    ]
    terms = list(patient.terms) + shared
    return Condition(
        id=condition.id,
        lang=condition.lang,
        name=condition.name,
        short_name=condition.short_name,
        order=condition.order,
        review=condition.review,
        treatment_review=treatment.review,
        title=patient.title,
        purpose=patient.purpose,
        about_condition=list(patient.about_condition),
        how_ivig_helps=list(patient.how_ivig_helps),
        what_ivig_is=list(treatment.patient.what_it_is),
        treatment_name=treatment.name,
        treatment_full_name=treatment.full_name,
        sections=SharedSections(**sections),
        key_points=list(patient.key_points),
        terms=sorted(terms, key=lambda t: t.term.lower()),
        clinician=condition.clinician,
    )


def _patient_text(
    patient: PatientText, treatment: TreatmentFile, sections: dict[str, list[str]]
) -> str:
    parts = [patient.title, patient.purpose, *patient.about_condition, *patient.how_ivig_helps]
    parts += [*patient.key_points, *treatment.patient.what_it_is]
    for items in sections.values():
        parts += items
    return "\n".join(parts)


def _uses(text: str, term: str) -> bool:
    """Whether ``term`` (or its plural) appears as a whole word in ``text``."""
    return re.search(rf"\b{re.escape(term)}(s|es)?\b", text) is not None
