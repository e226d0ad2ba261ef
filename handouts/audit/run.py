"""The audit of a content set: every check, per handout and over the whole project.

``audit_project`` returns a plain report (reading levels, PEMAT items, pages, words,
review state, problems); ``handouts.audit.report`` turns it into a terminal table,
JSON and HTML. ``handouts validate`` runs the same checks without laying out pages.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element

import tinyhtml5

from handouts.audit import checks, pemat, summary_fit
from handouts.audit.reading import Formula, Reading, formula_for, read
from handouts.builder import layouts
from handouts.content import Condition, Review
from handouts.errors import Location, Problem
from handouts.errors import strict as strict_problems
from handouts.i18n import translations
from handouts.jobs import Job
from handouts.kinds import TIGHT, document_html
from handouts.plan import select
from handouts.project import Project
from handouts.readers import SourceFile
from handouts.templating import make_environment

MIN_SCORED_WORDS = 20  # below this a reading formula says little; shown, not judged


@dataclass(frozen=True)
class Section:
    """A part of the handout as the reading-level check sees it."""

    key: str
    label: str
    reading: Reading
    location: Location

    @property
    def judged(self) -> bool:
        return self.reading.words >= MIN_SCORED_WORDS


@dataclass
class HandoutAudit:
    condition: Condition
    formula: Formula
    overall: Reading
    sections: list[Section]
    undefined_words: tuple[str, ...]
    items: list[pemat.Item]
    # edition: brand: (pages, what fitting took)
    layouts: dict[str, dict[str, tuple[int, str]]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def pages(self) -> dict[str, tuple[int, str]]:
        """Per edition, the longest layout over the brands, and "tight spacing" if any
        brand needed it: the content has to fit every brand it is printed in."""
        found = {}
        for edition, by_brand in self.layouts.items():
            count = max(pages for pages, _ in by_brand.values())
            tight = any(TIGHT in step for _, step in by_brand.values())
            found[edition] = (count, TIGHT if tight else "")
        return found

    @property
    def understandability(self) -> pemat.Score:
        return pemat.score(self.items, "understandability")

    @property
    def actionability(self) -> pemat.Score:
        return pemat.score(self.items, "actionability")

    @property
    def worst(self) -> Section | None:
        judged = [s for s in self.sections if s.judged]
        if not judged:
            return None
        key = (
            (lambda s: s.reading.value)
            if self.formula.unit == "grade"
            else (lambda s: -s.reading.value)
        )
        return max(judged, key=key)


@dataclass
class AuditReport:
    today: dt.date
    brands: list[str]  # whose layouts the page counts come from
    handouts: list[HandoutAudit]
    reviews: dict[Path, Review]
    problems: list[Problem]  # over the whole project: reviews, citations, glossary
    # The clinician summaries: laid out when pages are counted, else predicted.
    summaries: list[summary_fit.SummaryFit] = field(default_factory=list)

    def all_problems(self) -> list[Problem]:
        found = list(self.problems)
        for handout in self.handouts:
            found += handout.problems
        return sorted(found, key=lambda p: (p.location, p.message))


def audit_project(
    project: Project,
    *,
    languages: Sequence[str] = (),
    conditions: Sequence[str] = (),
    brands: Sequence[str] = (),
    pages: bool = True,
    today: dt.date | None = None,
    strict: bool | None = None,
) -> AuditReport:
    """Audit the chosen handouts (default: all). ``strict`` (default: the project's
    setting) makes escalating warnings errors, as it does when loading."""
    today = today or dt.date.today()
    # Names are checked as build checks them: an unknown one is an error, "all" is all.
    brands = select(brands, sorted(project.brands), project.default_brands(), "brand", "--brand")
    every_lang = project.languages()
    languages = select(languages, every_lang, every_lang, "language", "--lang")
    ids = sorted({cid for _, cid in project.conditions})
    singled_out = bool(conditions)
    conditions = select(conditions, ids, ids, "condition", "--condition")
    envs = {
        lang: make_environment(
            project.config.templates_dir, translations(lang, project.locale_dirs)
        )
        for lang in languages
    }
    chosen = [
        c for lang in languages for c in project.ordered_conditions(lang) if c.id in conditions
    ]
    handouts = []
    for condition in chosen:
        job = Job("handout", brands[0], condition.lang, condition.id, "")
        _, html = document_html(project, job, envs[condition.lang])
        handouts.append(
            audit_handout(project, condition, tinyhtml5.parse(html, namespace_html_elements=False))
        )
    if pages:
        _count_pages(project, brands, handouts)
    problems = checks.check_reviews(project, today) + checks.check_citations(project)
    summaries: list[summary_fit.SummaryFit] = []
    if not singled_out:  # the summary compares every condition, as in a build
        fit = summary_fit.measured if pages else summary_fit.predict
        summaries, found = fit(project, brands, languages)
        problems += found
    problems += checks.check_glossaries(project)
    problems += checks.check_translations(project)
    if project.config.settings.require_approved:
        problems += checks.check_approved(project, [(c.lang, c.id) for c in chosen])
    if project.config.settings.strict if strict is None else strict:
        problems = strict_problems(problems)
        for handout in handouts:
            handout.problems = strict_problems(handout.problems)
    reviews = checks.review_states(project)
    return AuditReport(today, brands, handouts, reviews, problems, summaries)


def audit_handout(project: Project, condition: Condition, root: Element) -> HandoutAudit:
    c = condition
    formula = formula_for(c.lang)
    where = _Locator(project, c)
    parts = _parts(c)
    sections = [
        Section(key, label, read(items, c.lang, c.names), where.field(field))
        for key, label, field, items in parts
    ]
    every = [item for *_, items in parts for item in items]
    overall = read(every, c.lang, c.names)
    undefined = _undefined(project, c, overall)
    page = pemat.Page(root, c.lang, overall, undefined, tuple(t.term for t in c.terms))
    handout = HandoutAudit(c, formula, overall, sections, undefined, pemat.audit(page))
    handout.problems = _problems(handout, where)
    return handout


def _parts(c: Condition) -> list[tuple[str, str, str, list[str]]]:
    """(key, label, the content field it starts with, text) for each part of the page,
    in reading order."""
    s = c.sections
    return [
        ("lead", "Purpose and key points", "purpose", [c.purpose, *c.key_points]),
        ("about", f"What is {c.short_name}?", "about_condition", c.about_condition),
        ("what", f"What is {c.treatment_name}?", "what_it_is", c.what_ivig_is),
        ("how", f"How can {c.treatment_name} help?", "how_ivig_helps", c.how_ivig_helps),
        ("expect", "What to expect", "before", [*s.before, *s.during, *s.after]),
        ("effects", "Side effects", "side_effects_common",
         [*s.side_effects_common, *s.side_effects_serious]),
        ("help", "When to get help", "call_emergency", [*s.call_emergency, *s.call_care_team]),
        ("questions", "Questions to ask", "questions", s.questions),
        ("terms", "Words to know", "terms", [t.means for t in c.terms]),
    ]  # fmt: skip


class _Locator:
    """Where a field of a merged handout comes from: the condition file, or the shared
    treatment file when the condition does not replace it."""

    def __init__(self, project: Project, c: Condition) -> None:
        self.project = project
        self.fallback = Location(project.condition_file(c.lang, c.id))
        self.glossary = project.glossary_file(c.lang)
        # The condition's own file first: what it gives replaces the shared text.
        self.sources = [
            source
            for path in (project.condition_file(c.lang, c.id), project.treatment_file(c.lang))
            if (source := project.documents.get(path)) is not None
        ]

    def field(self, name: str) -> Location:
        if name == "terms":
            return self.project.locate(self.glossary, ("terms",))
        for source in self.sources:
            if name in _patient(source):
                return source.locate(("patient", name))
        return self.fallback

    def word(self, word: str) -> Location:
        """The first field whose text holds ``word``."""
        pattern = re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE)
        for source in self.sources:
            for name, value in _patient(source).items():
                items = value if isinstance(value, list) else [value]
                for index, item in enumerate(items):
                    if isinstance(item, str) and pattern.search(item):
                        keys = (name, index) if isinstance(value, list) else (name,)
                        return source.locate(("patient", *keys))
        return self.fallback


def _patient(source: SourceFile) -> dict[str, object]:
    data = source.data if isinstance(source.data, dict) else {}
    patient = data.get("patient")
    return patient if isinstance(patient, dict) else {}


def _undefined(project: Project, c: Condition, overall: Reading) -> tuple[str, ...]:
    """Hard words the page neither defines nor lists as plain words."""
    glossary = project.glossaries.get(c.lang)
    known = set()
    if glossary:
        known |= {w.lower() for w in glossary.plain_words}
        for term in glossary.terms:
            for form in term.words():
                known |= {form.lower(), *form.lower().split()}
    known |= {w.lower() for name in c.names for w in name.split()}
    return tuple(w for w in overall.hard_words if not _stems(w) & known)


def _stems(word: str) -> set[str]:
    stems = {word}
    if word.endswith("ies"):
        stems.add(word[:-3] + "y")
    if word.endswith("es"):
        stems.add(word[:-2])
    if word.endswith("s"):
        stems.add(word[:-1])
    return stems


def _problems(handout: HandoutAudit, where: _Locator) -> list[Problem]:
    c, formula = handout.condition, handout.formula
    problems = []
    overall = where.fallback
    value = handout.overall.value
    if formula.misses(value, formula.limit):
        problems.append(
            Problem(
                overall,
                f"{c.id}: the patient text reads at {formula.label(value)}, past the limit of "
                f"{formula.label(formula.limit)}",
                "warning",
            )
        )
    elif formula.misses(value, formula.target):
        problems.append(
            Problem(
                overall,
                f"{c.id}: the patient text reads at {formula.label(value)}; the target is "
                f"{formula.label(formula.target)}",
                "warning",
                escalates=False,
            )
        )
    for section in handout.sections:
        v = section.reading.value
        if not section.judged or not formula.misses(v, formula.target):
            continue
        over_limit = formula.misses(v, formula.limit)
        bound = formula.limit if over_limit else formula.target
        problems.append(
            Problem(
                section.location,
                f"{c.id}: '{section.label}' reads at {formula.label(v)} "
                f"({'limit' if over_limit else 'target'} {formula.label(bound)})",
                "warning",
                escalates=over_limit,
            )
        )
    for word in handout.undefined_words:
        problems.append(
            Problem(
                where.word(word),
                f"{c.id}: '{word}' may be hard to read: define it in the glossary or list it "
                "under plain_words",
                "warning",
                escalates=False,
            )
        )
    for label, score in (
        ("understandability", handout.understandability),
        ("actionability", handout.actionability),
    ):
        percent = score.percent
        if percent is None or percent >= pemat.TARGET:
            continue
        failed = [f"{i.number} ({i.reason})" for i in handout.items if i.result == "disagree"]
        below_pass = percent < pemat.PASS_LINE
        problems.append(
            Problem(
                overall,
                f"{c.id}: PEMAT {label} {percent:.0f}% "
                f"({'pass line' if below_pass else 'target'} "
                f"{pemat.PASS_LINE if below_pass else pemat.TARGET:.0f}%); items not met: "
                + "; ".join(failed),
                "warning",
                escalates=below_pass,
            )
        )
    return problems


def _count_pages(project: Project, brands: list[str], handouts: list[HandoutAudit]) -> None:
    jobs = [
        Job("handout", brand, h.condition.lang, h.condition.id, "", edition)
        for brand in brands
        for h in handouts
        for edition in ("standard", "large-print")
    ]
    by_key = {(h.condition.lang, h.condition.id): h for h in handouts}
    for fitted in layouts(project, jobs):
        job = fitted.job
        handout = by_key[(job.lang, job.condition or "")]
        handout.layouts.setdefault(job.edition, {})[job.brand] = (fitted.pages, fitted.step)
        if not fitted.fits:
            handout.problems.append(
                Problem(
                    Location(project.condition_file(job.lang, job.condition or "")),
                    # The fitting step says what the build would: pages, limit, remedy.
                    f"{job.condition}, {job.edition} edition, brand {job.brand}: {fitted.problem}",
                )
            )
