"""The content model: what a condition file, the shared treatment file and the source
list may contain, and how they combine into what a handout prints.

Files in the conditions folder:

- ``<condition>.<lang>.yaml``: one condition in one language (patient text and the
  clinician summary row).
- ``_treatment.<lang>.yaml``: text shared by every condition (what IVIG is, what to
  expect at an infusion, side effects, when to call, class safety warnings). A
  condition may replace any shared section, or add items to it under ``add:``.
- ``_glossary.<lang>.yaml``: plain-word definitions shared by every condition. A
  handout's "Words to know" box holds each glossary term its text uses.
- ``_sources.yaml``: the evidence the content cites, by stable id.

Adding a condition or a language is adding files; no code changes.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from handouts.jobs import LANG_PATTERN

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
Lang = Annotated[str, StringConstraints(pattern=LANG_PATTERN)]
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

    @model_validator(mode="after")
    def _approval_is_complete(self) -> Review:
        # An approval prints "Reviewed by X on D; next review N": all three must exist.
        if self.status == "approved":
            missing = [
                name for name in ("reviewer", "reviewed", "next_review") if not getattr(self, name)
            ]
            if missing:
                raise ValueError(f"approved content needs {', '.join(missing)}")
        if self.reviewed and self.next_review and self.next_review <= self.reviewed:
            raise ValueError(
                f"next_review ({self.next_review}) must come after reviewed ({self.reviewed})"
            )
        return self

    def overdue(self, today: dt.date) -> bool:
        """Approved text past its next review date."""
        return (
            self.status == "approved" and self.next_review is not None and today > self.next_review
        )


class TranslatedFrom(Strict):
    """Which version of which language a translation says what; when that text changes
    after it, ``validate`` flags the translation as stale."""

    lang: Lang
    version: Text = Field(description="review.version of the text translated.")
    updated: dt.date = Field(description="review.updated of the text translated.")


class Term(Strict):
    term: Text
    means: Text
    forms: list[Text] = Field(
        [], description="Other spellings that count as a use: plurals, 'flare-ups'."
    )

    def words(self) -> list[str]:
        return [self.term, *self.forms]


class GlossaryFile(Strict):
    lang: Lang
    terms: Annotated[list[Term], Field(min_length=1)]
    plain_words: list[Text] = Field(
        [],
        description="Long words readers know (allergic, usually): the audit does not ask "
        "for a definition of these.",
    )


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
    explained: list[Text] = Field(
        [], description="Glossary terms this text explains where it uses them (no box entry)."
    )
    names: list[Text] = Field(
        [], description="Drug and condition names the reading level leaves out."
    )
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


# An ICD-10-CM code (G61.0, M33.10), or an inclusive range of them (M33.10-M33.19).
IcdCode = Annotated[
    str,
    StringConstraints(
        pattern=r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?(-[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?)?$"
    ),
]
SnomedId = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{5,17}$")]


class Codes(Strict):
    """The codes an EHR records this condition under, for mapping its data (a FHIR
    Condition) to this file; a clinic's coder confirms them."""

    icd10cm: list[IcdCode] = []
    snomed: list[SnomedId] = []

    def matches(self, system: str, code: str) -> bool:
        if system == "snomed":
            return code in self.snomed
        for entry in self.icd10cm:
            low, _, high = entry.partition("-")
            if code == low or (high and len(code) == len(low) and low <= code <= high):
                return True
        return False


class ConditionFile(Strict):
    id: Slug
    lang: Lang
    name: Text
    short_name: Text
    order: int = Field(100, description="Row order in the clinician summary (lowest first).")
    codes: Codes | None = None
    review: Review
    translated_from: TranslatedFrom | None = None
    patient: PatientText
    clinician: ClinicianRow


class TreatmentPatient(SharedSections):
    what_it_is: Items
    explained: list[Text] = Field(
        [], description="Glossary terms this text explains where it uses them (no box entry)."
    )
    names: list[Text] = Field(
        [], description="Drug and condition names the reading level leaves out."
    )


