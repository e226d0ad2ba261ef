"""The build's shared vocabulary: document kinds, editions, options, jobs.

Small and light on purpose: it imports nothing else of this package, so every stage
(planning, hashing inputs, rendering, the audit, the CLI) can share these types
without pulling in another stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Kind = Literal["handout", "summary", "binder"]
Edition = Literal["standard", "large-print"]
Paper = Literal["letter", "a4"]
Format = Literal["pdf", "html"]
Executor = Literal["local", "dask"]
KINDS: tuple[Kind, ...] = ("handout", "summary", "binder")
EDITIONS: tuple[Edition, ...] = ("standard", "large-print")
EVERY = "all"  # selects every brand, language, condition or edition
DEFAULT_VARIANT = "pdf/ua-1"
# Every variant keeps the tag tree: PDF/UA-1 is the default; the PDF/A ones are for
# archives and PDF/X-3 for print shops (X-1a needs CMYK, and X-4 writes a random
# document id, which would break byte-identical rebuilds).
PDF_VARIANTS = (
    "pdf/ua-1",
    "pdf/ua-2",
    "pdf/a-2a",
    "pdf/a-3a",
    "pdf/a-2u",
    "pdf/a-3u",
    "pdf/a-2b",
    "pdf/a-3b",
    "pdf/x-3",
)
# A language code as file names, settings and tables spell it: "en", "es", "pt-BR".
LANG_CODE = r"[a-z]{2,3}(?:-[A-Z]{2})?"
LANG_PATTERN = rf"^{LANG_CODE}$"  # a whole value that is one


@dataclass(frozen=True)
class BuildOptions:
    """What to build. Empty selections and None mean the project's settings."""

    conditions: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()  # ("all",) for every brand
    languages: tuple[str, ...] = ()  # ("all",) for every language with content
    editions: tuple[str, ...] = ()  # ("all",) for standard and large print
    output: Path | None = None
    format: Format = "pdf"
    paper: Paper | None = None
    pdf_variant: str | None = None
    print_shop: bool | None = None
    kinds: tuple[Kind, ...] | None = None  # what to make; None: the project's settings
    # How to run, not what to make (never part of a document's inputs):
    workers: int | None = None  # worker processes; None: one per core, 0: in this process
    force: bool = False  # rebuild documents that are up to date
    fail_fast: bool = False  # stop at the first document that fails
    # Documents (their output paths) rendered before the others: those someone is
    # looking at in the preview.
    first: tuple[str, ...] = ()
    executor: Executor | None = None  # None: the project's setting (normally local)
    scheduler: str | None = None  # a Dask scheduler's address; None: the project's setting


@dataclass(frozen=True)
class InitOptions:
    """What ``handouts init`` writes into a new project (scaffold.py)."""

    brand: str = "my-clinic"
    clinic: str = "My Clinic"
    condition: str = "guillain-barre-syndrome"  # any condition the package ships
    title: str = "Patient handouts"


@dataclass(frozen=True)
class BuildSettings:
    """The build-wide choices: the options over the project's settings (plan.py)."""

    paper: Paper
    pdf_variant: str
    print_shop: bool


@dataclass(frozen=True)
class Job:
    """One document: its kind, brand, language, condition (a handout's), edition and
    where it goes, relative to the output folder."""

    kind: Kind
    brand: str
    lang: str
    condition: str | None
    output: str
    edition: Edition = "standard"
    # The language of the text when it is not ``lang``: an untranslated condition
    # printed in the fallback language, in ``lang``'s folder, with a notice.
    source_lang: str | None = None

    @property
    def content_lang(self) -> str:
        return self.source_lang or self.lang


@dataclass(frozen=True)
class Stylesheet:
    """A stylesheet by file, or generated text with a name that keys the cache."""

    path: Path | None = None
    text: str | None = None
    name: str = ""

    @property
    def key(self) -> str:
        return str(self.path) if self.path else f"<{self.name}>"
