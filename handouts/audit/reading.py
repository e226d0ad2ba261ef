"""Reading level of patient text, measured the way health-literacy reviewers do.

Flesch-Kincaid grade for English and Fernandez-Huerta for Spanish, both computed by
textstat (syllables from the CMU dictionary for English, Pyphen otherwise). Two rules
make the number mean what reviewers expect:

- Condition and drug names are masked before scoring. "Guillain-Barre syndrome" or
  "immunoglobulin" cannot be written more simply, and their syllables would otherwise
  hide the level of the prose around them. The grade as written is reported too.
- Each list item counts as a sentence, whether or not it ends with a full stop: a
  reader takes "Chills or fever" as one unit, and textstat would otherwise run the
  items of a list together into one long sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from textstat.backend import counts, metrics, selections

# Stands in for a masked name: one short word, so a name counts as one easy word.
PLACEHOLDER = "Name"
_MARKUP = re.compile(r"\*\*|__|[*_`]")
_END = re.compile(r"[.!?:;]\s*$")


@dataclass(frozen=True)
class Formula:
    """A reading-level formula and the thresholds the audit applies to it."""

    name: str
    unit: str  # "grade" (lower is easier) or "ease" (higher is easier)
    target: float  # the level the content aims for
    limit: float  # past this the text is too hard to ship (an error under --strict)

    def misses(self, value: float, bound: float) -> bool:
        return value > bound if self.unit == "grade" else value < bound

    def label(self, value: float) -> str:
        return f"grade {value:.1f}" if self.unit == "grade" else f"ease {value:.0f}"


# Fernandez-Huerta ease 70-80 is read as "fairly easy", about a US 6th grade; 60-70 as
# "standard", about 7th to 8th grade (the scale Spanish health-literacy work uses).
FORMULAS: dict[str, Formula] = {
    "en": Formula("Flesch-Kincaid grade", "grade", target=6.0, limit=8.0),
    "es": Formula("Fernandez-Huerta", "ease", target=70.0, limit=60.0),
}


def formula_for(lang: str) -> Formula:
    return FORMULAS.get(lang.split("-")[0], FORMULAS["en"])


@dataclass(frozen=True)
class Reading:
    """The level of one piece of text, with names masked and as written."""

    value: float  # with names masked: the measure the thresholds apply to
    as_written: float
    words: int
    sentences: int
    hard_words: tuple[str, ...]  # Dale-Chall "difficult" words left after masking


def sentences_of(items: Iterable[str]) -> str:
    """Join text items into prose where every item is at least one sentence."""
    parts = []
    for item in items:
        text = _MARKUP.sub("", item).strip()
        if text:
            parts.append(text if _END.search(text) else text + ".")
    return " ".join(parts)


def mask(text: str, names: Sequence[str]) -> str:
    """Replace each name (longest first, whole words, any case) with the placeholder."""
    for name in sorted({n for n in names if n.strip()}, key=len, reverse=True):
        pattern = rf"(?<![\w-]){re.escape(name)}(?:'?s)?(?![\w-])"
        text = re.sub(pattern, PLACEHOLDER, text, flags=re.IGNORECASE)
    return text


def score(text: str, lang: str) -> float:
    """The formula's value for prose ``text`` (already joined into sentences)."""
    root = lang.split("-")[0]
    if root == "es":
        return float(metrics.fernandez_huerta(text, "es"))
    words = int(counts.count_words(text))
    sentences = _sentence_count(text)
    if not words or not sentences:
        return 0.0
    # Flesch-Kincaid with our sentence count; textstat's own count drops sentences
    # of one or two words ("Headache."), which would merge list items.
    syllables = int(counts.count_syllables(text, root))
    return 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59


def read(items: Iterable[str], lang: str, names: Sequence[str]) -> Reading:
    prose = sentences_of(items)
    masked = mask(prose, names)
    root = lang.split("-")[0]
    hard: tuple[str, ...] = ()
    if root == "en":
        found = selections.list_difficult_words(masked, 3, root)
        hard = tuple(sorted({w.lower() for w in found if w != PLACEHOLDER}))
    return Reading(
        value=round(score(masked, lang), 1) + 0.0,  # + 0.0: no "-0.0" in reports
        as_written=round(score(prose, lang), 1) + 0.0,
        words=counts.count_words(prose),
        sentences=_sentence_count(prose),
        hard_words=hard,
    )


def _sentence_count(text: str) -> int:
    return len([s for s in re.split(r"(?<=[.!?:;])\s+", text) if re.search(r"\w", s)])
