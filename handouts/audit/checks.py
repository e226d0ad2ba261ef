"""Checks over the whole content set: review governance, citations and the glossary.

Each returns located problems. Severity follows one rule: "error" is always an error;
a "warning" that ``escalates`` becomes an error under ``--strict``; one that does not
(a missed target, as opposed to a broken limit) stays a warning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from handouts.content import ClinicianRow, Review, TranslatedFrom
from handouts.errors import Location, Problem
from handouts.i18n import SOURCE_LANGUAGE
from handouts.project import Project

REVIEW_MONTHS = 24  # Krames re-reviews its patient education every 24 months


def _review_files(project: Project) -> Iterable[tuple[Path, Review]]:
    for lang, treatment in sorted(project.treatments.items()):
        yield project.treatment_file(lang), treatment.review
    for (lang, cid), condition in sorted(project.conditions.items()):
        yield project.condition_file(lang, cid), condition.review


def review_states(project: Project) -> dict[Path, Review]:
    """Every content file's review, as the report lists them."""
    return dict(_review_files(project))


def check_reviews(project: Project, today: dt.date) -> list[Problem]:
    """Approved text must be current: reviewed after its last change and not overdue."""
    problems = []
    for path, review in _review_files(project):
        if review.status != "approved":
            continue
        assert review.reviewed is not None
        assert review.next_review is not None
        if review.overdue(today):
            problems.append(
                Problem(
                    project.locate(path, ("review", "next_review")),
                    f"approved text is past its next review date ({review.next_review}); "
                    "have it reviewed again",
                    "warning",
                )
            )
        if review.updated > review.reviewed:
            problems.append(
                Problem(
                    project.locate(path, ("review", "updated")),
                    f"the text changed on {review.updated}, after its review on "
                    f"{review.reviewed}; the approval does not cover the change",
                    "warning",
                )
            )
        if review.reviewed > today:
            problems.append(
                Problem(
                    project.locate(path, ("review", "reviewed")),
                    f"review date {review.reviewed} is in the future",
                )
            )
        if _months(review.reviewed, review.next_review) > REVIEW_MONTHS:
            problems.append(
                Problem(
                    project.locate(path, ("review", "next_review")),
                    f"next review is more than {REVIEW_MONTHS} months after the last one",
                    "warning",
                    escalates=False,
                )
            )
    return problems


def check_approved(project: Project, conditions: Iterable[tuple[str, str]]) -> list[Problem]:
    """``require_approved``: each draft among the given conditions, where it says so."""
    problems = []
    for lang, cid in conditions:
        condition = project.conditions[(lang, cid)]
        parts = [
            (project.condition_file(lang, cid), condition.review),
            (project.treatment_file(lang), condition.treatment_review),
        ]
        for path, review in parts:
            if review.status != "approved":
                problems.append(
                    Problem(
                        project.locate(path, ("review", "status")),
                        f"'{cid}' ({lang}) is a draft and require_approved is set; "
                        "a clinical reviewer must approve it before it is printed",
                    )
                )
    return list(dict.fromkeys(problems))  # the shared file is named once


def check_citations(project: Project) -> list[Problem]:
    """Every source in the list is cited somewhere (unknown ids fail when loading)."""
    cited = {s for cell in _cells(project) for s in cell}
    problems = []
    for index, source_id in enumerate(project.sources):
        if source_id not in cited:
            problems.append(
                Problem(
                    project.locate(project.sources_file, ("sources", index, "id")),
                    f"source '{source_id}' is cited by no summary cell; cite it or remove it",
                )
            )
    return problems


def _cells(project: Project) -> Iterable[list[str]]:
    for condition in project.conditions.values():
        for column in ClinicianRow.model_fields:
            yield getattr(condition.clinician, column).sources
    for treatment in project.treatments.values():
        for cited in treatment.clinician.class_safety:
            yield cited.sources


def check_glossaries(project: Project) -> list[Problem]:
    problems: list[Problem] = []
    for lang in project.languages():
        path = project.glossary_file(lang)
        glossary = project.glossaries.get(lang)
        if glossary is None:
            problems.append(
                Problem(
                    Location(path),
                    f"no glossary for '{lang}': handouts print no 'Words to know' box",
                    "warning",
                )
            )
            continue
        seen: dict[str, str] = {}
        for index, term in enumerate(glossary.terms):
            for word in term.words():
                if word.lower() in seen:
                    problems.append(
                        Problem(
                            project.locate(path, ("terms", index)),
                            f"'{word}' is defined twice (also under '{seen[word.lower()]}')",
                        )
                    )
                seen[word.lower()] = term.term
        problems += _check_explained(project, lang, seen)
    return problems


def _check_explained(project: Project, lang: str, defined: dict[str, str]) -> list[Problem]:
    """Terms a file says it explains in place must be glossary terms."""
    problems = []
    for _path, source in sorted(project.documents.items()):
        data = source.data if isinstance(source.data, dict) else {}
        patient = data.get("patient")
        if data.get("lang") != lang or not isinstance(patient, dict):
            continue
        for index, name in enumerate(patient.get("explained") or []):
            if isinstance(name, str) and name.lower() not in defined:
                problems.append(
                    Problem(
                        source.locate(("patient", "explained", index)),
                        f"'{name}' is listed as explained, but the glossary does not define it",
                    )
                )
    return problems


def _months(start: dt.date, end: dt.date) -> float:
    return (end.year - start.year) * 12 + (end.month - start.month) + (end.day - start.day) / 31


def check_translations(project: Project) -> list[Problem]:
    """A translation must say which English text it translates (``translated_from``),
    and is stale once that text has changed: a new version or a later date."""
    return [problem for _kind, problem in translation_findings(project)]


def translation_findings(project: Project) -> list[tuple[str, Problem]]:
    """Each translation that is "stale" or "untracked" (does not say what it translates,
    so whether it is stale cannot be known), with its problem."""
    problems: list[tuple[str, Problem]] = []
    pairs: list[tuple[Path, Review | None, TranslatedFrom | None]] = []
    for (lang, cid), condition in sorted(project.conditions.items()):
        if lang == SOURCE_LANGUAGE:
            continue
        source = project.conditions.get((SOURCE_LANGUAGE, cid))
        pairs.append(
            (project.condition_file(lang, cid), source.review if source else None,
             condition.translated_from)
        )  # fmt: skip
    for lang, treatment in sorted(project.treatments.items()):
        if lang == SOURCE_LANGUAGE:
            continue
        english = project.treatments.get(SOURCE_LANGUAGE)
        pairs.append(
            (project.treatment_file(lang), english.review if english else None,
             treatment.translated_from)
        )  # fmt: skip
    for path, original, said in pairs:
        if original is None:
            continue  # written in this language first: nothing to be stale against
        if said is None:
            where = project.locate(path, ("lang",))
            problems.append(
                (
                    "untracked",
                    Problem(
                        where,
                        "does not say which English text it translates: add translated_from "
                        "(lang, version, updated) so a change to the English shows here",
                        "warning",
                    ),
                )
            )
        elif (said.version, said.updated) != (original.version, original.updated):
            where = project.locate(path, ("translated_from",))
            problems.append(
                (
                    "stale",
                    Problem(
                        where,
                        f"stale translation: it translates the English version {said.version} of "
                        f"{said.updated}, but the English is now version {original.version} of "
                        f"{original.updated}; update the translation, then translated_from",
                        "warning",
                        escalates=True,
                    ),
                )
            )
    return problems
