"""Brands: a folder ``styles/brands/<name>/`` holding ``brand.toml`` (who the clinic is)
and ``brand.css`` (how its pages look). A new brand is a new folder; no code changes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from handouts.errors import Location, Problem
from handouts.sources import InputError, load_toml, validate

BRAND_FILE = "brand.toml"
BRAND_CSS = "brand.css"
LOGO_TYPES = {".svg", ".png", ".jpg", ".jpeg"}

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
PHONE = re.compile(r"^\+?[0-9(][0-9 ().\-]{5,22}[0-9]$")


class Clinic(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Text
    department: Text | None = None
    phone: Text = Field(description="Main number patients call.")
    after_hours_phone: Text | None = None
    emergency: Text = Field("Call 911", description="What to do in an emergency.")
    address: Text | None = None
    website: Text | None = None
    logo: Path = Field(description="SVG, PNG or JPEG file inside the brand folder.")
    logo_alt: Text
    example: bool = Field(False, description="Marks a fictional brand on every page.")

    @field_validator("phone", "after_hours_phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is not None and not PHONE.match(value):
            raise ValueError(f"'{value}' does not look like a phone number")
        return value


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

    @property
    def files(self) -> list[Path]:
        """Every file of the brand that changes its output."""
        found = [self.folder / BRAND_FILE, self.logo_path]
        return found + ([self.stylesheet] if self.stylesheet else [])


def brand_names(brands_dir: Path) -> list[str]:
    if not brands_dir.is_dir():
        return []
    return sorted(p.name for p in brands_dir.iterdir() if (p / BRAND_FILE).is_file())


def load_brand(folder: Path) -> tuple[Brand | None, list[Problem]]:
    path = folder / BRAND_FILE
    try:
        source = load_toml(path)
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
    if problems:
        return None, problems
    css = folder / BRAND_CSS
    brand = Brand(
        name=folder.name,
        folder=folder.resolve(),
        clinic=clinic,
        logo_path=logo,
        stylesheet=css.resolve() if css.is_file() else None,
    )
    return brand, []


def missing_brand(name: str, brands_dir: Path, location: Location) -> Problem:
    known = ", ".join(brand_names(brands_dir)) or "none"
    return Problem(location, f"no brand '{name}' in {brands_dir} (brands found: {known})")
