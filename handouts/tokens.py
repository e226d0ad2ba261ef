"""The design tokens a brand sets: CSS custom properties on ``:root``, checked before
anything renders.

A brand's look is a stylesheet that overrides the custom properties declared in
``styles/base.css``. The templates put text of some tokens on the background of others
(``PAIRS``); each pair must meet WCAG AA contrast, 4.5:1 for body text and 3:1 for large
headings. A brand that fails prints text some patients cannot read, so it is reported
with the ratio, as a warning (an error under ``--strict``). The font tokens must name
families installed as Python packages, or the PDF would depend on the machine's fonts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import tinycss2
from coloraide import Color

from handouts.defaults import default_styles
from handouts.errors import Location, Problem
from handouts.fonts import font_families

AA_BODY = 4.5
AA_LARGE = 3.0


@dataclass(frozen=True)
class Pair:
    text: str
    background: str
    minimum: float
    used_for: str


# Where the templates and default styles put one token's color on another's. A new
# component that sets text on a colored background adds its pair here.
PAIRS: tuple[Pair, ...] = (
    Pair("--ink", "--paper", AA_BODY, "body text"),
    Pair("--ink-soft", "--paper", AA_BODY, "secondary text and the footer"),
    Pair("--brand-primary", "--paper", AA_BODY, "the small heading above the title"),
    Pair("--brand-primary-dark", "--paper", AA_LARGE, "headings"),
    Pair("--ink", "--brand-tint", AA_BODY, "key points and shaded table rows"),
    Pair("--ink-soft", "--brand-tint", AA_BODY, "citations in shaded table rows"),
    Pair("--brand-primary-dark", "--brand-tint", AA_BODY, "row names in shaded table rows"),
    Pair("--on-primary", "--brand-primary", AA_BODY, "step numbers and table headings"),
    Pair("--header-ink", "--header-bg", AA_LARGE, "the clinic name in the header"),
    Pair("--header-ink-soft", "--header-bg", AA_BODY, "the header's smaller text"),
    Pair("--header-phone", "--header-phone-bg", AA_LARGE, "the phone number in the header"),
    Pair("--urgent", "--urgent-tint", AA_BODY, "the 911 box heading"),
    Pair("--ink", "--urgent-tint", AA_BODY, "the 911 box text"),
    Pair("--caution", "--caution-tint", AA_BODY, "the care-team box heading"),
    Pair("--ink", "--caution-tint", AA_BODY, "the care-team box text"),
    Pair("--draft", "--paper", AA_BODY, "the draft status line"),
)
FONT_TOKENS = ("--font-body", "--font-heading")
GENERIC_FAMILIES = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"}
ROOT_SELECTORS = {":root", "html"}
_VAR = re.compile(r"var\(\s*(--[\w-]+)\s*(?:,\s*([^()]*(?:\([^()]*\)[^()]*)*))?\)")


@dataclass(frozen=True)
class Token:
    value: str
    location: Location


def read_tokens(path: Path) -> tuple[dict[str, Token], list[Problem]]:
    """Custom properties declared on ``:root`` (or ``html``) in one stylesheet."""
    rules, _encoding = tinycss2.parse_stylesheet_bytes(
        path.read_bytes(), skip_comments=True, skip_whitespace=True
    )
    tokens: dict[str, Token] = {}
    problems: list[Problem] = []
    for rule in rules:
        if rule.type == "error":
            where = Location(path, rule.source_line, rule.source_column)
            problems.append(Problem(where, f"CSS syntax error: {rule.message}", "warning"))
            continue
        if rule.type != "qualified-rule":
            continue
        selectors = {s.strip() for s in tinycss2.serialize(rule.prelude).split(",")}
        if not selectors & ROOT_SELECTORS:
            continue
        for decl in tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True):
            if decl.type == "declaration" and decl.name.startswith("--"):
                value = tinycss2.serialize(decl.value).strip()
                tokens[decl.name] = Token(
                    value, Location(path, decl.source_line, decl.source_column)
                )
    return tokens, problems


def resolve(name: str, tokens: dict[str, Token]) -> str | None:
    """A token's value with every ``var()`` replaced; None if it is not defined."""
    token = tokens.get(name)
    if token is None:
        return None
    value = token.value
    for _ in range(10):  # a longer chain is a cycle
        replaced = _VAR.sub(lambda m: _lookup(m, tokens), value)
        if replaced == value:
            return value
        value = replaced
    return None


def _lookup(match: re.Match[str], tokens: dict[str, Token]) -> str:
    found = tokens.get(match[1])
    return found.value if found else (match[2] or "").strip()


