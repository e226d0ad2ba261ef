"""Reading YAML and TOML input files with positions, and validating them with pydantic.

Content comes from educators and configuration from IT staff, so every error must say
which file, line and column it is about. ruamel.yaml keeps a position for every node
and rejects duplicate keys (PyYAML silently keeps the last one); its YAML 1.2 rules
read ``NO`` and ``10:30`` as text, not as a boolean or a number of minutes.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from handouts.errors import Location, Problem

Key = str | int
M = TypeVar("M", bound=BaseModel)


@dataclass
class SourceFile:
    """A parsed input file: plain Python data plus where each value came from."""

    path: Path
    data: Any
    positions: dict[tuple[Key, ...], tuple[int, int]] = field(default_factory=dict)

    def locate(self, loc: Iterable[Key]) -> Location:
        """The position of the deepest part of ``loc`` present in the file."""
        parts = tuple(loc)
        while parts:
            if parts in self.positions:
                line, column = self.positions[parts]
                return Location(self.path, line, column)
            parts = parts[:-1]
        return Location(self.path, 1, 1) if self.positions else Location(self.path)


class InputError(Exception):
    """An input file could not be read or parsed; carries a located problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class _Constructor(RoundTripConstructor):
    """ruamel's round-trip constructor with nothing implicit: a date stays text until
    the model parses it (so a bad date is a located field error, not a crash), and an
    unknown tag (``!!python/object/apply:...``) is refused where it stands."""

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        return self.construct_scalar(node)

    def construct_undefined(self, node: Any) -> Any:
        raise ConstructorError(
            None, None, f"the tag {node.tag!r} is not allowed in content files", node.start_mark
        )


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)
_Constructor.add_constructor(None, _Constructor.construct_undefined)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")  # round-trip loader: the only one that records positions
    yaml.Constructor = _Constructor
    yaml.allow_duplicate_keys = False
    return yaml


def load_yaml(path: Path) -> SourceFile:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(Problem(Location(path), f"cannot read file: {exc}")) from exc
    try:
        node = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        reason = " ".join(filter(None, [exc.context, exc.problem])) or str(exc)
        reason = re.sub(r"\s+", " ", reason).strip()
        raise InputError(Problem(Location(path, line, column), f"invalid YAML: {reason}")) from exc
    except YAMLError as exc:
        message = re.sub(r"\s+", " ", str(exc)).strip()
        raise InputError(Problem(Location(path), f"invalid YAML: {message}")) from exc
    source = SourceFile(path, None)
    source.data = _plain(node, (), source.positions)
    return source


def _plain(node: Any, here: tuple[Key, ...], positions: dict[tuple[Key, ...], Any]) -> Any:
    """Turn ruamel's round-trip nodes into plain dicts, lists and scalars, noting positions."""
    if isinstance(node, CommentedMap):
        result: dict[Any, Any] = {}
        for key, value in node.items():
            line, column = node.lc.key(key)
            positions[(*here, key)] = (line + 1, column + 1)
            result[str(key) if not isinstance(key, str) else key] = _plain(
                value, (*here, key), positions
            )
        return result
    if isinstance(node, CommentedSeq):
        items = []
        for index, value in enumerate(node):
            line, column = node.lc.item(index)
            positions[(*here, index)] = (line + 1, column + 1)
            items.append(_plain(value, (*here, index), positions))
        return items
    if isinstance(node, str):
        return str(node)  # drop ruamel's ScalarString subclasses
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node


_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def load_toml(path: Path) -> SourceFile:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(Problem(Location(path), f"cannot read file: {exc}")) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_POSITION.search(str(exc))
        line, column = (int(match[1]), int(match[2])) if match else (0, 0)
        reason = _TOML_POSITION.sub("", str(exc)).strip()
        raise InputError(Problem(Location(path, line, column), f"invalid TOML: {reason}")) from exc
    return SourceFile(path, data, _toml_positions(text))


