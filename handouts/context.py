"""The values each template receives: one plain dict per document.

Templates only format; every decision about what a page says (status line, citation
numbers, section order) is made here, where it can be tested without rendering.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handouts import __version__
from handouts.brand import Brand, web_label
from handouts.content import ClinicianRow, Condition, Review, TreatmentFile
from handouts.graphics import qr_code
from handouts.i18n import ENGLISH, N_, Translate, language_name, long_date, text_direction
from handouts.jobs import Job
from handouts.project import Project
from handouts.summary_layout import (
    BOLD,
    PLAN_SIZE_PT,
    PLAN_WIDTH_PT,
    Cell,
    Measure,
    measure_for,
    percentages,
    plan_table,
    safety_runs,
)
from handouts.tokens import body_family

AssetUrl = Callable[[Path], str]


def document_date(updated: dt.date) -> str:
    """The date a PDF records: SOURCE_DATE_EPOCH when set, else the content's own date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        stamp = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{updated.isoformat()}T00:00:00Z"


@dataclass(frozen=True)
class Status:
    kind: str  # "draft" or "approved"
    text: str


def status_line(reviews: Iterable[Review], lang: str = "en", _: Translate = ENGLISH) -> Status:
    """The review line printed on every page. Draft wins: one draft part makes a draft."""
    reviews = list(reviews)
    version = " + ".join(dict.fromkeys(r.version for r in reviews))
    updated = long_date(max(r.updated for r in reviews), lang)
    drafts = [r for r in reviews if r.status == "draft"]
    if drafts:
        return Status(
            "draft",
            _(
                "Not yet approved by a clinical reviewer. Version %(version)s, updated %(date)s.",
                version=version,
                date=updated,
            ),
        )
    reviewers = ", ".join(dict.fromkeys(r.reviewer or _("clinical reviewer") for r in reviews))
    reviewed = max((r.reviewed for r in reviews if r.reviewed), default=None)
    next_due = min((r.next_review for r in reviews if r.next_review), default=None)
    parts = [_("Reviewed by %(names)s", names=reviewers)]
    if reviewed:
        parts[0] = _(
            "Reviewed by %(names)s on %(date)s", names=reviewers, date=long_date(reviewed, lang)
        )
    if next_due:
        parts.append(_("next review %(date)s", date=long_date(next_due, lang)))
    parts.append(_("version %(version)s", version=version))
    return Status("approved", "; ".join(parts) + ".")


def doc_meta(
    *,
    lang: str,
    title: str,
    subject: str,
    brand: Brand,
    keywords: list[str],
    updated: dt.date,
    links: list[str],
) -> dict[str, Any]:
    """What base.html.j2 puts in the head, and WeasyPrint in the PDF's metadata."""
    return {
        "lang": lang,
        "dir": text_direction(lang),
        "title": title,
        "subject": subject,
        "author": brand.clinic.in_language(lang).name,
        "keywords": keywords,
        "generator": f"handouts {__version__}",
        "date": document_date(updated),
        "stylesheet_links": links,
    }


def handout_context(
    condition: Condition,
    brand: Brand,
    asset_url: AssetUrl,
    links: list[str] | None = None,
    edition: str = "standard",
    _: Translate = ENGLISH,
    fallback: dict[str, str] | None = None,
) -> dict[str, Any]:
    """``fallback``: the notice of a handout printed in another language than asked."""
    c = condition
    url = brand.clinic.handout_url(c.id, c.lang, brand.name)
    # No online address, no QR code: the printed page is complete on its own.
    label = _("QR code: this handout online at %(address)s", address=web_label(url or ""))
    qr = qr_code(url, label) if url else None
    steps = [
        {"heading": _("Before your infusion"), "items": c.sections.before},
        {"heading": _("During your infusion"), "items": c.sections.during},
        {"heading": _("After your infusion"), "items": c.sections.after},
    ]
    return {
        "doc": doc_meta(
            lang=c.lang,
            title=c.title,
            subject=_(
                "Patient handout: %(treatment)s (%(short)s) for %(condition)s",
                treatment=c.treatment_full_name,
                short=c.treatment_name,
                condition=c.name,
            ),
            brand=brand,
            keywords=[
                c.name,
                c.short_name,
                c.treatment_name,
                c.treatment_full_name,
                _("patient education"),
            ],
            updated=c.updated,
            links=links or [],
        ),
        "c": c,
        "steps": steps,
        "clinic": brand.clinic.in_language(c.lang),
        "logo_url": asset_url(brand.logo_path),
        "status": status_line([c.review, c.treatment_review], c.lang, _),
        "qr": qr,
        "qr_column": qr_column(c),
        "edition": edition,
        "brand_name": brand.name,
        "fallback": fallback,
    }


