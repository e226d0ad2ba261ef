"""Readers: YAML and TOML input files read with positions, and validated with pydantic.

Content comes from educators and configuration from IT staff, so every error must say
which file, line and column it is about. ruamel.yaml keeps a position for every node
and rejects duplicate keys (PyYAML silently keeps the last one); its YAML 1.2 rules
read ``NO`` and ``10:30`` as text, not as a boolean or a number of minutes.

Reading is bounded like rendering: a file is read only when it is a regular file no
larger than a cap, and YAML anchors, aliases and merge keys are refused while parsing,
so neither ``/dev/zero``, a FIFO nor a "billion laughs" document can stall a command.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import stat
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import ruamel.yaml
from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, ScalarEvent
from ruamel.yaml.nodes import MappingNode

from handouts import cache
from handouts.errors import Location, Problem

Key = str | int
M = TypeVar("M", bound=BaseModel)

# The largest content or configuration file read, in KB (the max_input_kb setting).
# The bundled files are about 5 KB; 256 KB parses in a fraction of a second.
DEFAULT_MAX_INPUT_KB = 256
MAX_INPUT_SETTING = "max_input_kb"


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


class _Refused(MarkedYAMLError):
    """Valid YAML that content files do not use."""


_NO_REFERENCES = "content files do not use anchors, aliases or merge keys: write the text out"
_MERGE_TAG = "tag:yaml.org,2002:merge"
# Content nests four or five levels deep; composing recurses once per level, so a file
# of ``[[[[...`` would otherwise end in Python's recursion limit.
MAX_DEPTH = 20


class _Composer(Composer):
    """ruamel's composer, refusing anchors (``&a``), aliases (``*a``), merge keys
    (``<<``) and deep nesting the moment the parser meets them. Content never needs
    them, and an alias is how a few hundred bytes ("billion laughs") expand into
    gigabytes: refusing the first anchor stops such a file before anything expands."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent):
            raise _refused(f"alias *{event.anchor}", event)
        if event.anchor is not None:
            raise _refused(f"anchor &{event.anchor}", event)
        if self.depth >= MAX_DEPTH:
            why = f"nested more than {MAX_DEPTH} levels deep; content files are a few levels"
            raise _Refused(None, None, why, event.start_mark)
        # A mapping's key is composed with no index; a plain ``<<`` there merges.
        tag = getattr(event, "ctag", None)
        if (
            isinstance(parent, MappingNode)
            and index is None
            and isinstance(event, ScalarEvent)
            and event.value == "<<"
            and event.style is None
            and (tag is None or str(tag) == _MERGE_TAG)
        ):
            raise _refused("merge key <<", event)
        return super().compose_node(parent, index)


def _refused(what: str, event: Any) -> _Refused:
    return _Refused(None, None, f"{what} refused; {_NO_REFERENCES}", event.start_mark)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")  # round-trip loader: the only one that records positions
    yaml.Composer = _Composer
    yaml.Constructor = _Constructor
    yaml.allow_duplicate_keys = False
    return yaml


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_regular(path: Path, mode: int) -> InputError:
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    what = kind
    if path.is_symlink():
        what = f"a link to {os.path.realpath(path)}, which is {kind}"
    message = f"not a regular file: {what}; content and settings are read only from files"
    return InputError(Problem(Location(path), message))


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.1f} MB" if count >= 1024 * 1024 else f"{count / 1024:.0f} KB"


def _too_large(
    path: Path, size: int, limit_kb: int, setting: str | None, *, more: bool = False
) -> InputError:
    how = f" ({setting} in handouts.toml)" if setting else ""
    size_text = f"more than {limit_kb} KB" if more else _size(size)
    message = (
        f"the file is {size_text}; content and configuration files may be at most "
        f"{limit_kb} KB{how}"
    )
    return InputError(Problem(Location(path), message))


