"""What a document may read, and a check of every stylesheet before anything renders.

Stylesheets come from brand teams and agencies. WeasyPrint reads any file or URL a
stylesheet names unless its URL fetcher refuses (fetcher.py), so the rule lives here,
once, for both: ``data:`` URLs, and files inside the allowed folders (the project's
templates and styles, each stylesheet's own folder, the package's default templates
and styles, the installed font packages), symlinks resolved first; never a network
URL, and never a device or system file.

The fetcher applies the rule while rendering, when all it knows is the URL. So every
stylesheet is also read here first (tinycss2), and each URL it names is checked with
its file, line and column: an ``@import`` that would be refused is an error (the page
would lose its styles), any other refused ``url()`` a warning (the page is complete
without the image or font), which ``--strict`` makes an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname

import tinycss2
from tinycss2 import ast

from handouts.errors import Location, Problem

# Device and process files are never a resource, even inside a root via a symlink.
FORBIDDEN = (Path("/dev"), Path("/proc"), Path("/sys"))
MAX_IMPORT_DEPTH = 8
_BLOCKS = (ast.CurlyBracketsBlock, ast.SquareBracketsBlock, ast.ParenthesesBlock)


def refusal(url: str, roots: Iterable[Path]) -> str | None:
    """Why ``url`` may not be read, or None when it may."""
    scheme = urlsplit(url).scheme.lower()
    if scheme == "data":
        return None
    if scheme != "file":
        return f"{scheme or 'relative'} URLs are not allowed"
    try:
        path = Path(url2pathname(unquote(urlsplit(url).path))).resolve()
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a NUL byte
        return "not a usable file path"
    if any(path.is_relative_to(bad) for bad in FORBIDDEN):
        return "device and system files are not allowed"
    if not any(path.is_relative_to(root) for root in roots):
        return "outside the project's allowed folders"
    if not path.is_file():
        return "file not found"
    return None


def allowed_roots(folders: Iterable[Path]) -> tuple[Path, ...]:
    return tuple(sorted({Path(folder).resolve() for folder in folders}))


def check_stylesheet(path: Path, roots: Sequence[Path], *, _depth: int = 0) -> list[Problem]:
    """Every URL a stylesheet (and what it imports) names, checked against the rule."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [Problem(Location(path), f"stylesheet cannot be read: {exc}")]
    problems = []
    base = path.resolve().as_uri()
    for is_import, value, node in _urls(tinycss2.parse_stylesheet(text, skip_comments=True)):
        url = urljoin(base, value)
        where = Location(path, node.source_line, node.source_column)
        reason = refusal(url, roots)
        if reason is not None:
            what = "@import" if is_import else "url()"
            problems.append(
                Problem(
                    where,
                    f"{what} of {value!r} refused: {reason}",
                    "error" if is_import else "warning",
                    escalates=True,
                )
            )
        elif is_import and _depth < MAX_IMPORT_DEPTH:
            imported = Path(url2pathname(unquote(urlsplit(url).path)))
            problems += check_stylesheet(imported, roots, _depth=_depth + 1)
    return problems


def _urls(nodes: Iterable[ast.Node]) -> Iterator[tuple[bool, str, ast.Node]]:
    """(is it an @import, the URL as written, the node) for each URL in a stylesheet."""
    for node in nodes:
        if isinstance(node, ast.AtRule) and node.lower_at_keyword == "import":
            for token in node.prelude:
                if isinstance(token, ast.StringToken | ast.URLToken):
                    yield True, token.value, token
                    break
                if isinstance(token, ast.FunctionBlock) and token.lower_name == "url":
                    yield from ((True, v, t) for v, t in _function_url(token))
                    break
            continue
        yield from _component_urls(getattr(node, "prelude", None) or [])
        content = getattr(node, "content", None)
        if content:
            if isinstance(node, ast.AtRule) and node.lower_at_keyword in {"media", "supports"}:
                yield from _urls(tinycss2.parse_rule_list(content, skip_comments=True))
            else:
                yield from _component_urls(content)


def _component_urls(tokens: Iterable[ast.Node]) -> Iterator[tuple[bool, str, ast.Node]]:
    for token in tokens:
        if isinstance(token, ast.URLToken):
            yield False, token.value, token
        elif isinstance(token, ast.FunctionBlock):
            if token.lower_name in {"url", "src"}:
                yield from ((False, v, t) for v, t in _function_url(token))
            else:
                yield from _component_urls(token.arguments)
        elif isinstance(token, _BLOCKS):
            yield from _component_urls(token.content)


def _function_url(token: ast.FunctionBlock) -> Iterator[tuple[str, ast.Node]]:
    for argument in token.arguments:
        if isinstance(argument, ast.StringToken):
            yield argument.value, argument
            return
