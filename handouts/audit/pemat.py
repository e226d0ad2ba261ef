"""A PEMAT-P audit of a handout's page, for the items a program can judge.

PEMAT-P (AHRQ's Patient Education Materials Assessment Tool for printable materials)
has 17 understandability and 7 actionability items. Each is agree (1), disagree (0)
or not applicable; a score is points over applicable items. Items that need a
person's judgement (is anything distracting? is the order logical?) are listed as such
and left out of the score, so the score says what the program measured and no more.

The audit reads the HTML the handout is rendered from, after the templates ran, so it
judges what the patient sees, including a clinic's own template overrides. Templates
mark the parts with ``data-audit`` attributes: purpose, summary, steps, action, tool,
terms and qr (the QR code, which is a tool, not a visual aid).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal
from xml.etree.ElementTree import Element

from handouts.audit.reading import Reading, formula_for, sentences_of

Result = Literal["agree", "disagree", "n/a", "person"]
PASS_LINE = 70.0  # the usual PEMAT pass
TARGET = 80.0  # what the bundled content aims for

MAX_SECTION_WORDS = 150  # a "short section": about half a column of a letter page
MAX_LIST_ITEMS = 7
MAX_PASSIVE_SHARE = 0.10
MIN_YOU_SHARE = 0.02  # "you"/"your" per word: a page that talks to its reader
MAX_TABLE_COLUMNS = 4
GENERIC_HEADINGS = {
    "information",
    "introduction",
    "overview",
    "details",
    "other",
    "more",
    "more information",
    "notes",
    "general",
    "miscellaneous",
    "section",
}
BLOCKS = {"p", "li", "dt", "dd", "h1", "h2", "h3", "h4", "td", "th", "figcaption"}


@dataclass(frozen=True)
class Wording:
    """The word lists items 5, 20 and 21 are judged with, for one language. A language
    without them leaves those items to a person."""

    action_verbs: frozenset[str]  # a sentence starting with one tells the reader to act
    you_words: frozenset[str]  # words that speak to the reader
    passive: re.Pattern[str]


WORDING = {
    "en": Wording(
        frozenset({
            "ask", "avoid", "bring", "call", "check", "come", "drink", "eat", "follow", "get",
            "go", "keep", "let", "look", "make", "plan", "read", "rest", "scan", "see", "show",
            "stop", "take", "talk", "tell", "use", "watch", "wear", "write",
        }),
        frozenset({"you", "your", "yours", "yourself"}),
        re.compile(
            r"\b(?:am|is|are|was|were|be|been|being)\s+(?:\w+ly\s+|not\s+)?"
            r"(?:\w+ed|made|done|given|found|known|seen|shown|taken|kept|told|held|put|set"
            r"|brought|written|chosen|driven|grown|thrown|meant|paid|sent|spent|built|left)\b",
            re.IGNORECASE,
        ),
    ),
    # Spanish speaks to the reader as "usted": imperatives in that form, and usted,
    # su, sus, le. The passive is "ser" with a participle ("es causada"); the "se"
    # form ("se pone") reads as active and is not counted.
    "es": Wording(
        frozenset({
            "avise", "beba", "busque", "coma", "consulte", "descanse", "diga", "dígale",
            "escanee", "escriba", "evite", "hable", "lea", "llame", "lleve", "mantenga",
            "marque", "pida", "pregunte", "revise", "siga", "tome", "traiga", "use", "vaya",
            "vigile", "vuelva", "anote", "cuéntele", "pregúntele",
        }),
        frozenset({"usted", "ustedes", "su", "sus", "le", "les"}),
        re.compile(
            r"\b(?:es|son|era|eran|fue|fueron|ser|sido|será|serán|sea|sean)\s+(?:\w+mente\s+)?"
            r"\w+(?:ado|ada|ados|adas|ido|ida|idos|idas|to|ta|tos|tas|cho|cha)\b",
            re.IGNORECASE,
        ),
    ),
}  # fmt: skip
_NUMBER_HARD = re.compile(r"\d+[.,]\d+|\d+\s*/\s*\d+|\d+\s*%|\bpercent\b", re.IGNORECASE)
_CALCULATION = re.compile(
    r"/\s*kg\b|\bper\s+(?:kg|kilogram|pound|lb)\b|\b(?:mg|mcg|ml|g)/|\btimes your weight\b"
    r"|[\u00d7\u00f7=]",  # multiplication and division signs
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Item:
    """One PEMAT-P item as judged on this handout."""

    number: int
    group: Literal["understandability", "actionability"]
    text: str
    result: Result
    reason: str


@dataclass(frozen=True)
class Score:
    points: int
    applicable: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.points / self.applicable, 1) if self.applicable else None


def score(items: Sequence[Item], group: str | None = None) -> Score:
    judged = [i for i in items if i.result in ("agree", "disagree") and group in (None, i.group)]
    return Score(sum(i.result == "agree" for i in judged), len(judged))


@dataclass(frozen=True)
class Page:
    """What the audit needs to know about one rendered handout."""

    root: Element  # the parsed HTML
    lang: str
    reading: Reading  # the whole page's patient text, names masked
    undefined: tuple[str, ...]  # hard words neither defined nor listed as plain
    terms: tuple[str, ...]  # glossary terms the page should define


def audit(page: Page) -> list[Item]:
    main = page.root.find(".//main")
    root = main if main is not None else page.root
    wording = WORDING.get(page.lang.split("-")[0])
    qr = _within(root, "qr")  # the QR code's caption is not prose, nor a picture
    sentences = _sentences(root, qr)
    words = [w.lower() for s in sentences for w in re.findall(r"[\w'-]+", s)]
    marked = {str(el.get("data-audit")): el for el in root.iter() if el.get("data-audit")}
    visuals = _visual_aids(root, qr)
    tables = root.findall(".//table")
    u, a = "understandability", "actionability"

    def item(number: int, group: str, text: str, result: Result, reason: str) -> Item:
        return Item(number, group, text, result, reason)  # type: ignore[arg-type]

    return [
        item(1, u, "The purpose is completely evident", *_purpose(root, marked)),
        item(2, u, "No information or content that distracts from the purpose", "person",
             "needs a person: whether every part serves the purpose"),
        item(3, u, "Uses common, everyday language", *_everyday(page)),
        item(4, u, "Medical terms are defined", *_terms(page, marked)),
        item(5, u, "Uses the active voice", *_active(sentences, wording)),
        item(6, u, "Numbers are clear and easy to understand", *_numbers(sentences)),
        item(7, u, "Does not expect the user to perform calculations", *_no_calc(sentences)),
        item(8, u, "Information is broken into short sections", *_chunks(root)),
        item(9, u, "Sections have informative headers", *_headers(root)),
        item(10, u, "Information is in a logical sequence", "person",
             "needs a person: whether the order suits the reader"),
        item(11, u, "Provides a summary", *_summary(marked)),
        item(12, u, "Visual cues draw attention to key points", *_cues(root, marked)),
        item(15, u, "Uses visual aids whenever they could make content easier to understand",
             "person", "needs a person: where a picture would help"),
        item(16, u, "Visual aids reinforce rather than distract from the content",
             *_needs_person_if(visuals, "visual aids")),
        item(17, u, "Visual aids have clear titles or captions", *_captions(visuals)),
        item(18, u, "Illustrations and photographs are clear and uncluttered",
             *_needs_person_if(visuals, "illustrations")),
        item(19, u, "Tables are simple, with short and clear headings", *_tables(tables)),
        item(20, a, "Identifies at least one action the user can take",
             *_action(sentences, marked, wording)),
        item(21, a, "Addresses the user directly when describing actions",
             *_direct(words, marked, wording)),
        item(22, a, "Breaks any action into explicit steps", *_steps(marked)),
        item(23, a, "Provides a tangible tool (checklist, questions to ask)", *_tool(marked)),
        item(24, a, "Gives simple instructions for any calculation",
             *_calc_instructions(sentences)),
        item(25, a, "Explains how to use any charts, tables or diagrams",
             *_needs_person_if(tables, "tables or charts")),
        item(26, a, "Uses visual aids that make it easier to act", "person",
             "needs a person: whether a picture would make an action easier"),
    ]  # fmt: skip


def _text(el: Element) -> str:
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip()


def _leaf_blocks(root: Element) -> Iterator[Element]:
    """Blocks of text that hold no other block: each is one unit a reader takes in."""
    for el in root.iter():
        if el.tag in BLOCKS and not any(d.tag in BLOCKS for d in el.iter() if d is not el):
            yield el


def _sentences(root: Element, skip: set[Element]) -> list[str]:
    units = [_text(el) for el in _leaf_blocks(root) if el not in skip]
    joined = sentences_of(u for u in units if u)
    return [s for s in re.split(r"(?<=[.!?:;])\s+", joined) if s]


def _within(root: Element, mark: str) -> set[Element]:
    """Every element inside the parts marked ``data-audit=mark``, the parts included."""
    return {el for part in root.iter() if part.get("data-audit") == mark for el in part.iter()}


def _purpose(root: Element, marked: dict[str, Element]) -> tuple[Result, str]:
    purpose = marked.get("purpose")
    if purpose is None:
        return "disagree", 'no purpose statement (an element marked data-audit="purpose")'
    first_h2 = next((el for el in root.iter() if el.tag == "h2"), None)
    order = list(root.iter())
    if first_h2 is not None and order.index(purpose) > order.index(first_h2):
        return "disagree", "the purpose statement comes after the first section"
    count = len(re.findall(r"[.!?](?:\s|$)", _text(purpose))) or 1
    if count > 3:
        return "disagree", f"the purpose statement runs to {count} sentences (3 at most)"
    return "agree", "a purpose statement opens the page"


def _everyday(page: Page) -> tuple[Result, str]:
    formula = formula_for(page.lang)
    level = formula.label(page.reading.value)
    if formula.misses(page.reading.value, formula.target):
        return "disagree", f"reads at {level}, past the target of {formula.label(formula.target)}"
    return "agree", f"reads at {level} (names left out)"


def _terms(page: Page, marked: dict[str, Element]) -> tuple[Result, str]:
    box = marked.get("terms")
    shown: set[str] = set()
    if box is not None:
        shown = {_text(dt).rstrip(":").lower() for dt in box.iter("dt")}
    missing = [t for t in page.terms if t.lower() not in shown]
    if missing:
        return "disagree", "terms the page uses but does not define: " + ", ".join(missing)
    if page.undefined:
        return "disagree", "hard words with no definition: " + ", ".join(page.undefined)
    return "agree", f"{len(page.terms)} terms defined; no undefined hard words"


def _active(sentences: list[str], wording: Wording | None) -> tuple[Result, str]:
    if wording is None:
        return "person", "needs a person: no passive-voice rule for this language"
    passive = [s for s in sentences if wording.passive.search(s)]
    share = len(passive) / max(len(sentences), 1)
    detail = f"{len(passive)} of {len(sentences)} sentences passive"
    if share > MAX_PASSIVE_SHARE:
        examples = "; ".join(f'"{s}"' for s in passive[:3])
        return "disagree", f"{detail} ({share:.0%}, over {MAX_PASSIVE_SHARE:.0%}): {examples}"
    return "agree", detail


def _numbers(sentences: list[str]) -> tuple[Result, str]:
    hard = [s for s in sentences if _NUMBER_HARD.search(s)]
    if hard:
        return "disagree", f'decimals, fractions or percentages: "{hard[0]}"'
    return "agree", "whole numbers and simple counts only"


def _no_calc(sentences: list[str]) -> tuple[Result, str]:
    found = [s for s in sentences if _CALCULATION.search(s)]
    if found:
        return "disagree", f'asks the reader to work out a dose or amount: "{found[0]}"'
    return "agree", "no doses per weight or arithmetic"


def _calc_instructions(sentences: list[str]) -> tuple[Result, str]:
    if any(_CALCULATION.search(s) for s in sentences):
        return "person", "needs a person: whether the calculation is explained simply"
    return "n/a", "no calculations"


def _sections(root: Element) -> list[tuple[str, Element]]:
    """Each h2 with the element that holds it and its content."""
    found = []
    for parent in root.iter():
        for child in parent:
            if child.tag == "h2":
                found.append((_text(child), parent))
    return found


def _chunks(root: Element) -> tuple[Result, str]:
    sections = _sections(root)
    if not sections:
        return "disagree", "no sections with headings"
    long = []
    for heading, section in sections:
        # A section split by subheadings is judged by its parts: "What to expect" in
        # three numbered steps is three short chunks, not one long one.
        parts = [(_text(h), parent) for parent in section.iter() for h in parent if h.tag == "h3"]
        for name, part in parts or [(heading, section)]:
            words = len(_text(part).split()) - len(name.split())
            if words > MAX_SECTION_WORDS:
                long.append(f'"{name}" ({words} words)')
    for lst in [*root.iter("ul"), *root.iter("ol")]:
        count = len([li for li in lst if li.tag == "li"])
        if count > MAX_LIST_ITEMS:
            long.append(f"a list of {count} items")
    if long:
        limits = f"{MAX_SECTION_WORDS} words a section, {MAX_LIST_ITEMS} items a list"
        return "disagree", f"too long ({limits}): " + ", ".join(long)
    return "agree", f"{len(sections)} sections, each part under {MAX_SECTION_WORDS} words"


def _headers(root: Element) -> tuple[Result, str]:
    headings = [_text(h) for h in root.iter() if h.tag in ("h2", "h3")]
    if not headings:
        return "disagree", "no headings"
    generic = [h for h in headings if h.lower().strip(" :?") in GENERIC_HEADINGS]
    repeated = sorted({h for h in headings if headings.count(h) > 1})
    long = [h for h in headings if len(h.split()) > 10]
    if generic or repeated or long:
        bad = [*generic, *repeated, *long]
        return "disagree", "headings that do not say what follows: " + ", ".join(bad)
    return "agree", f"{len(headings)} headings, none generic or repeated"


def _list_items(marked: dict[str, Element], mark: str) -> int:
    """List items inside the part marked ``mark`` (0 when the page has no such part)."""
    part = marked.get(mark)
    return len(list(part.iter("li"))) if part is not None else 0


def _summary(marked: dict[str, Element]) -> tuple[Result, str]:
    points = _list_items(marked, "summary")
    if points < 2:
        return "disagree", 'no summary of 2 or more key points (data-audit="summary")'
    return "agree", f"{points} key points"


def _cues(root: Element, marked: dict[str, Element]) -> tuple[Result, str]:
    bullets = len(list(root.iter("li")))
    emphasis = len(list(root.iter("strong"))) + len(list(root.iter("b")))
    boxes = [m for m in ("summary", "action") if m in marked]
    if bullets < 3 or not (emphasis or boxes):
        return "disagree", "few bullets, and no bold text or boxed key points"
    return "agree", f"{bullets} bullets, {emphasis} bold phrases, boxes: {', '.join(boxes)}"


def _visual_aids(root: Element, qr: set[Element]) -> list[Element]:
    """Pictures in the content, a figure counting once with what it holds; the QR code
    is a tool and the logo (outside <main>) is branding."""
    in_figures = {el for f in root.iter("figure") for el in f.iter() if el is not f}
    return [
        el
        for el in root.iter()
        if el.tag in ("img", "svg", "figure") and el not in qr and el not in in_figures
    ]


def _needs_person_if(found: Sequence[Element], what: str) -> tuple[Result, str]:
    if not found:
        return "n/a", f"no {what}"
    return "person", f"needs a person: {len(found)} {what} to judge"


def _captions(visuals: list[Element]) -> tuple[Result, str]:
    if not visuals:
        return "n/a", "no visual aids"
    bare = [
        v
        for v in visuals
        if not (v.tag == "figure" and v.find(".//figcaption") is not None) and not v.get("title")
    ]
    if bare:
        return "disagree", f"{len(bare)} of {len(visuals)} visual aids have no caption or title"
    return "agree", "every visual aid has a caption"


def _tables(tables: list[Element]) -> tuple[Result, str]:
    if not tables:
        return "n/a", "no tables"
    for table in tables:
        rows = list(table.iter("tr"))
        columns = max((len([c for c in r if c.tag in ("td", "th")]) for r in rows), default=0)
        if table.find(".//th") is None:
            return "disagree", "a table has no header cells"
        if columns > MAX_TABLE_COLUMNS:
            return "disagree", f"a table has {columns} columns (at most {MAX_TABLE_COLUMNS})"
    return "agree", f"{len(tables)} simple tables"


def _action(
    sentences: list[str], marked: dict[str, Element], wording: Wording | None
) -> tuple[Result, str]:
    verbs = wording.action_verbs if wording else frozenset()
    actions = [s for s in sentences if s.split()[0].lower().strip(",.¿¡") in verbs]
    if actions:
        return "agree", f'{len(actions)} instructions, such as "{actions[0]}"'
    if "action" in marked:
        return "agree", 'a call-to-action block (data-audit="action")'
    if wording is None:
        return "person", "needs a person: no list of action verbs for this language"
    return "disagree", "no sentence tells the reader what to do"


def _direct(
    words: list[str], marked: dict[str, Element], wording: Wording | None
) -> tuple[Result, str]:
    if wording is None:
        return "person", "needs a person: no words of direct address for this language"
    you = sum(w in wording.you_words for w in words)
    share = you / max(len(words), 1)
    purpose = marked.get("purpose")
    in_purpose = purpose is not None and any(
        w.lower() in wording.you_words for w in re.findall(r"\w+", _text(purpose))
    )
    if share < MIN_YOU_SHARE or not in_purpose:
        where = "" if in_purpose else "; the purpose statement does not say 'you'"
        return "disagree", f"'you' or 'your' in {share:.1%} of words{where}"
    return "agree", f"'you' or 'your' {you} times ({share:.1%} of words)"


def _steps(marked: dict[str, Element]) -> tuple[Result, str]:
    steps = marked.get("steps")
    count = len([li for li in steps if li.tag == "li"]) if steps is not None else 0
    if steps is None or steps.tag != "ol" or count < 2:
        return "disagree", 'no numbered list of steps (an <ol data-audit="steps">)'
    return "agree", f"{count} numbered steps"


def _tool(marked: dict[str, Element]) -> tuple[Result, str]:
    count = _list_items(marked, "tool")
    if count < 2:
        return "disagree", 'no checklist or list of questions (data-audit="tool")'
    return "agree", f"a checklist of {count} questions to ask"
