"""The Jinja2 environment: autoescaped, strict, with a search path of templates.

Search order: the project's ``templates/`` first, then the defaults shipped with the
package. ``{% extends "default:handout.html.j2" %}`` reaches the default behind a
project override of the same name. Data is only ever passed as values, never compiled
as a template, and every value is HTML-escaped.
"""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    select_autoescape,
)
from markupsafe import Markup, escape

from handouts.defaults import default_templates
from handouts.errors import BuildError, display_path

_BOLD = re.compile(r"\*\*(.+?)\*\*")


def inline(text: str) -> Markup:
    """Content text to HTML: escaped, with ``**bold**`` the only markup allowed."""
    return Markup(_BOLD.sub(r"<strong>\1</strong>", str(escape(text))))


# A dose and its unit ("2 g/kg", "0.4 g/kg/day"): a line may break after a slash, and
# "2 g/" at a line's end with "kg" below is a misreading waiting to happen.
_DOSE = re.compile(r"(?:\d+(?:[.,]\d+)?\s)?[^\W\d_]{1,4}(?:/[^\W\d_]{1,4})+(?![^\W\d_])")


def doses(text: Markup) -> Markup:
    """HTML with each dose kept on one line (applied after ``inline``)."""
    return Markup(_DOSE.sub(r'<span class="nowrap">\g<0></span>', str(text)))


_LAST_WORD = re.compile(r"(\S+)$")


def cited(text: Markup, cite: str) -> Markup:
    """HTML with its citation numbers set after its last word, on the same line: a line
    holding only "4-9" costs the row a line and reads as a stray number. Text ending
    in markup keeps the numbers after it, free to wrap."""
    note = Markup('<sup class="cite">{}</sup>').format(cite)
    match = _LAST_WORD.search(str(text))
    if match is None or "<" in match[1] or ">" in match[1]:
        return text + note
    glued = Markup('<span class="nowrap">{}</span>').format(Markup(match[1]) + note)
    return Markup(str(text)[: match.start()]) + glued


def make_environment(
    project_templates: Path | None, translations: gettext.NullTranslations | None = None
) -> Environment:
    """``translations``: the language's catalog (i18n.py) for ``_()`` in templates;
    English when None."""
    unique = template_folders(project_templates)
    loader = ChoiceLoader(
        [
            FileSystemLoader(unique),
            PrefixLoader({"default": FileSystemLoader(default_templates())}, delimiter=":"),
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
        extensions=["jinja2.ext.i18n"],
    )
    # New-style gettext: values are filled in after translation and escaped.
    env.install_gettext_translations(  # type: ignore[attr-defined]
        translations or gettext.NullTranslations(), newstyle=True
    )
    env.filters["inline"] = inline
    env.filters["doses"] = doses
    env.filters["cited"] = cited
    env.filters["upper_first"] = upper_first
    env.globals["search_path"] = [str(p) for p in unique]
    return env


def upper_first(text: str) -> str:
    """A heading that starts with a name some languages write in lower case ("lupus:
    ¿qué es?") starts with a capital; the rest is left as written."""
    return text[:1].upper() + text[1:]


def template_folders(project_templates: Path | None) -> list[Path]:
    """The folders searched for templates, most specific first: the project's own, then
    the defaults."""
    search = [p for p in (project_templates, default_templates()) if p is not None and p.is_dir()]
    return list(dict.fromkeys(p.resolve() for p in search))


def template_search_path(env: Environment) -> list[Path]:
    """The folders searched for templates, most specific first."""
    folders: list[str] = env.globals["search_path"]  # type: ignore[assignment]
    return [Path(p) for p in folders]


def render_template(env: Environment, names: list[str], context: dict[str, object]) -> str:
    """Render the first template of ``names`` that exists (most specific first).

    Every failure becomes a one-line :class:`BuildError` naming the template file and
    line: a missing template lists every path searched.
    """
    try:
        template = env.select_template(names)
    except TemplateNotFound as exc:
        raise BuildError(f"template not found; searched {_searched(env, names)}") from exc
    except TemplateSyntaxError as exc:
        raise BuildError(
            f"{_where(exc.filename, exc.lineno)}: template error: {exc.message}"
        ) from exc
    try:
        return template.render(context)
    except TemplateNotFound as exc:
        # An {% include %} or {% extends %} names a template that is not there.
        line = _template_line(exc)
        raise BuildError(
            f"{line}: template '{exc.name}' not found; searched {_searched(env, [str(exc.name)])}"
        ) from exc
    except TemplateSyntaxError as exc:
        raise BuildError(
            f"{_where(exc.filename, exc.lineno)}: template error: {exc.message}"
        ) from exc
    except TemplateError as exc:
        raise BuildError(f"{_template_line(exc)}: template error: {exc.message}") from exc


def _searched(env: Environment, names: list[str]) -> str:
    """Every path tried for ``names``, in search order."""
    paths = []
    for name in names:
        if name.startswith("default:"):
            paths.append(str(default_templates() / name.removeprefix("default:")))
            continue
        paths += [str(folder / name) for folder in template_search_path(env)]
    return ", ".join(paths)


def _where(filename: str | None, line: int | None) -> str:
    shown = display_path(Path(filename)) if filename else "<template>"
    return f"{shown}:{line}" if line else shown


def _template_line(exc: BaseException) -> str:
    """The template file and line a render error comes from, read from the traceback
    (Jinja2 rewrites its frames to point at template lines)."""
    found = "<template>"
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = _where(filename, tb.tb_lineno)
        tb = tb.tb_next
    return found
