"""Which characters a brand's fonts can draw, and which text they cannot.

A character that none of the fonts a page names has is not left out: Pango quietly sets
it in some font of the machine, so the PDF looks different on every computer and may
show empty boxes. A clinic name in Greek or a translation into Hindi on a brand whose
fonts are Latin only is therefore a warning that names the file, the field and the
characters, before anything renders. Coverage is read from the fonts' own character
maps (fontTools, which WeasyPrint installs): the fontpkg families and the files a
stylesheet declares with ``@font-face``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import tinycss2
from fontTools.ttLib import TTFont, TTLibError
from tinycss2.ast import FunctionBlock, URLToken

from handouts.defaults import default_styles
from handouts.errors import Location, Problem, display_path
from handouts.fonts import font_files
from handouts.readers import Key, SourceFile
from handouts.tokens import FONT_TOKENS, GENERIC_FAMILIES, merge_tokens, resolve

# Clinic fields that print (logo_alt is read aloud, not drawn).
PRINTED_CLINIC_FIELDS = ("name", "department", "emergency", "address")
SHOWN = 12  # characters quoted in a warning


@dataclass(frozen=True)
class Coverage:
    """The fonts a brand's pages name (``--font-body``, ``--font-heading``) and the
    characters every one of those font stacks can draw."""

    families: tuple[str, ...]
    chars: frozenset[int]
    stylesheet: str  # where to add a font: the brand's stylesheet

    def missing(self, text: str) -> list[str]:
        """Letters, marks and digits of ``text`` some font stack cannot draw, once each.
        Symbols and punctuation are left out: they are not a script."""
        found: dict[str, None] = {}
        for ch in unicodedata.normalize("NFC", text):
            kind = unicodedata.category(ch)
            if (kind[0] in "LM" or kind == "Nd") and ord(ch) not in self.chars:
                found[ch] = None
        return list(found)


def script_names(chars: Sequence[str]) -> str:
    """The scripts of some characters as Unicode names them: "Greek", "CJK"."""
    names: dict[str, None] = {}
    for ch in chars:
        word = unicodedata.name(ch, "UNKNOWN").split(" ")[0]
        names[word if len(word) <= 3 else word.title()] = None
    return " and ".join(names)


@cache
def _cmap(path: Path) -> frozenset[int] | None:
    """The characters a font file has; None when it cannot be read."""
    try:
        with TTFont(path, lazy=True, fontNumber=0) as font:
            return frozenset(font.getBestCmap() or {})
    except (TTLibError, OSError, ValueError, KeyError, AssertionError, ImportError):
        return None


def declared_files(paths: Sequence[Path]) -> dict[str, list[Path]]:
    """The local font files each ``@font-face`` family of the stylesheets names."""
    files: dict[str, list[Path]] = {}
    for path in paths:
        rules = tinycss2.parse_stylesheet_bytes(path.read_bytes(), skip_comments=True)[0]
        for rule in rules:
            if rule.type != "at-rule" or rule.lower_at_keyword != "font-face" or not rule.content:
                continue
            family, sources = "", []
            for decl in tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True):
                if decl.type != "declaration":
                    continue
                if decl.lower_name == "font-family":
                    family = tinycss2.serialize(decl.value).strip().strip("\"'")
                elif decl.lower_name == "src":
                    sources += [_local(path, url) for url in _urls(decl.value)]
            files.setdefault(family, []).extend(p for p in sources if p is not None)
    return files


def _urls(tokens: list[Any]) -> Iterator[str]:
    for token in tokens:
        if isinstance(token, URLToken):
            yield token.value
        elif isinstance(token, FunctionBlock) and token.lower_name == "url":
            yield from (t.value for t in token.arguments if t.type == "string")


def _local(stylesheet: Path, url: str) -> Path | None:
    parts = urlsplit(url)
    if parts.scheme not in {"", "file"}:
        return None
    found = (stylesheet.parent / unquote(parts.path)).resolve()
    return found if found.is_file() else None


def coverage(overrides: Sequence[Path], stylesheet: Path | None) -> Coverage | None:
    """What the fonts in force once ``overrides`` apply can draw; None when a font file
    cannot be read or a stack names no font file at all (the font check in tokens.py
    reports that): no guess is better than a false alarm."""
    tokens, _, _ = merge_tokens(default_styles() / "base.css", overrides)
    declared = declared_files(overrides)
    families: dict[str, None] = {}
    chars: frozenset[int] | None = None
    for token in FONT_TOKENS:
        stack: set[int] = set()
        files = 0
        for family in (resolve(token, tokens) or "").split(","):
            name = family.strip().strip("\"'")
            if not name or name in GENERIC_FAMILIES:
                continue
            families[name] = None
            paths = declared.get(name) or [p for f, _, _, p in font_files() if f == name]
            files += len(paths)
            for path in paths:
                found = _cmap(path)
                if found is None:
                    return None
                stack |= found
        if not files:
            return None
        chars = frozenset(stack) if chars is None else chars & stack
    where = display_path(stylesheet) if stylesheet else "the brand's brand.css"
    return Coverage(tuple(families), chars or frozenset(), where)


def uncovered(
    text: str, field: str, where: Location, fonts: Coverage, brands: str
) -> Problem | None:
    """A warning for the characters of ``text`` the fonts cannot draw; None if none."""
    missing = fonts.missing(text)
    if not missing:
        return None
    shown = "".join(missing[:SHOWN]) + ("…" if len(missing) > SHOWN else "")
    return Problem(
        where,
        f"{field} has {script_names(missing)} characters ({shown}) that no font of {brands} "
        f"covers ({', '.join(fonts.families)}), so they would print in whatever font the "
        f"machine has; add an @font-face with a font that has them to {fonts.stylesheet} "
        "and name it in --font-body and --font-heading",
        "warning",
    )


def check_clinic(source: SourceFile, fonts: Coverage, brand: str) -> list[Problem]:
    """The printed fields of a brand.toml's [clinic] and [clinic.<lang>] tables."""
    clinic = source.data.get("clinic") if isinstance(source.data, dict) else None
    if not isinstance(clinic, dict):
        return []
    tables: list[tuple[tuple[str, ...], dict[str, Any]]] = [(("clinic",), clinic)]
    tables += [(("clinic", k), v) for k, v in clinic.items() if isinstance(v, dict)]
    problems = []
    for keys, table in tables:
        for name in PRINTED_CLINIC_FIELDS:
            value = table.get(name)
            if isinstance(value, str):
                where = source.locate((*keys, name))
                found = uncovered(value, ".".join((*keys, name)), where, fonts, f"brand '{brand}'")
                if found:
                    problems.append(found)
    return problems