def declared_families(paths: Sequence[Path]) -> set[str]:
    """Families the stylesheets declare themselves with ``@font-face``. Their files are
    the stylesheet's own (checked against the allowed folders like any other URL), so a
    script the fontpkg packages lack, such as Chinese, can be set in a font the brand
    ships beside its stylesheet."""
    families = set()
    for path in paths:
        rules = tinycss2.parse_stylesheet_bytes(path.read_bytes(), skip_comments=True)[0]
        for rule in rules:
            if rule.type != "at-rule" or rule.lower_at_keyword != "font-face" or not rule.content:
                continue
            for decl in tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True):
                if decl.type == "declaration" and decl.lower_name == "font-family":
                    families.add(first_family(tinycss2.serialize(decl.value).strip()))
    return families


def merge_tokens(
    defaults: Path, overrides: Sequence[Path]
) -> tuple[dict[str, Token], set[str], list[Problem]]:
    """The tokens in force once ``overrides`` (a brand's stylesheet, then the user's) are
    applied over the defaults, the names the overrides set, and parse problems."""
    tokens, problems = read_tokens(defaults)
    theirs: set[str] = set()
    for path in overrides:
        found, parse_problems = read_tokens(path)
        tokens.update(found)
        theirs.update(found)
        problems += parse_problems
    return tokens, theirs, problems


def first_family(value: str) -> str:
    """The family a ``font-family`` value asks for first, without quotes."""
    return value.split(",")[0].strip().strip("\"'")


def check_tokens(defaults: Path, overrides: Sequence[Path]) -> list[Problem]:
    """Problems with the tokens the overrides set over the defaults. Pairs the
    overrides do not touch are the defaults' business."""
    tokens, theirs, problems = merge_tokens(defaults, overrides)
    problems += _contrast(tokens, theirs)
    problems += _fonts(tokens, theirs, declared_families(overrides))
    return problems


def contrast_ratio(text: str, background: str, paper: str = "white") -> float:
    """WCAG 2.1 contrast of ``text`` over ``background`` over ``paper``, alpha composited."""
    ground = Color.layer([background, paper])
    return Color.layer([text, ground]).contrast(ground, method="wcag21")


def _contrast(tokens: dict[str, Token], theirs: set[str]) -> list[Problem]:
    problems = []
    paper = resolve("--paper", tokens) or "white"
    for pair in PAIRS:
        involved = {pair.text, pair.background} | _references(pair, tokens)
        if not involved & theirs:
            continue
        text, background = resolve(pair.text, tokens), resolve(pair.background, tokens)
        where = _blame(pair, tokens, theirs)
        if text is None or background is None:
            missing = pair.text if text is None else pair.background
            problems.append(Problem(where, f"{missing} is not defined", "warning"))
            continue
        try:
            ratio = contrast_ratio(text, background, paper)
        except ValueError:
            bad = pair.text if not Color.match(text) else pair.background
            value = text if bad == pair.text else background
            problems.append(Problem(where, f"{bad}: '{value}' is not a color", "warning"))
            continue
        if ratio < pair.minimum:
            problems.append(
                Problem(
                    where,
                    f"{pair.text} ({text}) on {pair.background} ({background}) has contrast "
                    f"{ratio:.2f}:1, below the {pair.minimum:g}:1 WCAG AA needs for "
                    f"{pair.used_for}",
                    "warning",
                )
            )
    return problems


def _references(pair: Pair, tokens: dict[str, Token]) -> set[str]:
    """Tokens a pair's values reach through ``var()``: overriding one changes the pair."""
    found: set[str] = set()
    todo = [pair.text, pair.background, "--paper"]
    while todo:
        token = tokens.get(todo.pop())
        for name in _VAR.findall(token.value if token else ""):
            if name[0] not in found:
                found.add(name[0])
                todo.append(name[0])
    return found


def _blame(pair: Pair, tokens: dict[str, Token], theirs: set[str]) -> Location:
    """The override that set this pair: its text color if it set it, else its background."""
    for name in (pair.text, pair.background, *sorted(_references(pair, tokens))):
        if name in theirs:
            return tokens[name].location
    return tokens[pair.text].location


def _fonts(tokens: dict[str, Token], theirs: set[str], declared: set[str]) -> list[Problem]:
    problems = []
    known = font_families() | declared | GENERIC_FAMILIES
    for name in FONT_TOKENS:
        if name not in theirs:
            continue
        first = first_family(resolve(name, tokens) or "")
        if first and first not in known:
            installed = ", ".join(sorted(font_families()))
            problems.append(
                Problem(
                    tokens[name].location,
                    f"{name}: font '{first}' is not installed as a Python package, so the "
                    f"PDF would use whatever font the machine has (installed: {installed}; "
                    "add a fontpkg-* dependency, or an @font-face with the font file beside "
                    "the stylesheet, to use another)",
                    "warning",
                )
            )
    return problems


def body_family(stylesheets: Sequence[Path]) -> str:
    """The family body text is set in once ``stylesheets`` apply over the defaults."""
    tokens, _, _ = merge_tokens(default_styles() / "base.css", stylesheets)
    return first_family(resolve("--font-body", tokens) or "")