class TreatmentClinician(Strict):
    summary_title: Text
    class_safety: Annotated[list[Cited], Field(min_length=1)]
    note: Text | None = None


class TreatmentFile(Strict):
    lang: Lang
    name: Text
    full_name: Text
    review: Review
    translated_from: TranslatedFrom | None = None
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
    translated_from: TranslatedFrom | None = None
    codes: Codes | None = None
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
    names: list[str]
    clinician: ClinicianRow

    @property
    def status(self) -> str:
        """Draft if either the condition or the shared text is still a draft."""
        approved = self.review.status == "approved" and self.treatment_review.status == "approved"
        return "approved" if approved else "draft"

    @property
    def updated(self) -> dt.date:
        return max(self.review.updated, self.treatment_review.updated)


def merge(
    condition: ConditionFile, treatment: TreatmentFile, glossary: GlossaryFile | None
) -> Condition:
    patient = condition.patient
    sections = {}
    for name in SECTION_NAMES:
        own = getattr(patient, name)
        items = list(own if own is not None else getattr(treatment.patient, name))
        items += getattr(patient.add, name) or []
        sections[name] = items
    text = _patient_text(patient, treatment, sections)
    explained = {t.lower() for t in [*patient.explained, *treatment.patient.explained]}
    # A term is boxed where the page uses it; a definition for a word the page never
    # says is clutter, and one the text already explains in place is a repeat.
    terms = [
        t
        for t in (glossary.terms if glossary else [])
        if t.term.lower() not in explained and uses(text, t)
    ]
    names = [condition.name, condition.short_name, treatment.name, treatment.full_name]
    names += [*treatment.patient.names, *patient.names]
    return Condition(
        id=condition.id,
        lang=condition.lang,
        name=condition.name,
        short_name=condition.short_name,
        order=condition.order,
        review=condition.review,
        treatment_review=treatment.review,
        translated_from=condition.translated_from,
        codes=condition.codes,
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
        names=list(dict.fromkeys(names)),
        clinician=condition.clinician,
    )


def _patient_text(
    patient: PatientText, treatment: TreatmentFile, sections: dict[str, list[str]]
) -> str:
    """Every patient sentence of a handout, one per line: where glossary terms are sought."""
    parts = [patient.title, patient.purpose, *patient.about_condition, *patient.how_ivig_helps]
    parts += [*patient.key_points, *treatment.patient.what_it_is]
    for items in sections.values():
        parts += items
    return "\n".join(parts)


def uses(text: str, term: Term) -> bool:
    """Whether ``text`` says the term or one of its forms (or their plural in -s or -es)
    as whole words, in any case."""
    return any(
        re.search(rf"(?<![\w-]){re.escape(word)}(?:s|es)?(?![\w-])", text, re.IGNORECASE)
        for word in term.words()
    )


# A run of letters longer than this counts as one word per this many characters, so
# that text with no spaces (a script written without them, or a pasted blob) is
# bounded like any other.
WORD_CHARS = 20


def word_count(text: str) -> int:
    return sum(-(-len(word) // WORD_CHARS) for word in text.split())


def long_fields(
    data: Any, most: int, here: tuple[str | int, ...] = ()
) -> list[tuple[tuple[str | int, ...], int]]:
    """Each text, or list of texts (a section's items), of a content file's data with
    more than ``most`` words, and its count. Checked on the data as read, before the
    model, so that a file of megabytes fails at once, at the field, rather than after
    every document it feeds has spent its render timeout."""
    if isinstance(data, str):
        count = word_count(data)
        return [(here, count)] if count > most else []
    if isinstance(data, list) and data and all(isinstance(item, str) for item in data):
        count = sum(word_count(item) for item in data)
        return [(here, count)] if count > most else []
    found: list[tuple[tuple[str | int, ...], int]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            found += long_fields(value, most, (*here, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += long_fields(value, most, (*here, index))
    return found
