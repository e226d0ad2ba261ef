"""The stylesheets of a document, in cascade order, named so they can be hashed and
parsed once (render.py keeps each parsed sheet by its key).

Kept apart from the renderer so that deciding what is up to date never imports
WeasyPrint: a no-op build must start fast.
"""

from __future__ import annotations

from pathlib import Path

from handouts.brand import Brand
from handouts.defaults import default_styles
from handouts.i18n import ENGLISH, N_, Translate, text_direction
from handouts.jobs import BuildSettings, Job, Kind, Stylesheet
from handouts.kinds import KINDS
from handouts.project import Project


def document_stylesheets(project: Project, job: Job, build: BuildSettings) -> list[Stylesheet]:
    """The stylesheets one job's document is rendered with, in cascade order: what the
    renderer applies, the audit lays out with and the tests check."""
    brand = project.brands[job.brand]
    return stylesheets(job, brand, build, project.stylesheets, project.translate(job.content_lang))


def input_stylesheets(project: Project, job: Job, build: BuildSettings) -> list[Stylesheet]:
    """Every stylesheet that may shape the document: those of each part it is laid out
    from (a binder's handouts and summary), with those a fitting step may add. Its
    inputs, for deciding what is up to date."""
    sheets = []
    for part in KINDS[job.kind].parts(project, job):
        sheets += document_stylesheets(project, part, build)
        sheets += KINDS[part.kind].fitting_sheets(part)
    return list(dict.fromkeys(sheets))


def stylesheets(
    job: Job, brand: Brand, build: BuildSettings, extra: list[Path], _: Translate = ENGLISH
) -> list[Stylesheet]:
    """The cascade, last wins: defaults, paper size, the brand, the edition (large print
    must win over a brand's sizes), print-shop page marks, then the project's own
    stylesheets (``--stylesheet``), the way WeasyPrint's ``-s`` adds to a document."""
    styles = default_styles()
    kind = KINDS[job.kind]
    sheets = [Stylesheet(styles / "base.css"), Stylesheet(kind.stylesheet)]
    if (paper := paper_sheet(job.kind, build)) is not None:
        sheets.append(paper)
    if brand.stylesheet:
        sheets.append(Stylesheet(brand.stylesheet))
    if job.edition == "large-print":
        sheets.append(Stylesheet(styles / "large-print.css"))
    if build.print_shop:
        sheets.append(Stylesheet(styles / "print-shop.css"))
    if (labels := page_labels(job, _)) is not None:
        sheets.append(labels)
    sheets += [Stylesheet(path) for path in extra]
    return sheets


def paper_sheet(kind: Kind, build: BuildSettings) -> Stylesheet | None:
    """The page size when it is not the stylesheets' own (Letter)."""
    if build.paper != "a4":
        return None
    size = "A4 landscape" if KINDS[kind].landscape else "A4"
    return Stylesheet(text=f"@page {{ size: {size}; }}", name=f"paper-{kind}-a4")


# Where each kind prints "Page N of M" is the kind's (kinds.py): CSS has no gettext, so
# another language gets the kind's rule generated with its words.
PAGE_OF = N_("Page %(page)s of %(pages)s")


def page_labels(job: Job, _: Translate) -> Stylesheet | None:
    """The "Page N of M" rule in the document's language; None when it is English."""
    # The page's direction is its text's (context.py sets dir from the same language).
    rtl = text_direction(job.content_lang) == "rtl"
    rule = KINDS[job.kind].page_number.get((job.edition, rtl))
    text = _(PAGE_OF, page="\0page\0", pages="\0pages\0")
    if rule is None or text == PAGE_OF % {"page": "\0page\0", "pages": "\0pages\0"}:
        return None
    parts = []
    for piece in text.split("\0"):
        if piece in {"page", "pages"}:
            parts.append(f"counter({piece})")
        elif piece:
            escaped = piece.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
            parts.append(f'"{escaped}"')
    content = " ".join(parts)
    return Stylesheet(
        text=rule.format(content),
        name=f"page-labels-{job.content_lang}-{job.kind}-{job.edition}",
    )
