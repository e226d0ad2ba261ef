"""Loading a whole project: settings, every content file and every brand, validated
together before anything renders. All problems are collected and reported at once,
each with its file and line, so one run shows an educator everything to fix.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from handouts.brand import Brand, brand_names, load_brand, missing_brand
from handouts.config import ProjectConfig, load_settings
from handouts.content import (
    Condition,
    ConditionFile,
    GlossaryFile,
    Source,
    SourcesFile,
    TreatmentFile,
    long_fields,
    merge,
)
from handouts.defaults import default_styles, default_templates
from handouts.errors import ContentError, Location, Problem
from handouts.errors import strict as strict_problems
from handouts.font_instances import font_cache_folder
from handouts.fonts import font_dirs, font_files
from handouts.glyphs import check_content, coverage
from handouts.i18n import Translate, package_locale_dir, translations, translator
from handouts.jobs import EVERY, LANG_CODE
from handouts.readers import InputError, SourceFile, dotted_path, load_toml, load_yaml, validate
from handouts.resources import allowed_roots, check_stylesheet

SOURCES_FILE = "_sources.yaml"
GLOSSARY = re.compile(rf"^_glossary\.(?P<lang>{LANG_CODE})\.yaml$")
TREATMENT = re.compile(rf"^_treatment\.(?P<lang>{LANG_CODE})\.yaml$")
CONDITION = re.compile(rf"^(?P<id>[a-z0-9]+(-[a-z0-9]+)*)\.(?P<lang>{LANG_CODE})\.yaml$")


@dataclass
class Project:
    """Everything a build needs, loaded and checked."""

    config: ProjectConfig
    conditions: dict[tuple[str, str], Condition] = field(default_factory=dict)  # (lang, id)
    treatments: dict[str, TreatmentFile] = field(default_factory=dict)
    glossaries: dict[str, GlossaryFile] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    brands: dict[str, Brand] = field(default_factory=dict)
    files: dict[tuple[str, str], list[Path]] = field(default_factory=dict)  # inputs per condition
    stylesheets: list[Path] = field(default_factory=list)  # the project's own, after the brand's
    warnings: list[Problem] = field(default_factory=list)
    # Every content file as read, with positions: the audit points at lines in them.
    documents: dict[Path, SourceFile] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.config.root

    @property
    def brands_dir(self) -> Path:
        return self.config.styles_dir / "brands"

    @property
    def locale_dirs(self) -> tuple[Path, ...]:
        """Where message catalogs are looked for: the project's ``locale/`` first."""
        return (self.root / "locale", package_locale_dir())

    def translate(self, lang: str) -> Translate:
        """``_()`` for the fixed text of pages in ``lang`` (i18n.py)."""
        return translator(translations(lang, self.locale_dirs))

    def resource_roots(self) -> tuple[Path, ...]:
        """The folders a document or stylesheet may read from (resources.py): the
        project's templates and styles, each brand's and each extra stylesheet's own
        folder, the default templates and styles, the installed fonts and the cache of
        their static instances (font_instances.py). Not the content, the output, the
        rest of the cache or anything else in the project folder."""
        folders = [self.config.templates_dir, self.config.styles_dir, self.brands_dir]
        folders += [brand.folder for brand in self.brands.values()]
        folders += [path.parent for path in self.stylesheets]
        folders += [default_templates(), default_styles(), *font_dirs(), font_cache_folder()]
        return allowed_roots(folders)

    def input_folders(self) -> tuple[Path, ...]:
        """Every folder whose files a build may read: content, templates, styles and
        brands, catalogs, the package's defaults, the folders of extra stylesheets. A
        file added to one, edited or removed can change what is built (stamp.py)."""
        folders = [
            self.config.conditions_dir,
            self.config.templates_dir,
            self.config.styles_dir,
            *(brand.folder for brand in self.brands.values()),
            *self.locale_dirs,
            default_templates(),
            default_styles(),
            *(path.parent for path in self.stylesheets),
        ]
        return tuple(dict.fromkeys(folder for folder in folders if folder.is_dir()))

    def input_files(self) -> tuple[Path, ...]:
        """The files a build reads outside those folders: the configuration, the fonts."""
        files = [self.config.config_path] if self.config.config_path else []
        return (*files, *self.stylesheets, *(path for *_, path in font_files()))

    def default_brands(self) -> list[str]:
        """The brands a build makes when none is named."""
        wanted = self.config.settings.brands
        return sorted(self.brands) if EVERY in wanted else list(dict.fromkeys(wanted))

    def condition_ids(self, lang: str) -> list[str]:
        return sorted(cid for (clang, cid) in self.conditions if clang == lang)

    def ordered_conditions(self, lang: str) -> list[Condition]:
        """The conditions of a language in reading order: ``order``, then name."""
        return _reading_order(self.conditions[(lang, cid)] for cid in self.condition_ids(lang))

    def missing(self, lang: str, source: str) -> list[str]:
        """Conditions ``source`` has text for and ``lang`` has not: not yet translated."""
        return sorted(set(self.condition_ids(source)) - set(self.condition_ids(lang)))

    def borrowed(self, lang: str) -> list[str]:
        """Conditions with no text in ``lang`` that the fallback language has: printed in
        that language when the project allows it (``fallback_language``), else none."""
        fallback = self.config.settings.fallback_language
        if fallback is None or fallback == lang:
            return []
        return self.missing(lang, fallback)

    def covered(self, lang: str) -> list[Condition]:
        """What the pages of ``lang`` cover, in reading order: its own conditions and the
        borrowed ones, in the fallback language. A summary or binder that left the
        borrowed ones out would tell a clinic those conditions have no handout."""
        fallback = self.config.settings.fallback_language
        borrowed = [self.conditions[(fallback, cid)] for cid in self.borrowed(lang) if fallback]
        return _reading_order([*self.ordered_conditions(lang), *borrowed])

    def languages(self) -> list[str]:
        return sorted({lang for lang, _ in self.conditions})

    # Where each content file lives: one place names them for loading, building and
    # the audit's locations.
    def condition_file(self, lang: str, cid: str) -> Path:
        return self.config.conditions_dir / f"{cid}.{lang}.yaml"

    def treatment_file(self, lang: str) -> Path:
        return self.config.conditions_dir / f"_treatment.{lang}.yaml"

    def glossary_file(self, lang: str) -> Path:
        return self.config.conditions_dir / f"_glossary.{lang}.yaml"

    @property
    def sources_file(self) -> Path:
        return self.config.conditions_dir / SOURCES_FILE

    def locate(self, path: Path, keys: tuple[str | int, ...]) -> Location:
        """Where ``keys`` are in a content file that was read; the file itself if not."""
        source = self.documents.get(path)
        return source.locate(keys) if source else Location(path)


