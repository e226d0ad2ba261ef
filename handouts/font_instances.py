"""Static instances of the installed variable fonts, made once and kept in the cache.

PDF has no variable fonts, so WeasyPrint turns every variable face a document uses
into a static one with fontTools at each ``write_pdf``: for every document, again
(7-21% of a handout). Here each static instance is made once per machine, keyed by
the font file, the weight and the fontTools version, and declared to WeasyPrint with
``@font-face`` ahead of the variable file, which stays declared after it. A static
face with ``font-weight: W`` and a variable face without a weight match a request for
weight W equally well, and Fontconfig then takes the face declared first: the static
one. A weight no instance has gets the variable face, as before. Either way the
glyphs are those of the same weight, so pages look the same.

Which instances: the stylesheets are read (never laid out) for the family names and
weights their font properties can ask for, through custom properties too, with the
bold of WeasyPrint's own stylesheet and ``bolder``/``lighter`` of those. Reading the
CSS rather than recording a layout keeps the set a function of the project's files,
so a document never depends on what the cache held; a weight the CSS does not name
(or not a multiple of 100, which WeasyPrint's ``@font-face`` cannot declare) still
prints right, through the variable face at WeasyPrint's cost.

Faces with an optical-size axis (Source Serif 4) stay variable. WeasyPrint sets opsz
to the font size, so each size needs its own instance; two static files of one family
and weight are embedded as one (WeasyPrint keys its fonts by family, weight and style),
so each size would need its own family name, matched through the size Fontconfig reads
from the OS/2 table, which Fontconfig 2.14 does not read in the unit the OpenType
specification gives. And with every weight and size the stylesheets name, that is
over a hundred instances of 11 s each for one family, to save about 0.1 s a document.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import multiprocessing
import signal
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import tinycss2
from tinycss2 import ast

from handouts.cache import cache_folder, store_file
from handouts.defaults import default_styles
from handouts.fonts import font_files

if TYPE_CHECKING:
    from handouts.project import Project

KIND = "fonts"  # the cache folder: cache_folder(KIND)
# Changes whenever an instance is made differently, so old entries are not reused.
FORMAT = 1
# Weights that are always possible: WeasyPrint's default stylesheet sets headings, b,
# strong and th bold, and everything else is normal.
DEFAULT_WEIGHTS = frozenset({400, 700})
# A face is instanced when weight is its only axis; any other (optical size, width,
# slant, italic, a custom one) keeps it variable: WeasyPrint sets those itself.
AXES = frozenset({"wght"})
_FONT_PROPERTIES = ("font", "font-family", "font-weight")
MAX_VAR_DEPTH = 8  # custom properties naming custom properties (a cycle stops here)


@dataclass(frozen=True, order=True)
class Instance:
    """One static instance of a variable face: its family and style as the stylesheets
    name them, and the weight."""

    family: str
    style: str
    weight: int
    source: Path

    @property
    def location(self) -> dict[str, float]:
        return {"wght": float(self.weight)}

    @property
    def key(self) -> str:
        from fontTools import version

        parts = [FORMAT, version, _file_hash(self.source), sorted(self.location.items())]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()

    @property
    def path(self) -> Path:
        return cache_folder(KIND) / f"{self.key}.ttf"

    def describe(self) -> str:
        return f"{self.family} {self.weight}{' italic' if self.style == 'italic' else ''}"


@dataclass(frozen=True)
class Demands:
    """What a set of stylesheets can ask of the fonts: family names (lower case) and
    weights."""

    families: frozenset[str] = frozenset()
    weights: frozenset[int] = DEFAULT_WEIGHTS


class InstanceProgress(Protocol):
    """What filling the cache reports: how many instances it makes, then each one
    (progress.Progress shows it)."""

    def fonts_start(self, total: int) -> None: ...

    def font_made(self, instance: Instance, seconds: float) -> None: ...


@dataclass
class Prepared:
    instances: tuple[Instance, ...]  # every instance the project's fonts get
    made: list[Instance] = field(default_factory=list)  # those this call made


def project_stylesheets(project: Project) -> list[Path]:
    """Every stylesheet a build of the project may use: the defaults, every CSS file of
    the project's styles folder (brands and what they import), the extra ones."""
    found = sorted(default_styles().glob("*.css"))
    styles = project.config.styles_dir
    if styles.is_dir():
        found += sorted(styles.rglob("*.css"))
    found += [brand.stylesheet for brand in project.brands.values() if brand.stylesheet]
    found += project.stylesheets
    return list(dict.fromkeys(path.resolve() for path in found))


