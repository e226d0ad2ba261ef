"""Where a build may write: the output folder, checked against the project's own folders.

Built files go into a folder of their own. ``--out .`` or ``output = "styles"`` would
scatter PDFs among the content, templates and styles (and the next build would read
them back as inputs), so the output folder may not be the project folder, a content,
template, style, brand or stylesheet folder, a folder inside one of those (a stylesheet
given with ``-s`` may sit in the project folder or above it: inside its folder is
fine), or a folder that holds any of them. Symbolic links are resolved before comparing.
"""

from __future__ import annotations

from pathlib import Path

from handouts.defaults import default_styles, default_templates
from handouts.errors import ConfigError, Location, display_path
from handouts.project import Project
from handouts.readers import InputError, load_toml


def protected_folders(project: Project) -> list[tuple[str, Path]]:
    """The folders a build reads from, by what they are, resolved."""
    config = project.config
    named = [
        ("the content folder", config.conditions_dir),
        ("the templates folder", config.templates_dir),
        ("the styles folder", config.styles_dir),
        ("the brands folder", project.brands_dir),
        ("the translations folder", project.root / "locale"),
        ("the default templates folder", default_templates()),
        ("the default styles folder", default_styles()),
    ]
    named += [(f"the folder of brand '{name}'", b.folder) for name, b in project.brands.items()]
    return [(what, folder.resolve()) for what, folder in named]


def stylesheet_folders(project: Project) -> list[tuple[str, Path]]:
    """The folders of the project's own stylesheets. One may be the project folder or
    a folder above it (``-s ~/ward4.css``): output may go inside it, not into it."""
    return [(f"the folder of stylesheet {p.name}", p.parent.resolve()) for p in project.stylesheets]


def refusal(project: Project, folder: Path) -> str | None:
    """Why ``folder`` may not hold the output, or None if it may."""
    folder = folder.resolve()
    root = project.root.resolve()
    if folder == root:
        return f"is the project folder {root}"
    if folder in root.parents:
        return f"holds the project folder {root}"
    protected = protected_folders(project)
    for what, place in protected + stylesheet_folders(project):
        if folder == place:
            return f"is {what} ({display_path(place)})"
    # Inside several (a brand folder is inside styles/): name the nearest.
    inside = [(what, place) for what, place in protected if place in folder.parents]
    if inside:
        what, place = max(inside, key=lambda found: len(found[1].parts))
        return f"is inside {what} ({display_path(place)})"
    for what, place in protected + stylesheet_folders(project):
        if folder in place.parents:
            return f"holds {what} ({display_path(place)})"
    return None


def checked_output_folder(project: Project, given: Path | None) -> Path:
    """The output folder (``given`` by ``--out``, else the ``output`` setting),
    resolved; a folder the build may not write to is refused, naming the option or the
    line of ``handouts.toml`` it came from."""
    folder = (given if given is not None else project.config.output_dir).resolve()
    why = refusal(project, folder)
    if why is None:
        return folder
    advice = "choose a folder of its own, such as 'output'"
    if given is not None:
        raise ConfigError(f"--out {given}: the output folder {why}; {advice}")
    raise ConfigError(
        f'{_output_setting(project)}: error: output = "{project.config.settings.output}": '
        f"the output folder {why}; {advice}"
    )


def _output_setting(project: Project) -> Location:
    path = project.config.config_path
    if path is None:
        return Location(project.root)
    try:
        return load_toml(path).locate(("output",))
    except InputError:
        return Location(path)