def _reading_order(conditions: Iterable[Condition]) -> list[Condition]:
    """``order``, then name: the order of the summary's rows and the binder's parts."""
    return sorted(conditions, key=lambda c: (c.order, c.name))


def load_project(
    config: Path | None = None,
    *,
    search_from: Path | None = None,
    stylesheets: Sequence[Path] = (),
    strict: bool | None = None,
) -> Project:
    """Load and validate a project. Raises :class:`ContentError` listing every problem.

    ``stylesheets`` are added after the ones ``handouts.toml`` lists. Warnings are kept
    in ``project.warnings``; ``strict`` (default: the ``strict`` setting) makes them errors.
    """
    project = Project(load_settings(config, search_from=search_from))
    settings = project.config.settings
    problems = _load_stylesheets(project, stylesheets)
    problems += _load_content(project)
    problems += _load_brands(project)
    problems += _check_glyphs(project)
    problems += _check_resources(project)
    # A stylesheet every brand uses (config, -s) is checked with each brand: say it once.
    problems = list(dict.fromkeys(problems))
    if settings.strict if strict is None else strict:
        problems = strict_problems(problems)
    if any(p.severity == "error" for p in problems):
        raise ContentError(problems)
    project.warnings = problems
    return project


def _load_stylesheets(project: Project, extra: Sequence[Path]) -> list[Problem]:
    problems = []
    listed = [
        (project.config.path(p), _setting_location(project.config, "stylesheets"))
        for p in project.config.settings.stylesheets
    ]
    given = [(p.resolve(), Location(p)) for p in extra]
    for path, where in listed + given:
        if not path.is_file():
            problems.append(Problem(where, f"stylesheet {path} not found"))
        elif path.suffix.lower() != ".css":
            problems.append(Problem(where, f"stylesheet {path} is not a .css file"))
        else:
            project.stylesheets.append(path)
    return problems


