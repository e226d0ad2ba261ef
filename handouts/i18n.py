"""The fixed text of the pages in every language: gettext catalogs read with Babel.

Headings, labels, footer lines and "Page N of M" are English in the templates and
code, marked for translation (``_()`` in templates, ``gettext`` here). Each language
has a catalog, ``locale/<lang>/LC_MESSAGES/handouts.po``: the project's own folder
first (a clinic adds a language by adding content files and a catalog), then the
package's. Catalogs are read from the ``.po`` text directly, so there is no compiled
file to forget. Dates are formatted for the language with Babel.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from handouts.defaults import PACKAGE_DIR

DOMAIN = "handouts"
SOURCE_LANGUAGE = "en"  # the language of the msgids


def package_locale_dir() -> Path:
    return PACKAGE_DIR / "locale"


def catalog_path(lang: str, folders: tuple[Path, ...]) -> Path | None:
    """The first catalog of ``lang`` in the folders searched, or None."""
    for folder in folders:
        path = folder / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.is_file():
            return path
    return None


def translations(lang: str, folders: tuple[Path, ...]) -> gettext.NullTranslations:
    """The catalog of ``lang`` as gettext translations; English is the msgids."""
    path = catalog_path(lang, folders)
    if lang == SOURCE_LANGUAGE or path is None:
        return gettext.NullTranslations()
    # Read once per version of the file: a process that builds twice (a test, a
    # long-lived service) sees an edited catalog.
    return _compiled(path, lang, path.stat().st_mtime_ns)


@cache
def _compiled(path: Path, lang: str, _version: int) -> gettext.NullTranslations:
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def N_(message: str) -> str:  # gettext's name for "translated later"
    """Mark a message for the catalog; it is translated where it is used."""
    return message


class Translate(Protocol):
    def __call__(self, message: str, /, **values: object) -> str: ...


def translator(translations: gettext.NullTranslations) -> Translate:
    """``_("Page %(page)s", page=2)``: gettext, then the values filled in (the way
    Jinja2's new-style gettext does in templates)."""

    def translate(message: str, /, **values: object) -> str:
        text = translations.gettext(message)
        return text % values if values else text

    return translate


ENGLISH = translator(gettext.NullTranslations())


@dataclass(frozen=True)
class Coverage:
    lang: str
    path: Path | None
    translated: int
    total: int
    fuzzy: int

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.translated == self.total


def coverage(lang: str, folders: tuple[Path, ...]) -> Coverage:
    """How much of the catalog of ``lang`` is translated (English is complete)."""
    path = catalog_path(lang, folders)
    template = _template(folders)
    total = len(template)
    if lang == SOURCE_LANGUAGE:
        return Coverage(lang, None, total, total, 0)
    if path is None:
        return Coverage(lang, None, 0, total, 0)
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    done = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    fuzzy = sum(1 for m in catalog if m.id and m.fuzzy)
    return Coverage(lang, path, len(done & template), total, fuzzy)


def _template(folders: tuple[Path, ...]) -> set[object]:
    """The msgids the templates and code use, from the package's catalog template."""
    for folder in (*folders, package_locale_dir()):
        pot = folder / f"{DOMAIN}.pot"
        if pot.is_file():
            with pot.open("rb") as handle:
                return {m.id for m in read_po(handle, domain=DOMAIN) if m.id}
    return set()


def catalog_languages(folders: tuple[Path, ...]) -> list[str]:
    found = {SOURCE_LANGUAGE}
    for folder in folders:
        if folder.is_dir():
            found |= {p.name for p in folder.iterdir() if (p / "LC_MESSAGES").is_dir()}
    return sorted(found)


def long_date(day: dt.date, lang: str) -> str:
    """``November 24, 2026``, ``24 de noviembre de 2026``: the way the language writes it."""
    try:
        locale = Locale.parse(lang.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        locale = Locale.parse(SOURCE_LANGUAGE)
    return format_date(day, format="long", locale=locale)


def language_name(lang: str, in_lang: str | None = None) -> str:
    """The language's name, in itself (``español``) or in another (``inglés``)."""
    try:
        locale = Locale.parse(lang.replace("-", "_"))
        shown_in = Locale.parse(in_lang.replace("-", "_")) if in_lang else locale
        return locale.get_display_name(shown_in) or lang
    except (ValueError, UnknownLocaleError):
        return lang


def text_direction(lang: str) -> str:
    """``rtl`` for Arabic, Hebrew, Persian, Urdu...: set on the page, so the layout
    mirrors (columns, lists, alignment) and lines read the right way."""
    try:
        order = Locale.parse(lang.replace("-", "_")).character_order
    except (ValueError, UnknownLocaleError):
        return "ltr"
    return "rtl" if order == "right-to-left" else "ltr"