def check_content(
    documents: Mapping[Path, SourceFile], fonts: Mapping[str, Coverage]
) -> list[Problem]:
    """Content text the fonts of some brand cannot draw: one warning per file and set
    of fonts, at the first field, with the characters of the whole file."""
    by_fonts: dict[Coverage, list[str]] = {}
    for name, found in sorted(fonts.items()):
        by_fonts.setdefault(found, []).append(name)
    problems = []
    for source in documents.values():
        strings = list(_strings(source.data, ()))
        for found, names in by_fonts.items():
            brands = ("brand " if len(names) == 1 else "brands ") + ", ".join(
                f"'{n}'" for n in names
            )
            fields = [(keys, found.missing(text)) for keys, text in strings]
            fields = [(keys, missing) for keys, missing in fields if missing]
            if not fields:
                continue
            keys, _ = fields[0]
            label = ".".join(str(k) for k in keys)
            if len(fields) > 1:
                label += f" (and {len(fields) - 1} more fields)"
            text = "".join(dict.fromkeys(ch for _, missing in fields for ch in missing))
            problem = uncovered(text, label, source.locate(keys), found, brands)
            if problem:
                problems.append(problem)
    return problems


def _strings(data: Any, keys: tuple[Key, ...]) -> Iterator[tuple[tuple[Key, ...], str]]:
    if isinstance(data, str):
        yield keys, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*keys, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*keys, index))
