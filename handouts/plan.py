"""What a build makes: options in, a list of jobs out, each with its output path.

Every document is one job: a handout or the clinician summary, for one brand, one
language and one edition. Editions are the standard handout and the large-print one;
the print-shop version of either goes into its own folder so it never replaces the
office-printer copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from handouts.errors import ContentError, Location, OptionError, Problem
from handouts.i18n import SOURCE_LANGUAGE, language_name
from handouts.jobs import (
    DEFAULT_VARIANT,
    EDITIONS,
    EVERY,
    BuildOptions,
    BuildSettings,
    Edition,
    Job,
)
from handouts.project import Project


def build_settings(project: Project, options: BuildOptions) -> BuildSettings:
    """The build-wide choices: options over the project's settings."""
    settings = project.config.settings
    print_shop = settings.print_shop if options.print_shop is None else options.print_shop
    variant = options.pdf_variant or settings.pdf_variant
    if print_shop and not options.pdf_variant and settings.pdf_variant == DEFAULT_VARIANT:
        variant = "pdf/x-3"  # a print shop's preflight looks for PDF/X
    return BuildSettings(
        paper=options.paper or settings.paper, pdf_variant=variant, print_shop=print_shop
    )


def output_folder(project: Project, options: BuildOptions) -> Path:
    """Where a build writes: ``--out``, else the project's ``output`` setting."""
    return (options.output or project.config.output_dir).resolve()


def select(
    requested: Sequence[str],
    available: Sequence[str],
    default: Sequence[str],
    what: str,
    option: str,
) -> list[str]:
    """The names asked for with ``option``, checked against those there are:
    ``default`` when none is asked for, every one for "all", an error naming the
    option and each unknown name otherwise. (A default comes from handouts.toml, which
    loading has checked, with its line.)"""
    if not requested:
        return list(default)
    if EVERY in requested:
        return list(available)
    unknown = [name for name in requested if name not in available]
    if unknown:
        names = ", ".join(f"'{name}'" for name in dict.fromkeys(unknown))
        known = ", ".join(available) or "none"
        raise OptionError(option, f"unknown {what} {names}; available: {known}")
    return list(dict.fromkeys(requested))


def untranslated(project: Project, lang: str, requested: Sequence[str]) -> list[Problem]:
    """A problem for each condition asked for that has text in another language but
    not in ``lang`` (and no fallback to print): named by its missing file, with the
    setting that would print it in a language it has."""
    problems = []
    for cid in requested:
        has = [clang for clang in project.languages() if (clang, cid) in project.conditions]
        if cid == EVERY or not has or cid in project.borrowed(lang) or lang in has:
            continue
        source = SOURCE_LANGUAGE if SOURCE_LANGUAGE in has else has[0]
        problems.append(
            Problem(
                Location(project.condition_file(lang, cid)),
                f"no {language_name(lang, 'en')} text for '{cid}': this file is missing. "
                f'Translate it, or set fallback_language = "{source}" in handouts.toml to '
                f"print the {language_name(source, 'en')} handout with a notice",
            )
        )
    return problems


def folder(brand: str, lang: str, edition: Edition, print_shop: bool) -> str:
    """``<brand>/<lang>/[print-shop/][large-print/]``: one folder per kind of copy."""
    parts = [brand, lang]
    if print_shop:
        parts.append("print-shop")
    if edition == "large-print":
        parts.append("large-print")
    return "/".join(parts) + "/"


def plan(project: Project, options: BuildOptions) -> list[Job]:
    settings = project.config.settings
    build = build_settings(project, options)
    brands = select(
        options.brands, sorted(project.brands), project.default_brands(), "brand", "--brand"
    )
    langs = select(options.languages, project.languages(), settings.languages, "language", "--lang")
    editions: list[Edition] = [
        e
        for e in EDITIONS
        if e in select(options.editions, EDITIONS, settings.editions, "edition", "--edition")
    ]
    missing = [p for lang in langs for p in untranslated(project, lang, options.conditions)]
    if missing:
        raise ContentError(missing)
    ext = options.format
    kinds = options.kinds or (
        ("handout", "summary", "binder") if settings.binder else ("handout", "summary")
    )
    jobs: list[Job] = []
    for brand in brands:
        for lang in langs:
            available = project.condition_ids(lang)
            borrowed = project.borrowed(lang)
            every = sorted({*available, *borrowed})
            chosen = select(options.conditions, every, every, "condition", "--condition")
            for edition in editions if "handout" in kinds else []:
                where = folder(brand, lang, edition, build.print_shop)
                for cid in chosen:
                    output = f"{where}handout-{cid}.{ext}"
                    source = settings.fallback_language if cid in borrowed else None
                    jobs.append(Job("handout", brand, lang, cid, output, edition, source))
            # The summary compares every condition: built when none is singled out. It is
            # a clinician's page, so it has no large-print edition.
            where = folder(brand, lang, "standard", build.print_shop)
            if not options.conditions and available and "summary" in kinds:
                jobs.append(Job("summary", brand, lang, None, f"{where}clinician-summary.{ext}"))
            # The binder holds every handout and the summary: a PDF, never one condition.
            if not options.conditions and available and "binder" in kinds and ext == "pdf":
                jobs.append(Job("binder", brand, lang, None, f"{where}binder.pdf"))
    return jobs
