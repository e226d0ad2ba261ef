"""Personalized patient packets: "My IVIG plan" for one patient, then the handout of
their condition, in their language and edition, in the clinic's brand; one PDF each.

Render once, stamp many: the handout's pages are the same for every patient with the
same condition, language, edition and brand, so they are laid out once (kept in a
small bounded cache) and only the plan page is laid out per patient. The pages are
joined into one WeasyPrint document (``Document.copy``), as the binder joins its parts,
so the PDF is still tagged throughout and its text reads in order: no overlay.

Protected health information goes onto the plan page and nowhere else. File names come
from the row number or the opaque packet id the input supplies; problems name the row
and the column, never a value; the PDF's title and subject say what the packet is, not
whose; files are written with mode 0600 into a folder of mode 0700, through a temporary
file of a neutral name in the same folder (output.write_atomic).
"""

from __future__ import annotations

import re
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import CancelledError
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from weasyprint import Document

from handouts.cascade import paper_sheet
from handouts.context import doc_meta, status_line
from handouts.defaults import default_styles
from handouts.errors import Location, Problem
from handouts.fit import Fitted
from handouts.glyphs import coverage, script_names
from handouts.i18n import long_date
from handouts.jobs import BuildOptions, Job, Stylesheet
from handouts.kinds import document_html
from handouts.output import write_atomic
from handouts.patients import Patient, PatientRow
from handouts.project import Project
from handouts.templating import render_template
from handouts.worker import Worker, document_epoch

# Handout layouts kept at once: one per condition, language, edition and brand in use.
# A Document holds a few megabytes; a mailing over every combination stays bounded.
MAX_LAYOUTS = 32
PACKETS_FOLDER = "packets"
# Pages the plan may take before the handout: one, or two in large print (18 pt).
PLAN_PAGES = {"standard": 1, "large-print": 2}


class PacketError(Exception):
    """A packet that cannot be made: the message names no personal value."""


@dataclass
class PacketOutcome:
    row: int
    path: Path | None = None
    pages: int = 0
    problems: list[Problem] = field(default_factory=list)


