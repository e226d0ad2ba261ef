"""``handouts languages``: what each language has, so adding one is adding files.

A language is ready when it has every condition of the source language, the shared
text, a glossary and a complete catalog, and every translation says what it translates
and is not stale.
"""

from __future__ import annotations

from dataclasses import dataclass

from handouts.audit.checks import translation_findings
from handouts.i18n import SOURCE_LANGUAGE, Coverage, catalog_languages, coverage, language_name
from handouts.project import Project


@dataclass(frozen=True)
class LanguageRow:
    lang: str
    name: str
    conditions: int  # condition files in this language
    of: int  # conditions in the source language
    shared_text: bool
    glossary: bool
    catalog: Coverage
    stale: int  # translations of an English text that has changed since
    untracked: int  # translations that do not say what they translate
    built: bool  # built by default (``languages`` in handouts.toml)

    @property
    def ready(self) -> bool:
        return (
            self.conditions == self.of
            and self.shared_text
            and self.glossary
            and self.catalog.complete
            and self.stale == 0
            and self.untracked == 0
        )


def language_rows(project: Project) -> list[LanguageRow]:
    source = len(project.condition_ids(SOURCE_LANGUAGE))
    counts: dict[tuple[str, str], int] = {}
    for kind, problem in translation_findings(project):
        lang = problem.location.path.name.split(".")[-2]  # <id>.<lang>.yaml
        counts[(kind, lang)] = counts.get((kind, lang), 0) + 1
    langs = sorted(set(project.languages()) | set(catalog_languages(project.locale_dirs)))
    return [
        LanguageRow(
            lang=lang,
            name=language_name(lang),
            conditions=source - len(project.missing(lang, SOURCE_LANGUAGE)),
            of=source,
            shared_text=lang in project.treatments,
            glossary=lang in project.glossaries,
            catalog=coverage(lang, project.locale_dirs),
            stale=counts.get(("stale", lang), 0),
            untracked=counts.get(("untracked", lang), 0),
            built=lang in project.config.settings.languages,
        )
        for lang in langs
    ]
