"""The Jinja2 environment: autoescaped, strict, with a search path of templates.

Search order: the project's ``templates/`` first, then the defaults shipped with the
package. ``{% extends "default:handout.html.j2" %}`` reaches the default behind a
project override of the same name. Data is only ever passed as values, never compiled
as a template, and every value is HTML-escaped.
"""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateNotFound,
    select_autoescape,
)
from markupsafe import Markup, escape

from handouts.defaults import default_templates
from handouts.errors import BuildError

_BOLD = re.compile(r"\*\*(.+?)\*\*")


def inline(text: str) -> Markup:
    """Content text to HTML: escaped, with ``**bold**`` the only markup allowed."""
    return Markup(_BOLD.sub(r"<strong>\1</strong>", str(escape(text))))


def make_environment(project_templates: Path | None) -> Environment:
    defaults = default_templates()
    search = [p for p in (project_templates, defaults) if p is not None and p.is_dir()]
    unique = list(dict.fromkeys(p.resolve() for p in search))
    loader = ChoiceLoader(
        [
            FileSystemLoader(unique),
            PrefixLoader({"default": FileSystemLoader(defaults)}, delimiter=":"),
        ]
    )
    env = Environment(
        loader=loader,
        # select_autoescape() alone does not match ".html.j2" names: list them all.
        autoescape=select_autoescape(["html", "htm", "xml", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["inline"] = inline
    env.globals["search_path"] = [str(p) for p in unique]
    return env


def template_search_path(env: Environment) -> list[Path]:
    """The folders searched for templates, most specific first."""
    folders: list[str] = env.globals["search_path"]  # type: ignore[assignment]
    return [Path(p) for p in folders]


def render_template(env: Environment, names: list[str], context: dict[str, object]) -> str:
    """Render the first template of ``names`` that exists (most specific first)."""
    try:
        template = env.select_template(names)
    except TemplateNotFound as exc:
        searched = ", ".join(str(p) for p in template_search_path(env))
        raise BuildError(f"template not found: tried {', '.join(names)} in {searched}") from exc
    return template.render(context)