def read_input(
    path: Path, *, max_kb: int = DEFAULT_MAX_INPUT_KB, setting: str | None = MAX_INPUT_SETTING
) -> str:
    """The text of a content or configuration file, refused with a located problem
    unless it is a regular file (a link to one is fine) of at most ``max_kb`` KB, in
    UTF-8 (a byte-order mark is allowed). ``setting`` names what raises the cap.

    The file's type is checked before it is opened: opening a FIFO for reading waits
    for a writer, and ``/dev/zero`` never ends. It is opened without blocking and
    checked again (it may have been swapped since), and at most one byte more than the
    cap is read, so a file that grows meanwhile is refused too."""
    limit = max_kb * 1024
    try:
        info = path.stat()  # follows a link: its target is what is read
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(path, info.st_mode)
        if info.st_size > limit:
            raise _too_large(path, info.st_size, max_kb, setting)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        try:
            opened = os.fstat(fd)
            if not stat.S_ISREG(opened.st_mode):
                raise _not_regular(path, opened.st_mode)
            chunks: list[bytes] = []
            left = limit + 1
            while left > 0 and (chunk := os.read(fd, min(left, 1 << 16))):
                chunks.append(chunk)
                left -= len(chunk)
        finally:
            os.close(fd)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError(Problem(Location(path), f"cannot read file: {reason}")) from exc
    data = b"".join(chunks)
    if len(data) > limit:  # it grew since, or its size is not known (/proc)
        raise _too_large(path, len(data), max_kb, setting, more=True)
    return decode(path, data)


_BOM = b"\xef\xbb\xbf"


def decode(path: Path, data: bytes) -> str:
    """UTF-8 text, or a problem at the line and column of the first byte that is not."""
    data = data.removeprefix(_BOM)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        column = len(data[start : exc.start].decode("utf-8", errors="replace")) + 1
        byte = data[exc.start]
        guess = bytes([byte]).decode("cp1252", errors="replace")
        seen = f" ('{guess}' in Windows-1252)" if guess.isprintable() and guess != "\ufffd" else ""
        raise InputError(
            Problem(
                Location(path, line, column),
                f"the file is not UTF-8: byte 0x{byte:02X}{seen} cannot be read; it is "
                "probably in Windows-1252 or Latin-1: save it again as UTF-8",
            )
        ) from exc


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def load_yaml(
    path: Path, *, max_kb: int = DEFAULT_MAX_INPUT_KB, setting: str | None = MAX_INPUT_SETTING
) -> SourceFile:
    text = read_input(path, max_kb=max_kb, setting=setting)
    key = _parse_key(text)
    if (parsed := _parsed(key)) is not None:
        return SourceFile(path, *parsed)
    try:
        node = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        reason = _one_line(" ".join(filter(None, [exc.context, exc.problem])) or str(exc))
        if not isinstance(exc, _Refused):
            reason = f"invalid YAML: {reason}"
        raise InputError(Problem(Location(path, line, column), reason)) from exc
    except YAMLError as exc:
        message = re.sub(r"\s+", " ", str(exc)).strip()
        raise InputError(Problem(Location(path), f"invalid YAML: {message}")) from exc
    source = SourceFile(path, None)
    source.data = _plain(node, (), source.positions)
    if _plain_json(source.data):
        positions = [[list(at), line, column] for at, (line, column) in source.positions.items()]
        cache.write_json(_PARSED, key, {"data": source.data, "positions": positions})
    return source


# ruamel.yaml's round-trip parser is pure Python: about 10 ms per KB, most of a command
# that renders nothing. A file that parsed once parses the same way again, so what a
# parse gave is kept in the per-user cache under the hash of the text and of what
# shapes the result (this reader's rules and ruamel's version). Files that fail are
# parsed every time, so their errors are always reported.
_PARSED = "parsed-yaml"
_PARSER = f"ruamel.yaml {ruamel.yaml.__version__}; depth {MAX_DEPTH}; format 1"


def _parse_key(text: str) -> str:
    return hashlib.sha256(f"{_PARSER}\n{text}".encode()).hexdigest()


def _parsed(key: str) -> tuple[Any, dict[tuple[Key, ...], tuple[int, int]]] | None:
    entry: Any = cache.read_json(_PARSED, key)
    try:
        positions = {tuple(at): (line, column) for at, line, column in entry["positions"]}
        return entry["data"], positions
    except (TypeError, KeyError, ValueError):
        return None  # no entry, or not one this reader wrote


def _plain_json(value: Any) -> bool:
    """Whether ``value`` reads back from JSON as it is (not so for a ``!!set``, say)."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain_json(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain_json(item) for item in value)
    return value is None or type(value) in (str, bool, int, float)


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


def load_toml(
    path: Path, *, max_kb: int = DEFAULT_MAX_INPUT_KB, setting: str | None = MAX_INPUT_SETTING
) -> SourceFile:
    text = read_input(path, max_kb=max_kb, setting=setting)
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
    dotted = dotted_path(loc)
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


def dotted_path(loc: tuple[Key, ...]) -> str:
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
