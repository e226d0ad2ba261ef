"""Brands: a folder ``styles/brands/<name>/`` holding ``brand.toml`` (who the clinic is),
``brand.css`` (how its pages look) and a logo. A new brand is a new folder; no code
changes. Everything a brand says is checked here, before any page uses it: a wrong
phone number or a logo that does not open must stop the build, not print.
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from babel.lists import format_list
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from handouts.defaults import default_styles
from handouts.errors import Location, Problem
from handouts.glyphs import check_clinic, coverage
from handouts.i18n import N_, SOURCE_LANGUAGE, language_name
from handouts.jobs import EVERY, LANG_PATTERN
from handouts.logo import (
    LOGO_TYPES,
    LogoBox,
    check_logo,
    check_shape,
    css_inches,
    describe_print,
    logo_shape,
)
from handouts.readers import DEFAULT_MAX_INPUT_KB, InputError, load_toml, validate
from handouts.tokens import Token, check_tokens, first_family, merge_tokens, resolve

BRAND_FILE = "brand.toml"
BRAND_CSS = "brand.css"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
PHONE = re.compile(r"^\+?[0-9(][0-9 ().\-]{5,22}[0-9]$")
HOST = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", re.I)
# Placeholders an online-handout URL may use; {condition} is required.
URL_FIELDS = {"condition", "lang", "brand"}


def web_label(url: str) -> str:
    """A web address as printed: no scheme, no trailing slash."""
    return re.sub(r"^https?://", "", url).rstrip("/")


def _check_host(value: str, what: str) -> str:
    parts = urlsplit(value if "://" in value else f"https://{value}")
    if parts.scheme not in {"http", "https"}:
        raise ValueError(f"{what} '{value}' must start with https:// or http://")
    if not HOST.match(parts.hostname or "") or parts.username or parts.port:
        raise ValueError(f"'{value}' is not a web address such as clinic.example.org/page")
    if any(ch.isspace() for ch in value):
        raise ValueError(f"{what} '{value}' contains a space")
    return value


class ClinicText(BaseModel):
    """What a brand writes in ``[clinic.<lang>]``: the words of its clinic fields in one
    language. Phone numbers, addresses on the web and the logo file are the same in
    every language, so they are not here."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Text | None = None
    department: Text | None = None
    emergency: Text | None = None
    address: Text | None = None
    logo_alt: Text | None = None


def _language_code(value: str) -> str:
    if not re.fullmatch(LANG_PATTERN, value):
        raise ValueError(
            f"'{value}' is not a language code such as 'es'; each table in [clinic] "
            "holds the clinic's text in one language"
        )
    return value


LangCode = Annotated[str, AfterValidator(_language_code)]

# Fields a reader of another language cannot read if left in the brand's language. A
# clinic's name and street address are proper names, usually printed as they are.
READ_FIELDS = ("department", "logo_alt")
# The default emergency line is in the catalogs, so it prints in the page's language;
# a brand's own wording is not.
EMERGENCY = N_("Call 911")