# Characters of text the write-in block ("My other questions:" and two lines) takes.
WRITE_IN_CHARS = 140


def qr_column(c: Condition) -> str:
    """Which column of the last row gets the QR code: the one with less text, so the
    code fills space that would be empty. Measured in characters, a close enough proxy
    for height when both columns have the same width and type."""
    questions = sum(len(q) for q in c.sections.questions) + WRITE_IN_CHARS
    terms = sum(len(t.term) + len(t.means) + 2 for t in c.terms)
    return "questions" if questions <= terms else "terms"


def cite_numbers(cited_lists: Iterable[list[str]]) -> dict[str, int]:
    """Number sources in order of first citation, as footnotes are read."""
    numbers: dict[str, int] = {}
    for cited in cited_lists:
        for source_id in cited:
            numbers.setdefault(source_id, len(numbers) + 1)
    return numbers


def cite_label(cited: list[str], numbers: dict[str, int]) -> str:
    """ "1, 3-5": sorted footnote numbers, runs of three or more joined with a dash."""
    values = sorted({numbers[s] for s in cited})
    runs: list[list[int]] = []
    for value in values:
        if runs and value == runs[-1][-1] + 1:
            runs[-1].append(value)
        else:
            runs.append([value])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{run[0]}\u2013{run[-1]}")
        else:
            parts.extend(str(v) for v in run)
    return ",".join(parts)


# The summary's columns are the clinician row's fields (content.py), in their order;
# here only their headings.
COLUMN_HEADINGS = {
    "role": N_("IVIG role"),
    "regimen": N_("Usual regimen"),
    "evidence": N_("Guideline and evidence"),
    "label": N_("US label status"),
    "monitoring": N_("Key monitoring (besides class warnings)"),
}
SUMMARY_COLUMNS = tuple((key, COLUMN_HEADINGS[key]) for key in ClinicianRow.model_fields)


def summary_context(
    project: Project,
    lang: str,
    conditions: list[Condition],
    brand: Brand,
    asset_url: AssetUrl,
    links: list[str] | None = None,
    _: Translate = ENGLISH,
) -> dict[str, Any]:
    treatment: TreatmentFile = project.treatments[lang]
    cited: list[list[str]] = []
    for condition in conditions:
        cited += [getattr(condition.clinician, key).sources for key, _label in SUMMARY_COLUMNS]
    cited += [item.sources for item in treatment.clinician.class_safety]
    numbers = cite_numbers(cited)

    rows = []
    for condition in conditions:
        cells = []
        for key, _label in SUMMARY_COLUMNS:
            cell = getattr(condition.clinician, key)
            cells.append({"key": key, "text": cell.text, "cite": cite_label(cell.sources, numbers)})
        # A borrowed row (fallback_language) is marked, and read in its language.
        borrowed = condition.lang != lang
        rows.append(
            {
                "name": condition.name,
                "short_name": condition.short_name,
                "cells": cells,
                "lang": condition.lang if borrowed else None,
                "language": language_name(condition.lang, lang) if borrowed else None,
            }
        )
    columns = [_(label) for _key, label in SUMMARY_COLUMNS]
    safety = [
        {"text": item.text, "cite": cite_label(item.sources, numbers)}
        for item in treatment.clinician.class_safety
    ]
    measure = measure_for(body_family(brand.stylesheets(project.stylesheets)))
    footnotes = [
        {
            "number": number,
            "id": source_id,
            "citation": project.sources[source_id].short or project.sources[source_id].citation,
        }
        for source_id, number in sorted(numbers.items(), key=lambda kv: kv[1])
    ]
    updated = max([treatment.review.updated] + [c.review.updated for c in conditions])
    reviews = [treatment.review] + [c.review for c in conditions]
    return {
        "doc": doc_meta(
            lang=lang,
            title=treatment.clinician.summary_title,
            subject=_(
                "Clinician summary: %(treatment)s (%(short)s) by condition",
                treatment=treatment.full_name,
                short=treatment.name,
            ),
            brand=brand,
            keywords=[treatment.name, treatment.full_name, _("clinician summary")]
            + [c.name for c in conditions],
            updated=updated,
            links=links or [],
        ),
        "title": treatment.clinician.summary_title,
        "note": treatment.clinician.note,
        "columns": columns,
        "widths": column_widths(_("Condition"), columns, rows, measure),
        "rows": rows,
        "safety": safety,
        "safety_columns": safety_columns(safety, measure),
        "footnotes": footnotes,
        "clinic": brand.clinic.in_language(lang),
        "logo_url": asset_url(brand.logo_path),
        "status": status_line(reviews, lang, _),
    }