def project_instances(project: Project) -> tuple[Instance, ...]:
    """The instances the project's stylesheets call for. One set for the whole project,
    not per brand: a worker process renders every brand with one font configuration."""
    return instances_for(read_demands(project_stylesheets(project)))


def instances_for(demands: Demands) -> tuple[Instance, ...]:
    """An instance for each installed variable face of a family the demands name, at
    each weight it can be declared for (within the axis: a lighter request gets the
    lightest weight there is, from either face)."""
    found: set[Instance] = set()
    for family, weight, style, path in font_files():
        if weight or family.lower() not in demands.families:
            continue  # a static face, or a family no stylesheet names
        axes = _axes(path)
        if axes is None or "wght" not in axes or not set(axes) <= AXES:
            continue
        low, high = axes["wght"]
        for w in {min(max(w, low), high) for w in demands.weights}:
            if w % 100 == 0:  # what @font-face font-weight can say in WeasyPrint
                found.add(Instance(family, style, int(w), path))
    return tuple(sorted(found))


@cache
def _axes(path: Path) -> dict[str, tuple[float, float]] | None:
    """The variation axes of a font file and their ranges; None for a static font."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        if "fvar" not in font:
            return None
        return {axis.axisTag: (axis.minValue, axis.maxValue) for axis in font["fvar"].axes}


@cache
def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_demands(paths: Sequence[Path]) -> Demands:
    """Families and weights the stylesheets name in font properties,
    directly or through the custom properties those use (``var(--font-heading)``)."""
    declarations = [d for path in paths for d in _declarations(_rules(path))]
    custom: dict[str, list[list[ast.Node]]] = {}
    for name, value in declarations:
        if name.startswith("--"):
            custom.setdefault(name, []).append(value)
    families: set[str] = set()
    weights: set[int] = set(DEFAULT_WEIGHTS)
    keywords: set[str] = set()
    for name, value in declarations:
        if name not in _FONT_PROPERTIES:
            continue
        for tokens in _expanded(value, custom):
            if name in {"font", "font-family"}:
                families |= _family_names(tokens)
            if name in {"font", "font-weight"}:
                weights |= _weights(tokens, keywords, shorthand=name == "font")
    while more := {_relative(w, keyword) for w in weights for keyword in keywords} - weights:
        weights |= more  # bolder of bolder (a <strong> in a <strong>): 400, 700, 900
    return Demands(frozenset(families), frozenset(weights))


def _expanded(
    tokens: list[ast.Node], custom: dict[str, list[list[ast.Node]]], depth: int = 0
) -> Iterator[list[ast.Node]]:
    """A value, and every value of the custom properties it uses, and of those they
    use (any of them may be the one in force: the cascade is not worked out here)."""
    yield tokens
    if depth < MAX_VAR_DEPTH:
        for name in _vars(tokens):
            for value in custom.get(name, []):
                yield from _expanded(value, custom, depth + 1)


def _rules(path: Path) -> list[ast.Node]:
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return []  # reported where the stylesheet is checked (resources.py)
    return list(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True))


def _declarations(nodes: Iterable[ast.Node]) -> Iterator[tuple[str, list[ast.Node]]]:
    """(lower-case name, value tokens) of every declaration, in @media, @supports,
    @page and its margin boxes too."""
    for node in nodes:
        content = getattr(node, "content", None)
        if content is None:
            continue
        if isinstance(node, ast.AtRule) and node.lower_at_keyword in {"media", "supports"}:
            yield from _declarations(tinycss2.parse_rule_list(content, skip_comments=True))
            continue
        for item in tinycss2.parse_blocks_contents(content, skip_comments=True):
            if isinstance(item, ast.Declaration):
                name = item.name if item.name.startswith("--") else item.lower_name
                yield name, item.value
            elif isinstance(item, ast.AtRule | ast.QualifiedRule):
                yield from _declarations([item])


def _vars(tokens: Iterable[ast.Node]) -> Iterator[str]:
    for token in tokens:
        if isinstance(token, ast.FunctionBlock):
            if token.lower_name == "var":
                yield from (t.value for t in token.arguments if isinstance(t, ast.IdentToken))
            yield from _vars(token.arguments)


def _family_names(tokens: Iterable[ast.Node]) -> set[str]:
    """Each comma-separated name: a string, or identifiers with the numbers after them
    (Source Sans 3). Anything else (the size in a ``font`` shorthand) starts anew."""
    names: set[str] = set()
    words: list[str] = []
    for token in [*tokens, ast.LiteralToken(0, 0, ",")]:
        if isinstance(token, ast.StringToken):
            names.add(token.value.lower())
        elif isinstance(token, ast.IdentToken):
            words.append(token.value)
        elif isinstance(token, ast.NumberToken) and words:
            words.append(token.representation)
        elif isinstance(token, ast.WhitespaceToken):
            continue
        else:
            if isinstance(token, ast.LiteralToken) and token.value == "," and words:
                names.add(" ".join(words).lower())
            words = []
    return names


def _weights(tokens: Iterable[ast.Node], keywords: set[str], shorthand: bool) -> set[int]:
    """The weights named; in a ``font`` shorthand, only before the size (after it come
    the line height and the family, Source Sans 3 included)."""
    found = set()
    for token in tokens:
        if shorthand and isinstance(token, ast.DimensionToken | ast.PercentageToken):
            break
        if isinstance(token, ast.NumberToken) and 1 <= token.value <= 1000 and token.is_integer:
            found.add(int(token.value))
        elif isinstance(token, ast.IdentToken):
            keyword = token.lower_value
            if keyword in {"normal", "bold"}:
                found.add(400 if keyword == "normal" else 700)
            elif keyword in {"bolder", "lighter"}:
                keywords.add(keyword)
    return found


def _relative(weight: int, keyword: str) -> int:
    """CSS ``bolder`` and ``lighter`` of a weight (CSS Fonts 4, 2.2)."""
    if keyword == "bolder":
        return 400 if weight < 350 else 700 if weight < 550 else 900
    return 100 if weight < 550 else 400 if weight < 750 else 700


def make(instance: Instance) -> bytes:
    """The static font: the same bytes for the same key (the file's own dates kept)."""
    from fontTools.ttLib import TTFont
    from fontTools.varLib.instancer import instantiateVariableFont

    font = TTFont(instance.source, recalcTimestamp=False)
    static = instantiateVariableFont(font, instance.location, static=True)
    buffer = io.BytesIO()
    static.save(buffer)
    return buffer.getvalue()


def store(instance: Instance) -> Path:
    """Make the instance and put it in the cache: written beside its place and renamed
    into it, so another process sees the whole file or none (two processes making the
    same one at once write the same bytes)."""
    store_file(instance.path, make(instance))
    return instance.path


def ensure(
    instances: Sequence[Instance], progress: InstanceProgress | None = None, workers: int = 1
) -> tuple[tuple[Instance, ...], list[Instance]]:
    """The instances now in the cache, making the missing ones (in up to ``workers``
    processes); and those made."""
    missing = [i for i in instances if not i.path.is_file()]
    if progress is not None and missing:
        progress.fonts_start(len(missing))
    made = []
    for instance, seconds in _store_all(missing, workers):
        made.append(instance)
        if progress is not None:
            progress.font_made(instance, seconds)
    return tuple(i for i in instances if i.path.is_file()), made


def _store_all(missing: list[Instance], workers: int) -> Iterator[tuple[Instance, float]]:
    """Each instance made and stored, with the seconds it took, as they finish. One that
    fails (a cache that cannot be written, a font fontTools cannot instance) is left
    out: its variable face serves, and WeasyPrint instances it as before."""
    if workers <= 1 or len(missing) <= 1:
        for instance in missing:
            with contextlib.suppress(Exception):
                yield instance, _timed_store(instance)
        return
    # The largest fonts first, so that no process is left with one at the end. Spawned,
    # not forked: the parent may run a progress display's thread.
    ordered = sorted(missing, key=lambda i: -i.source.stat().st_size)
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(min(workers, len(missing)), context, _ignore_interrupts)
    try:
        futures = {pool.submit(_timed_store, instance): instance for instance in ordered}
        for future in as_completed(futures):
            with contextlib.suppress(Exception):
                yield futures[future], future.result()
    except BaseException:
        # Ctrl-C: nothing more is started; an instance being made is finished and kept.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _ignore_interrupts() -> None:
    # Ctrl-C reaches the whole process group: the parent stops the pool (as batch.py).
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _timed_store(instance: Instance) -> float:
    started = time.monotonic()
    store(instance)
    return time.monotonic() - started


def prepare(
    project: Project, progress: InstanceProgress | None = None, workers: int = 1
) -> Prepared:
    """Fill the cache with every instance the project's fonts get, in up to ``workers``
    processes (``handouts fonts``; a build does the same before it renders)."""
    ready, made = ensure(project_instances(project), progress, workers)
    return Prepared(ready, made)


def font_cache_folder() -> Path:
    return cache_folder(KIND)


__all__ = [
    "Demands",
    "Instance",
    "InstanceProgress",
    "Prepared",
    "ensure",
    "font_cache_folder",
    "instances_for",
    "make",
    "prepare",
    "project_instances",
    "read_demands",
]