_TABLE = re.compile(r"^\s*\[+\s*([^\]]+?)\s*\]+")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=""")


def _toml_positions(text: str) -> dict[tuple[Key, ...], tuple[int, int]]:
    """Line of each table and key. tomllib keeps no positions; keys are simple enough
    in configuration files that a line scan finds them (arrays of tables excepted)."""
    positions: dict[tuple[Key, ...], tuple[int, int]] = {}
    table: tuple[Key, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        if match := _TABLE.match(line):
            table = tuple(part.strip().strip("\"'") for part in match[1].split("."))
            positions.setdefault(table, (number, line.index("[") + 1))
        elif match := _KEY.match(line):
            key = tuple(part.strip("\"'") for part in match[1].split("."))
            positions.setdefault((*table, *key), (number, len(line) - len(line.lstrip()) + 1))
    return positions


def validate(
    model: type[M], source: SourceFile, *, context: Any = None
) -> tuple[M | None, list[Problem]]:
    """Validate a source file against a model; every problem located in the file."""
    try:
        return model.model_validate(source.data, context=context), []
    except ValidationError as exc:
        errors = exc.errors()
    # A misspelt field is reported once, as unknown with a suggestion, not also as missing.
    suggested = set()
    for error in errors:
        if error["type"] == "extra_forbidden":
            loc = _data_path(source.data, error["loc"])
            close = _close_field(model, loc)
            if close:
                suggested.add((*loc[:-1], close))
    return None, [
        _problem(model, source, error)
        for error in errors
        if not (error["type"] == "missing" and _data_path(source.data, error["loc"]) in suggested)
    ]


def _problem(model: type[BaseModel], source: SourceFile, error: Any) -> Problem:
    loc = _data_path(source.data, error["loc"])
    dotted = _dotted(loc)
    kind = error["type"]
    if kind == "missing":
        message = f"missing required field '{dotted}'"
    elif kind == "extra_forbidden":
        message = f"unknown field '{dotted}'" + _did_you_mean(model, loc)
    else:
        text = str(error["msg"]).removeprefix("Value error, ")
        message = f"{dotted}: {text}" if dotted else text
    return Problem(source.locate(loc), message)


def _data_path(data: Any, loc: Iterable[Key]) -> tuple[Key, ...]:
    """Pydantic adds union and validator tags to error paths, and a model may gather
    keys under a field of its own (a brand's ``[clinic.es]`` tables become
    ``clinic.languages.es``); keep the keys of the data."""
    path: list[Key] = []
    node = data
    parts = list(loc)
    for index, part in enumerate(parts):
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            node = node[part]
        elif isinstance(node, dict) and index + 1 < len(parts) and parts[index + 1] in node:
            continue  # a field the model made up: the data's key comes next
        elif isinstance(node, dict) and isinstance(part, str) and not _is_tag(part):
            path.append(part)  # a missing field: name it, stop descending
            break
        else:
            continue
        path.append(part)
    return tuple(path)


def _is_tag(part: str) -> bool:
    return "[" in part or part.startswith(("function-", "list", "dict", "str", "int"))


def _dotted(loc: tuple[Key, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _close_field(model: type[BaseModel], loc: tuple[Key, ...]) -> str | None:
    fields = _fields_at(model, loc[:-1])
    close = difflib.get_close_matches(str(loc[-1]) if loc else "", fields, n=1, cutoff=0.6)
    return close[0] if close else None


def _did_you_mean(model: type[BaseModel], loc: tuple[Key, ...]) -> str:
    close = _close_field(model, loc)
    if close:
        return f"; did you mean '{close}'?"
    fields = _fields_at(model, loc[:-1])
    return f"; expected one of: {', '.join(sorted(fields))}" if fields else ""


def _fields_at(model: type[BaseModel], loc: tuple[Key, ...]) -> list[str]:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = getattr(current, "model_fields", {}).get(part)
        if info is None:
            return []
        current = _model_in(info.annotation)
        if current is None:
            return []
    return list(getattr(current, "model_fields", {}))


def _model_in(annotation: Any) -> Any:
    """The pydantic model inside an annotation such as ``list[Model] | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        if found := _model_in(arg):
            return found
    return None