class PacketMaker:
    """Makes packets in this process, keeping the renderer and the handout layouts warm."""

    def __init__(self, project: Project, brand: str | None = None) -> None:
        self.project = project
        self.brand = brand or project.default_brands()[0]
        self.worker = Worker(project, BuildOptions(workers=0))
        self._handouts: OrderedDict[tuple[str, str, str, str], Fitted] = OrderedDict()

    def handout(self, brand: str, lang: str, edition: str, condition: str) -> Fitted:
        """The fitted handout, laid out once per combination (least recently used out)."""
        key = (brand, lang, edition, condition)
        found = self._handouts.get(key)
        if found is not None:
            self._handouts.move_to_end(key)
            return found
        job = Job("handout", brand, lang, condition, "", edition)  # type: ignore[arg-type]
        _, html = document_html(self.project, job, self.worker.env_for(lang))
        fitted = self.worker.fit(job, html, self.worker.sheets(job), [])
        if not fitted.fits:
            raise PacketError(f"the handout does not fit its pages: {fitted.problem}")
        self._handouts[key] = fitted
        if len(self._handouts) > MAX_LAYOUTS:
            self._handouts.popitem(last=False)
        return fitted

    def pdf(self, patient: Patient) -> tuple[bytes, int]:
        """The packet's PDF bytes and its page count."""
        brand_name = patient.brand or self.brand
        if brand_name not in self.project.brands:
            raise PacketError("column brand: no brand of that name in the project")
        condition_id = condition_for(self.project, patient.condition)
        if condition_id is None:
            raise PacketError(
                "column condition: not a condition of the project (an id from 'handouts "
                "list', or a code a condition file lists)"
            )
        condition = self.project.conditions.get((patient.lang, condition_id))
        if condition is None:
            raise PacketError("column condition: no handout for it in the row's language")
        self.check_glyphs(patient, brand_name)
        handout = self.handout(brand_name, patient.lang, patient.edition, condition.id)
        plan, epoch = self.plan(patient, condition, brand_name)
        limit = PLAN_PAGES[patient.edition]
        if len(plan.pages) > limit:
            raise PacketError(
                f"the plan takes more than {limit} page{'s' if limit > 1 else ''}: shorten "
                "the note, the instructions or the lists"
            )
        document = plan.copy([*plan.pages, *handout.document.pages])
        warnings: list[str] = []
        variant = self.worker.settings.pdf_variant
        data = self.worker.renderer.write(document, epoch, warnings, variant)
        if patient.password:
            data = locked(data, patient.password)
        return data, len(document.pages)

    def check_glyphs(self, patient: Patient, brand_name: str) -> None:
        """Refuse text the brand's fonts cannot draw (an emoji, a script the fonts lack):
        it would print in whatever font the machine has, or as empty boxes, on a page
        handed to a patient. The error names the field and the kind of characters,
        never the characters themselves."""
        brand = self.project.brands[brand_name]
        fonts = coverage(tuple(brand.stylesheets(self.project.stylesheets)), brand.stylesheet)
        if fonts is None:
            return  # the fonts could not be read: the brand check reports that
        for column, text in personal_text(patient):
            missing = [
                ch
                for ch in unicodedata.normalize("NFC", text)
                if unicodedata.category(ch)[0] not in "ZC" and ord(ch) not in fonts.chars
            ]
            if missing:
                letters = [ch for ch in missing if unicodedata.category(ch)[0] in "LMN"]
                kind = f"{script_names(letters)} letters" if letters else "symbols or emoji"
                raise PacketError(
                    f"column {column}: {len(missing)} character(s), {kind}, that the fonts "
                    f"of brand '{brand_name}' cannot print ({', '.join(fonts.families)})"
                )

    def plan(self, patient: Patient, condition: Any, brand_name: str) -> tuple[Document, int]:
        """The plan page of ``patient``, laid out, and its date as the PDF stamps it."""
        brand = self.project.brands[brand_name]
        lang = patient.lang
        _ = self.project.translate(lang)
        clinic = brand.clinic.in_language(lang)
        call = patient.care_team[0] if patient.care_team else None
        context = {
            # Title and subject say what the packet is, never whose (nor the note's).
            "doc": doc_meta(
                lang=lang,
                title=_("My IVIG plan and handout: %(condition)s", condition=condition.name),
                subject=_(
                    "A personal IVIG plan with the patient handout, %(clinic)s",
                    clinic=clinic.name,
                ),
                brand=brand,
                keywords=[condition.name, "IVIG", _("patient education")],
                updated=patient.prepared_on,
                links=[],
            ),
            "patient": patient,
            "condition": condition,
            "edition": patient.edition,
            "appointments": [
                {
                    "date": long_date(a.date, lang),
                    "time": a.time.strftime("%H:%M") if a.time else "",
                    "place": a.place,
                }
                for a in patient.appointments
            ],
            "prepared_on": long_date(patient.prepared_on, lang),
            "call": call,
            "clinic": clinic,
            "logo_url": brand.logo_path.as_uri(),
            "status": status_line([condition.review], lang, _),
        }
        html = render_template(self.worker.env_for(lang), ["plan.html.j2"], context)
        warnings: list[str] = []
        document = self.worker.renderer.layout(
            html, self.project.root, self.sheets(brand_name), warnings
        )
        return document, document_epoch(context)

    def sheets(self, brand_name: str) -> list[Stylesheet]:
        """Base, a handout's (its header, its page), the plan's own, the paper size the
        handout has, the brand's, the project's (large print is a class of the plan's
        body, in plan.css: the handout's large-print sheet sizes a handout's parts)."""
        brand = self.project.brands[brand_name]
        names = ("base.css", "handout.css", "plan.css")
        sheets = [Stylesheet(default_styles() / name) for name in names]
        if (paper := paper_sheet("handout", self.worker.settings)) is not None:
            sheets.append(paper)
        own = brand.stylesheets(self.project.stylesheets)
        return [*sheets, *(Stylesheet(path) for path in own)]


def personal_text(patient: Patient) -> list[tuple[str, str]]:
    """Every text of the patient's row that prints, by its column."""
    fields = [("name", patient.name), ("product", patient.product), ("dose", patient.dose),
              ("note", patient.note), ("prepared_by", patient.prepared_by)]  # fmt: skip
    for n, appointment in enumerate(patient.appointments, start=1):
        fields.append((f"appointment_{n}_place", appointment.place))
    for n, member in enumerate(patient.care_team, start=1):
        fields += [(f"care_{n}_name", member.name), (f"care_{n}_role", member.role)]
    for n, instruction in enumerate(patient.instructions, start=1):
        fields.append((f"instruction_{n}", instruction))
    return [(column, text) for column, text in fields if text]