def summary_cells(
    condition_label: str, columns: list[str], rows: list[dict[str, Any]]
) -> list[list[Cell]]:
    """The summary table's text as the width planner sees it: the header row, then a
    row per condition with its name (bold), the abbreviation and any notice under it."""
    header = [Cell(label, BOLD * 8.2 / PLAN_SIZE_PT) for label in [condition_label, *columns]]
    table = [header]
    for row in rows:
        name = row["name"]
        if row["short_name"] != row["name"] and len(row["short_name"]) <= 6:
            name += f" ({row['short_name']})"
        cells = [Cell(name, BOLD)]
        cells += [Cell(cell["text"].replace("**", ""), cite=cell["cite"]) for cell in row["cells"]]
        table.append(cells)
    return table


def column_widths(
    condition_label: str, columns: list[str], rows: list[dict[str, Any]], measure: Measure
) -> list[float]:
    """Percent of the table's width for each column (the condition's first)."""
    cells = summary_cells(condition_label, columns, rows)
    return percentages(plan_table(cells, PLAN_WIDTH_PT, PLAN_SIZE_PT, measure))


def safety_columns(safety: list[dict[str, str]], measure: Measure) -> list[list[dict[str, str]]]:
    """The class warnings, whole, in the columns they are printed in (down, then
    across), split by their text's length at the size the table is planned for."""
    runs = safety_runs([(item["text"], item["cite"]) for item in safety], measure)
    return [[safety[i] for i in run] for run in runs]


@dataclass(frozen=True)
class BinderPart:
    title: str
    kind: str  # "Patient handout", "Clinician summary"
    first_page: int
    pages: int


def binder_context(
    project: Project,
    lang: str,
    brand: Brand,
    parts: list[BinderPart],
    asset_url: AssetUrl,
    links: list[str] | None = None,
    _: Translate = ENGLISH,
) -> dict[str, Any]:
    """The cover and contents of a binder: every handout and the summary, in order."""
    treatment: TreatmentFile = project.treatments[lang]
    conditions = project.covered(lang)
    reviews = [treatment.review] + [c.review for c in conditions]
    updated = max(r.updated for r in reviews)
    title = project.config.settings.title
    return {
        "doc": doc_meta(
            lang=lang,
            title=_("%(title)s: patient handouts and clinician summary", title=title),
            subject=_(
                "Binder of patient handouts and the clinician summary, %(clinic)s",
                clinic=brand.clinic.in_language(lang).name,
            ),
            brand=brand,
            keywords=[treatment.name, _("patient education"), _("binder")]
            + [c.name for c in conditions],
            updated=updated,
            links=links or [],
        ),
        "title": title,
        "clinic": brand.clinic.in_language(lang),
        "logo_url": asset_url(brand.logo_path),
        "status": status_line(reviews, lang, _),
        "updated": long_date(updated, lang),
        "parts": parts,
    }


def fallback_notice(project: Project, job: Job) -> dict[str, str] | None:
    """The line a borrowed handout opens with, in the language the reader asked for."""
    if job.source_lang is None:
        return None
    _ = project.translate(job.lang)
    language = language_name(job.source_lang, job.lang)
    return {
        "lang": job.lang,
        "text": _(
            "This handout is not yet translated. Here it is in %(language)s.",
            language=language,
        ),
    }