def _load_content(project: Project) -> list[Problem]:
    folder = project.config.conditions_dir
    if not folder.is_dir():
        where = _setting_location(project.config, "conditions")
        return [Problem(where, f"content folder {folder} not found")]
    problems: list[Problem] = []
    sources_path = project.sources_file
    raw_conditions: list[tuple[ConditionFile, SourceFile]] = []
    cited_where: list[tuple[str, Location]] = []

    for path in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")):
        name = path.name
        if name == SOURCES_FILE:
            continue
        if path.suffix == ".yml":
            problems.append(Problem(Location(path), "content files end in .yaml, not .yml"))
            continue
        source, found = _read_content(project, path)
        problems += found
        if source is None:
            continue
        project.documents[path] = source
        if match := GLOSSARY.match(name):
            glossary, found = validate(GlossaryFile, source)
            problems += found
            if glossary is not None:
                problems += _check_lang(source, glossary.lang, match["lang"])
                project.glossaries[glossary.lang] = glossary
        elif match := TREATMENT.match(name):
            treatment, found = validate(TreatmentFile, source)
            problems += found
            if treatment is not None:
                problems += _check_lang(source, treatment.lang, match["lang"])
                project.treatments[treatment.lang] = treatment
                cited_where += citations(source, ("clinician", "class_safety"))
        elif match := CONDITION.match(name):
            condition, found = validate(ConditionFile, source)
            problems += found
            if condition is not None:
                problems += _check_lang(source, condition.lang, match["lang"])
                if condition.id != match["id"]:
                    problems.append(
                        Problem(
                            source.locate(("id",)),
                            f"id '{condition.id}' does not match the file name "
                            f"(expected '{match['id']}')",
                        )
                    )
                raw_conditions.append((condition, source))
                cited_where += citations(source, ("clinician",))
        else:
            problems.append(
                Problem(
                    Location(path),
                    "unexpected file name: condition files are named <id>.<lang>.yaml "
                    "(for example kawasaki-disease.en.yaml); shared text is _treatment.<lang>.yaml "
                    "and shared definitions _glossary.<lang>.yaml",
                )
            )

    if os.path.lexists(sources_path):  # a FIFO or device is named, not "not found"
        source, found = _read_content(project, sources_path)
        problems += found
        if source is not None:
            project.documents[sources_path] = source
            parsed, found = validate(SourcesFile, source)
            problems += found
            for index, item in enumerate(parsed.sources if parsed else []):
                if item.id in project.sources:
                    where = source.locate(("sources", index, "id"))
                    problems.append(Problem(where, f"source id '{item.id}' is listed twice"))
                project.sources[item.id] = item
    else:
        problems.append(Problem(Location(sources_path), "source list not found"))

    if project.sources:
        for cited, where in cited_where:
            if cited not in project.sources:
                problems.append(
                    Problem(where, f"unknown source id '{cited}' (not in {SOURCES_FILE})")
                )

    for condition, source in raw_conditions:
        treatment = project.treatments.get(condition.lang)
        if treatment is None:
            problems.append(
                Problem(
                    source.locate(("lang",)),
                    f"no shared text for language '{condition.lang}' "
                    f"(expected {project.treatment_file(condition.lang)})",
                )
            )
            continue
        key = (condition.lang, condition.id)
        glossary = project.glossaries.get(condition.lang)
        project.conditions[key] = merge(condition, treatment, glossary)
        project.files[key] = [source.path, project.treatment_file(condition.lang), sources_path]
        if glossary is not None:
            project.files[key].append(project.glossary_file(condition.lang))

    for lang in project.config.settings.languages:
        if not any(clang == lang for clang, _ in project.conditions) and not problems:
            where = _setting_location(project.config, "languages")
            problems.append(Problem(where, f"no condition files for language '{lang}' in {folder}"))
    return problems


