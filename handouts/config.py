"""Project settings: one object, documented defaults, shared by the CLI and the library.

A project is a folder with a ``handouts.toml``. Every relative path in it resolves
against that folder, never the current directory, so a build gives the same result
wherever it is started from (Pelican's rule).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from handouts.errors import ConfigError, ContentError
from handouts.jobs import DEFAULT_VARIANT, LANG_PATTERN, PDF_VARIANTS, Edition, Paper
from handouts.readers import DEFAULT_MAX_INPUT_KB, InputError, load_toml, validate

CONFIG_NAME = "handouts.toml"
SummaryOverflow = Literal["fail", "continue", "legal", "tabloid", "a3"]


class ProjectSettings(BaseModel):
    """ProjectSettings read from ``handouts.toml``. Every field has a default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field("Patient handouts", description="Name of the content set.")
    conditions: Path = Field(Path("conditions"), description="Folder of content files.")
    templates: Path = Field(
        Path("templates"), description="Project templates, searched before the defaults."
    )
    styles: Path = Field(Path("styles"), description="Project styles; brands in styles/brands/.")
    output: Path = Field(Path("output"), description="Where built files are written.")
    brands: list[str] = Field(
        ["all"], min_length=1, description="Brands built when none is given; 'all' for every one."
    )
    stylesheets: list[Path] = Field(
        [], description="The project's own CSS, applied after the brand's, to every document."
    )
    strict: bool = Field(False, description="Treat warnings (contrast, fonts) as errors.")
    languages: list[str] = Field(["en"], min_length=1, description="Languages to build.")
    fallback_language: str | None = Field(
        None,
        description="Print this language's handout, with a notice, for a condition not yet "
        "translated (none: such a handout is not built).",
    )
    paper: Paper = Field("letter", description="Page size of handouts: letter or a4.")
    editions: list[Edition] = Field(
        ["standard"], min_length=1, description="Editions built: standard, large-print."
    )
    max_handout_pages: int = Field(2, ge=1, le=8, description="Longest a handout may be.")
    max_large_print_pages: int = Field(
        4, ge=1, le=12, description="Longest a large-print handout may be."
    )
    pdf_variant: str = Field(DEFAULT_VARIANT, description="PDF variant: pdf/ua-1, pdf/a-3a, ...")
    print_shop: bool = Field(False, description="3 mm bleed, crop marks and PDF/X-3.")
    require_approved: bool = Field(
        False, description="Refuse to build content a clinical reviewer has not approved."
    )
    binder: bool = Field(
        False, description="Also build one binder PDF per brand and language (cover, contents)."
    )
    # WeasyPrint has no limits of its own: a runaway stylesheet must end its document,
    # not the machine.
    render_timeout: float = Field(
        300, gt=0, le=86400, description="Seconds one document may render before it is stopped."
    )
    worker_memory_mb: int = Field(
        2048, ge=256, description="Address space a worker process may use, in MB."
    )
    # Loading is bounded too: a content file is text an educator wrote, not megabytes.
    max_input_kb: int = Field(
        DEFAULT_MAX_INPUT_KB,
        ge=1,
        le=65536,
        description="Largest content or brand file read, in KB (handouts.toml itself: 256).",
    )
    max_section_words: int = Field(
        400,
        ge=1,
        le=100000,
        description="Most words in one text or list of items of a content file.",
    )
    # Where documents render: worker processes on this machine, or a Dask cluster.
    executor: Literal["local", "dask"] = Field(
        "local",
        description="local: worker processes here; dask: a Dask cluster (a local one "
        "when no scheduler is given).",
    )
    scheduler: str | None = Field(
        None,
        pattern=r"^(tcp|tls|inproc|ws|wss|ucx)://\S+$",
        description="The Dask scheduler's address for executor = dask (tcp://host:8786).",
    )
    summary_overflow: SummaryOverflow = Field(
        "fail",
        description="When the clinician summary does not fit one page even at 7.5 pt: fail, "
        "continue on a second page, or print on a larger sheet (legal, tabloid, a3).",
    )

    @field_validator("pdf_variant")
    @classmethod
    def _variant(cls, value: str) -> str:
        if value not in PDF_VARIANTS:
            raise ValueError(f"'{value}' is not one of {', '.join(PDF_VARIANTS)}")
        return value

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        import re

        for lang in value:
            if not re.match(LANG_PATTERN, lang):
                raise ValueError(f"'{lang}' is not a language code such as 'en' or 'es'")
        return value


class ProjectConfig(BaseModel):
    """Where a project lives: its settings with every path made absolute."""

    model_config = ConfigDict(frozen=True)

    root: Path
    config_path: Path | None
    settings: ProjectSettings

    def path(self, relative: Path) -> Path:
        return relative if relative.is_absolute() else (self.root / relative).resolve()

    @property
    def conditions_dir(self) -> Path:
        return self.path(self.settings.conditions)

    @property
    def templates_dir(self) -> Path:
        return self.path(self.settings.templates)

    @property
    def styles_dir(self) -> Path:
        return self.path(self.settings.styles)

    @property
    def output_dir(self) -> Path:
        return self.path(self.settings.output)


def load_settings(config: Path | None = None, *, search_from: Path | None = None) -> ProjectConfig:
    """Read ``handouts.toml`` (given, or found in ``search_from``)."""
    if config is None:
        folder = (search_from or Path.cwd()).resolve()
        config = folder / CONFIG_NAME
        if not os.path.lexists(config):
            raise ConfigError(
                f"{folder}: no {CONFIG_NAME} here; pass --config FILE or run the command "
                "from a project folder (create one with 'handouts init DIR')"
            )
    config = config.absolute()
    if config.is_dir():
        config = config / CONFIG_NAME
    if not os.path.lexists(config):
        raise ConfigError(f"{config.resolve()}: configuration file not found")
    try:
        # Read with the default cap: the file that could raise it is this one. Read
        # before resolving, so that a refusal names the file given, not its target.
        source = load_toml(config, setting=None)
    except InputError as exc:
        raise ContentError([exc.problem]) from exc
    config = config.resolve()
    source.path = config
    settings, problems = validate(ProjectSettings, source)
    if settings is None:
        raise ContentError(problems)
    return ProjectConfig(root=config.parent, config_path=config, settings=settings)