class Clinic(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Text
    department: Text | None = None
    phone: Text = Field(description="Main number patients call.")
    after_hours_phone: Text | None = None
    # The default is in the catalogs (N_), so it prints in the page's language; a
    # brand's own wording prints as written.
    emergency: Text = Field(EMERGENCY, description="What to do in an emergency.")
    address: Text | None = None
    website: Text | None = Field(None, description="Printed as given, without https://.")
    online_handouts: Text | None = Field(
        None,
        description="Address of the online copy of each handout, with {condition} and "
        "optionally {lang} and {brand}; the QR code points there.",
    )
    logo: Path = Field(description="SVG, PNG or JPEG file inside the brand folder.")
    logo_alt: Text
    example: bool = Field(False, description="Marks a fictional brand on every page.")
    # Filled from the [clinic.<lang>] tables: every table in [clinic] is a language.
    languages: dict[LangCode, ClinicText] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _language_tables(cls, data: object) -> object:
        if not isinstance(data, dict):
            return data
        tables = {key: value for key, value in data.items() if isinstance(value, dict)}
        if not tables:
            return data
        rest = {key: value for key, value in data.items() if key not in tables}
        return rest | {"languages": tables}

    def in_language(self, lang: str) -> Clinic:
        """The clinic as a page in ``lang`` prints it: the fields ``[clinic.<lang>]``
        sets, and the others as written in ``[clinic]``."""
        text = self.languages.get(lang)
        if text is None:
            return self
        return self.model_copy(update=text.model_dump(exclude_none=True))

    def untranslated(self, lang: str, source_lang: str) -> list[str]:
        """Fields a reader of ``lang`` would get in the brand's own language."""
        if lang == source_lang:
            return []
        text = self.languages.get(lang) or ClinicText()
        fields = [f for f in READ_FIELDS if getattr(self, f) and getattr(text, f) is None]
        if self.emergency != EMERGENCY and text.emergency is None:
            fields.append("emergency")
        return fields

    @field_validator("phone", "after_hours_phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is None:
            return value
        digits = sum(ch.isdigit() for ch in value)
        if not PHONE.match(value) or not 7 <= digits <= 15:
            raise ValueError(f"'{value}' does not look like a phone number")
        return value

    @field_validator("website")
    @classmethod
    def _website(cls, value: str | None) -> str | None:
        return None if value is None else _check_host(value, "website")

    @field_validator("online_handouts")
    @classmethod
    def _online(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            fields = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError as exc:
            raise ValueError(f"'{value}' has an unclosed {{ or }}: {exc}") from None
        unknown = fields - URL_FIELDS
        if unknown:
            raise ValueError(
                f"unknown placeholder {{{sorted(unknown)[0]}}} in '{value}' "
                f"(allowed: {', '.join('{' + f + '}' for f in sorted(URL_FIELDS))})"
            )
        if "condition" not in fields:
            raise ValueError(f"'{value}' must contain {{condition}}, one address per handout")
        if "://" not in value:
            raise ValueError(f"online_handouts '{value}' must start with https:// or http://")
        _check_host(value.format(condition="x", lang="en", brand="b"), "online_handouts")
        return value

    def handout_url(self, condition: str, lang: str, brand: str) -> str | None:
        """The online copy of one handout, or None when the brand has none."""
        if self.online_handouts is None:
            return None
        return self.online_handouts.format(condition=condition, lang=lang, brand=brand)

    @property
    def website_label(self) -> str | None:
        """The website as printed: no scheme, no trailing slash."""
        return None if self.website is None else web_label(self.website)


class BrandFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    clinic: Clinic


class Brand(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    folder: Path
    clinic: Clinic
    logo_path: Path
    stylesheet: Path | None

    def stylesheets(self, extra: Sequence[Path] = ()) -> list[Path]:
        """The stylesheets that restyle the defaults for this brand: its own, then
        the project's (``extra``)."""
        return [*([self.stylesheet] if self.stylesheet else []), *extra]

    @property
    def files(self) -> list[Path]:
        """Every file of the brand that changes its output."""
        found = [self.folder / BRAND_FILE, self.logo_path]
        return found + ([self.stylesheet] if self.stylesheet else [])


@dataclass(frozen=True)
class BrandRow:
    """One brand as ``handouts brands`` lists it."""

    name: str
    clinic: str
    phone: str
    colors: str
    fonts: str
    logo: str
    logo_shape: str  # its size, its shape and how it prints
    online: str | None


def brand_rows(brands: Mapping[str, Brand]) -> list[BrandRow]:
    rows = []
    for name, brand in sorted(brands.items()):
        tokens, _, _ = merge_tokens(default_styles() / "base.css", brand.stylesheets())
        colors = ", ".join(
            f"{token.removeprefix('--brand-')} {resolve(token, tokens)}"
            for token in ("--brand-primary", "--brand-primary-dark", "--brand-tint")
        )
        heading, body = (
            first_family(resolve(t, tokens) or "") for t in ("--font-heading", "--font-body")
        )
        clinic = brand.clinic
        phones = clinic.phone + (
            f", after hours {clinic.after_hours_phone}" if clinic.after_hours_phone else ""
        )
        rows.append(
            BrandRow(
                name=name,
                clinic=", ".join(filter(None, [clinic.name, clinic.department])),
                phone=phones,
                colors=colors,
                fonts=f"headings {heading}, body {body}",
                logo=f"{brand.logo_path.name} ({clinic.logo_alt})",
                logo_shape=_logo_shape(brand.logo_path, logo_box(tokens)),
                online=clinic.handout_url("<condition>", "<lang>", name),
            )
        )
    return rows


def logo_box(tokens: dict[str, Token]) -> LogoBox:
    """The box of the handout header's logo, from the tokens in force (base.css sets
    both; a brand may change them)."""
    height = css_inches(resolve("--logo-height", tokens)) or 0.56
    return LogoBox(height, css_inches(resolve("--logo-max-width", tokens)) or 1.9)


def _logo_shape(path: Path, box: LogoBox) -> str:
    shape = logo_shape(path)
    if shape is None:
        return "size unknown"
    return f"{shape.describe()}; {describe_print(shape, box)}"


def brand_names(brands_dir: Path) -> list[str]:
    if not brands_dir.is_dir():
        return []
    # lexists, not is_file: a brand.toml that is a FIFO or a device is refused by name
    # when loading, not skipped as if the brand were not there.
    return sorted(p.name for p in brands_dir.iterdir() if os.path.lexists(p / BRAND_FILE))


def load_brand(
    folder: Path,
    extra_stylesheets: Sequence[Path] = (),
    languages: Sequence[str] = (),
    *,
    max_kb: int = DEFAULT_MAX_INPUT_KB,
) -> tuple[Brand | None, list[Problem]]:
    """A brand and its problems: errors (then no brand) and warnings (contrast, fonts).

    ``extra_stylesheets`` are the project's own stylesheets, applied after the brand's:
    they are part of the colors the contrast check sees. ``languages`` are the ones the
    project builds: a page in one of them should not show the clinic's department in
    another. ``max_kb`` caps the size of brand.toml (the max_input_kb setting).
    """
    path = folder / BRAND_FILE
    try:
        source = load_toml(path, max_kb=max_kb)
    except InputError as exc:
        return None, [exc.problem]
    parsed, problems = validate(BrandFile, source)
    if parsed is None:
        return None, problems
    clinic = parsed.clinic
    logo = (folder / clinic.logo).resolve()
    where = source.locate(("clinic", "logo"))
    if not logo.is_relative_to(folder.resolve()):
        problems.append(Problem(where, f"logo '{clinic.logo}' is outside the brand folder"))
    elif logo.suffix.lower() not in LOGO_TYPES:
        problems.append(Problem(where, f"logo '{clinic.logo}' must be an SVG, PNG or JPEG file"))
    elif not logo.is_file():
        problems.append(Problem(where, f"logo file '{clinic.logo}' not found in {folder}"))
    else:
        problems += [Problem(where, f.message, f.severity) for f in check_logo(logo)]
    css = folder / BRAND_CSS
    overrides = ([css] if css.is_file() else []) + list(extra_stylesheets)
    if not any(p.severity == "error" for p in problems):
        tokens, _, _ = merge_tokens(default_styles() / "base.css", overrides)
        findings = check_shape(logo, logo_box(tokens))
        problems += [Problem(where, f.message, f.severity) for f in findings]
    for lang in languages:
        if fields := clinic.untranslated(lang, SOURCE_LANGUAGE):
            problems.append(
                Problem(
                    source.locate(("clinic", lang)),
                    f"{format_list(fields, locale='en')} "
                    f"{'prints' if len(fields) == 1 else 'print'} in "
                    f"{language_name(SOURCE_LANGUAGE, 'en')} on "
                    f"{language_name(lang, 'en')} pages; add [clinic.{lang}] with "
                    f"{'its' if len(fields) == 1 else 'their'} translation",
                    "warning",
                    escalates=False,
                )
            )
    problems += check_tokens(default_styles() / "base.css", overrides)
    if fonts := coverage(overrides, css if css.is_file() else None):
        problems += check_clinic(source, fonts, folder.name)
    if any(p.severity == "error" for p in problems):
        return None, problems
    brand = Brand(
        name=folder.name,
        folder=folder.resolve(),
        clinic=clinic,
        logo_path=logo,
        stylesheet=css.resolve() if css.is_file() else None,
    )
    return brand, problems


def missing_brand(name: str, brands_dir: Path, location: Location) -> Problem:
    known = ", ".join(brand_names(brands_dir)) or "none"
    if name == EVERY:
        return Problem(location, f"no brands in {brands_dir}: each is a folder with {BRAND_FILE}")
    return Problem(location, f"no brand '{name}' in {brands_dir} (brands found: {known})")