def _read_content(project: Project, path: Path) -> tuple[SourceFile | None, list[Problem]]:
    """A content file read within the project's limits: its size, and the words of each
    of its texts. A file over either limit is not validated further: the limit is the
    one thing to fix."""
    settings = project.config.settings
    try:
        source = load_yaml(path, max_kb=settings.max_input_kb)
    except InputError as exc:
        return None, [exc.problem]
    most = settings.max_section_words
    long = [
        Problem(
            source.locate(keys),
            f"{dotted_path(keys)} has {count} words; a text or list of items may have at most "
            f"{most} (max_section_words in handouts.toml)",
        )
        for keys, count in long_fields(source.data, most)
    ]
    return (None, long) if long else (source, [])


def _check_lang(source: SourceFile, declared: str, from_name: str) -> list[Problem]:
    if declared == from_name:
        return []
    return [
        Problem(
            source.locate(("lang",)),
            f"lang '{declared}' does not match the file name (expected '{from_name}')",
        )
    ]


def citations(source: SourceFile, under: tuple[str | int, ...] = ()) -> list[tuple[str, Location]]:
    """Every ``sources: [...]`` list below a path of the file, with the position of each id."""
    found: list[tuple[str, Location]] = []

    def walk(node: object, here: tuple[str | int, ...]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "sources" and isinstance(value, list):
                    for index, cited in enumerate(value):
                        if isinstance(cited, str):
                            found.append((cited, source.locate((*here, key, index))))
                else:
                    walk(value, (*here, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, (*here, index))

    node: object = source.data
    for part in under:
        node = node.get(part) if isinstance(node, dict) else None
    walk(node, under)
    return found


def _check_resources(project: Project) -> list[Problem]:
    """Every URL in the brands' and the project's stylesheets, before anything renders."""
    roots = project.resource_roots()
    sheets = [b.stylesheet for b in project.brands.values() if b.stylesheet]
    problems: list[Problem] = []
    for sheet in dict.fromkeys([*sheets, *project.stylesheets]):
        problems += check_stylesheet(sheet, roots)
    return problems


def _check_glyphs(project: Project) -> list[Problem]:
    """Content text that some brand's fonts cannot draw (glyphs.py)."""
    fonts = {}
    for name, brand in project.brands.items():
        if found := coverage(brand.stylesheets(project.stylesheets), brand.stylesheet):
            fonts[name] = found
    return check_content(project.documents, fonts)


def _load_brands(project: Project) -> list[Problem]:
    brands_dir = project.brands_dir
    problems: list[Problem] = []
    broken: set[str] = set()  # brands whose files have problems: said already
    for name in brand_names(brands_dir):
        brand, found = load_brand(
            brands_dir / name,
            project.stylesheets,
            project.config.settings.languages,
            max_kb=project.config.settings.max_input_kb,
        )
        problems += found
        if brand is not None:
            project.brands[name] = brand
        elif found:
            broken.add(name)
    wanted = project.config.settings.brands
    if EVERY in wanted:
        if not brand_names(brands_dir):
            where = _setting_location(project.config, "styles")
            problems.append(missing_brand(EVERY, brands_dir, where))
        return problems
    for name in wanted:
        if name not in project.brands and name not in broken:
            where = _setting_location(project.config, "brands")
            problems.append(missing_brand(name, brands_dir, where))
    return problems


def _setting_location(config: ProjectConfig, key: str) -> Location:
    """Where a setting is in ``handouts.toml``; only needed on the error path."""
    if config.config_path is None:
        return Location(config.root)
    try:
        return load_toml(config.config_path).locate((key,))
    except InputError:
        return Location(config.config_path)