def locked(data: bytes, password: str) -> bytes:
    """The PDF encrypted with AES-256 under the patient's password. Printing, copying
    text and, above all, extraction for accessibility (a screen reader) stay allowed;
    changing the document does not. The owner password is random and never kept, so
    the permissions cannot be lifted. (Encryption draws a random key: a locked packet is
    not byte-identical from one run to the next.)"""
    import io
    import secrets

    from pypdf import PdfReader, PdfWriter
    from pypdf.constants import UserAccessPermissions as Allowed

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    allowed = (
        Allowed.PRINT
        | Allowed.PRINT_TO_REPRESENTATION
        | Allowed.EXTRACT
        | Allowed.EXTRACT_TEXT_AND_GRAPHICS  # for accessibility
    )
    writer.encrypt(
        user_password=password,
        owner_password=secrets.token_urlsafe(32),
        algorithm="AES-256",
        permissions_flag=allowed,
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def condition_for(project: Project, value: str, system: str | None = None) -> str | None:
    """The condition id ``value`` names: an id, or a code one of the condition files
    lists (ICD-10-CM, or SNOMED CT when ``system`` says so or it is all digits)."""
    if any(cid == value for _, cid in project.conditions):
        return value
    system = system or ("snomed" if value.isdigit() else "icd10cm")
    for condition in project.conditions.values():
        if condition.codes is not None and condition.codes.matches(system, value):
            return condition.id
    return None


# The fields a file-name pattern may use. Those in PHI_FIELDS name the patient: a
# pattern with one is refused unless asked for by name (--phi-in-names), with a warning.
NAME_FIELDS = ("row", "id", "condition", "lang", "edition")
PHI_FIELDS = ("name", "first_appointment")
DEFAULT_NAMES = "packet-{id}"  # the packet id the input gave, else the row number
_FIELD = re.compile(r"{(\w+)}")
_UNSAFE = re.compile(r"[^\w.-]+")


def check_name_pattern(pattern: str, phi_allowed: bool) -> list[str]:
    """The PHI fields ``pattern`` uses; an unknown field or one naming the patient
    without ``phi_allowed`` raises ValueError."""
    fields = _FIELD.findall(pattern)
    if not fields:
        raise ValueError("names no field: every packet would get the same name")
    unknown = [f for f in fields if f not in (*NAME_FIELDS, *PHI_FIELDS)]
    if unknown:
        known = ", ".join("{" + f + "}" for f in (*NAME_FIELDS, *PHI_FIELDS))
        raise ValueError(f"no field {{{unknown[0]}}}; the fields are {known}")
    personal = [f for f in fields if f in PHI_FIELDS]
    if personal and not phi_allowed:
        raise ValueError(
            f"{{{personal[0]}}} puts the patient's details in file names, which anyone who "
            "can list the folder sees: add --phi-in-names to do it anyway"
        )
    return personal


def packet_name(row: PatientRow, pattern: str = DEFAULT_NAMES) -> str:
    """The file name the pattern gives the row (checked by check_name_pattern)."""
    patient = row.patient
    assert patient is not None
    first = patient.appointments[0].date.isoformat() if patient.appointments else "none"
    values = {
        "row": f"{row.number:05d}",
        "id": patient.packet_id or f"{row.number:05d}",
        "condition": patient.condition,
        "lang": patient.lang,
        "edition": patient.edition,
        "name": patient.name,
        "first_appointment": first,
    }
    name = _FIELD.sub(lambda match: values[match[1]], pattern)
    return _UNSAFE.sub("-", name).strip("-.") + ".pdf"


def private_folder(folder: Path) -> Path:
    """The packets' folder, created readable by this user only."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.chmod(0o700)
    return folder


def make_packets(
    project: Project,
    rows: Iterable[PatientRow],
    folder: Path,
    brand: str | None = None,
    on_done: Callable[[PacketOutcome], None] | None = None,
    source: Path | None = None,
    names: str = DEFAULT_NAMES,
    options: BuildOptions | None = None,
) -> list[PacketOutcome]:
    """One PDF per good row into ``folder``; a bad row is reported and skipped, at its
    line of ``source`` (the patients file) when given. ``options`` says where they
    render (``executor``, ``scheduler``): here by default, or on a Dask cluster."""
    private_folder(folder)
    options = options or BuildOptions()
    from handouts.builder import executor_of

    if executor_of(project, options) == "dask":
        return _on_cluster(project, list(rows), folder, brand, on_done, source, names, options)
    maker = PacketMaker(project, brand)
    outcomes = []
    taken: set[str] = set()
    for row in rows:
        outcome, name, where = _planned(row, names, taken, source)
        if name is not None:
            try:
                data, outcome.pages = maker.pdf(row.patient)  # type: ignore[arg-type]
            except PacketError as error:
                outcome.problems.append(Problem(where, f"row {row.number}, {error}"))
                taken.discard(name)
            else:
                _write(outcome, folder / name, data)
        outcomes.append(outcome)
        if on_done is not None:
            on_done(outcome)
    return outcomes


def _planned(
    row: PatientRow, names: str, taken: set[str], source: Path | None
) -> tuple[PacketOutcome, str | None, Location]:
    """The row's outcome so far, and its file name if it is to be made (taken now)."""
    outcome = PacketOutcome(row.number, problems=list(row.problems))
    where = Location(source or Path("<patients>"), row.line)
    if row.patient is None or row.problems:
        return outcome, None, where
    name = packet_name(row, names)
    if name in taken:  # never overwrite another patient's packet
        problem = f"row {row.number}, the file name is another row's: give each row "
        outcome.problems.append(Problem(where, problem + "its own packet_id"))
        return outcome, None, where
    taken.add(name)
    return outcome, name, where


def _write(outcome: PacketOutcome, path: Path, data: bytes) -> None:
    outcome.path = path
    write_atomic(path, data, mode=0o600)


def _on_cluster(
    project: Project,
    rows: list[PatientRow],
    folder: Path,
    brand: str | None,
    on_done: Callable[[PacketOutcome], None] | None,
    source: Path | None,
    names: str,
    options: BuildOptions,
) -> list[PacketOutcome]:
    """The packets rendered on a Dask cluster and written here as they come back. A
    task's key says only which run and which number it is; the patient travels as
    the task's data, to the page and nowhere else."""
    from handouts.cluster.executor import connected, gather
    from handouts.cluster.remote import packet

    outcomes: dict[int, PacketOutcome] = {}
    todo: list[tuple[PatientRow, PacketOutcome, str, Location]] = []
    taken: set[str] = set()
    for row in rows:
        outcome, name, where = _planned(row, names, taken, source)
        outcomes[row.number] = outcome
        if name is None:
            if on_done is not None:
                on_done(outcome)
        else:
            todo.append((row, outcome, name, where))
    with connected(project, options) as link:

        def submit(number: int, item: tuple[PatientRow, PacketOutcome, str, Location]) -> Any:
            patient = item[0].patient
            assert patient is not None
            data = patient.model_dump_json().encode()
            link.stats.sent_bytes += len(data)
            key = f"handouts-packet-{id(link):x}-{number}"
            return link.client.submit(
                packet, link.digest, brand, data, link.expected, key=key, pure=False
            )

        def result_of(future: Any, item: Any) -> tuple[bytes | None, int, str]:
            try:
                found: tuple[bytes | None, int, str] = future.result()
            except CancelledError:
                raise
            except Exception as error:  # the cluster's failure (a worker that kept dying)
                return None, 0, f"{type(error).__name__} on the cluster"
            return found

        def received(item: tuple[PatientRow, PacketOutcome, str, Location], made: Any) -> bool:
            row, outcome, name, where = item
            data, pages, error = made
            if data is None:
                outcome.problems.append(Problem(where, f"row {row.number}, {error}"))
            else:
                outcome.pages = pages
                link.stats.returned_bytes += len(data)
                _write(outcome, folder / name, data)
            link.stats.documents += 1
            if on_done is not None:
                on_done(outcome)
            return True

        gather(link, todo, submit, result_of, received)
    return [outcomes[number] for number in sorted(outcomes)]
