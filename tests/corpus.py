"""The corpus of bad inputs: each case breaks one file of a copy of the bundled project
the way an educator's typo, a brand agency's stylesheet or an attacker would, and says
what the build must answer (test_security.py runs them all)."""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

CONDITION = "conditions/cidp.en.yaml"
TREATMENT = "conditions/_treatment.en.yaml"
SOURCES = "conditions/_sources.yaml"
CONFIG = "handouts.toml"
BRAND_DIR = "styles/brands/maple-childrens"
BRAND_TOML = f"{BRAND_DIR}/brand.toml"
BRAND_CSS = f"{BRAND_DIR}/brand.css"
LOGO = f"{BRAND_DIR}/logo.svg"
TEMPLATE = "templates/handout.html.j2"  # a project override of the default

# What a leak would look like in a PDF: the first line of /etc/passwd, the
# environment of a process, a result of template code run from data.
SECRETS = (b"root:x:0:0", b"PATH=", b"HOME=")


@dataclass(frozen=True)
class Case:
    name: str
    change: Callable[[Path], None]
    message: str  # what the output must say (a fragment)
    where: str = ""  # the file:line the message must name, as a fragment
    args: tuple[str, ...] = ()  # extra build options, e.g. --strict
    exit_code: int = 1
    renders: bool = False  # fails while rendering, not while loading
    extra: dict[str, str] = field(default_factory=dict)


def replace(path: str, old: str, new: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        target = root / path
        text = target.read_text("utf-8")
        assert old in text, f"corpus setup: {old!r} not in {path}"
        target.write_text(text.replace(old, new, 1), "utf-8")

    return change


def append(path: str, text: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("a", encoding="utf-8") as handle:
            handle.write(text)

    return change


def write_bytes(path: str, data: bytes) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    return change


def symlink(path: str, to: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        (root / path).symlink_to(to)

    return change


def link_over(path: str, to: str) -> Callable[[Path], None]:
    """``path`` (new, or in place of the file) becomes a link to ``to``."""

    def change(root: Path) -> None:
        (root / path).unlink(missing_ok=True)
        (root / path).symlink_to(to)

    return change


def fifo(path: str) -> Callable[[Path], None]:
    """``path`` (new, or in place of the file) becomes a named pipe: opening it for
    reading would wait for a writer that never comes."""

    def change(root: Path) -> None:
        (root / path).unlink(missing_ok=True)
        os.mkfifo(root / path)

    return change


def folder(path: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        (root / path).mkdir()

    return change


def delete(path: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        (root / path).unlink()

    return change


def recode(path: str, old: str, new: str, encoding: str) -> Callable[[Path], None]:
    """Replace ``old`` by ``new`` and save the file in ``encoding``, as an editor on
    Windows would."""

    def change(root: Path) -> None:
        target = root / path
        text = target.read_text("utf-8")
        assert old in text, f"corpus setup: {old!r} not in {path}"
        target.write_bytes(text.replace(old, new, 1).encode(encoding))

    return change


def long_section(path: str, size: int) -> Callable[[Path], None]:
    """Plausible text (sentences of a handout, one item each) in ``about_condition``
    until the file is ``size`` bytes: valid YAML, every field right, just far too long."""
    sentence = '    - "The nerves that carry signals to your muscles slowly get weaker."\n'

    def change(root: Path) -> None:
        target = root / path
        text = target.read_text("utf-8")
        count = max(1, (size - len(text)) // len(sentence))
        head = "  about_condition:\n"
        assert head in text, f"corpus setup: {head!r} not in {path}"
        target.write_text(text.replace(head, head + sentence * count, 1), "utf-8")

    return change


# Each level repeats the one before nine times: 9**9 (387 million) strings from a
# file of a few hundred bytes, if the aliases were ever expanded.
BILLION_LAUGHS = "id: cidp\nlang: en\nlol0: &a0 lol\n" + "".join(
    f"lol{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 9)}]\n" for level in range(1, 10)
)


def both(*changes: Callable[[Path], None]) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        for one in changes:
            one(root)

    return change


def huge_png(width: int, height: int) -> bytes:
    """A valid PNG of the given size that compresses to a few kilobytes: an image bomb."""
    import struct

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    row = b"\0" + b"\0" * width
    pixels = zlib.compress(row * height, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _wide_png_logo(root: Path) -> None:
    """An 8:1 logo, past the 6:1 a header prints readably."""
    Image.new("RGB", (1600, 200), "navy").save(root / BRAND_DIR / "logo.png")


def _use_png_logo(root: Path) -> None:
    replace(BRAND_TOML, 'logo = "logo.svg"', 'logo = "logo.png"')(root)


# Flex inside flex inside flex: WeasyPrint's flex layout grows exponentially with depth
# (Kozea/WeasyPrint#1166), so every element a flex box makes this render for minutes.
SLOW_CSS = "main, main * { display: flex; flex-direction: column; }\n"

CASES: list[Case] = [
    # ---- content files (YAML) ----
    Case(
        "yaml-unclosed-quote",
        replace(CONDITION, "short_name: CIDP", 'short_name: "CIDP'),
        "cidp.en.yaml:",
        "cidp.en.yaml:",
    ),
    Case("yaml-tab-indent", replace(CONDITION, "  title:", "\ttitle:"), "cidp.en.yaml:"),
    Case(
        "yaml-duplicate-key",
        replace(CONDITION, "short_name: CIDP", "short_name: CIDP\nshort_name: X"),
        "duplicate",
        "cidp.en.yaml:",
    ),
    Case(
        "yaml-unknown-field",
        replace(CONDITION, "short_name:", "short_nme:"),
        "did you mean",
        "cidp.en.yaml:",
    ),
    Case(
        "yaml-wrong-type", replace(CONDITION, "order: 3", "order: three"), "order", "cidp.en.yaml:"
    ),
    Case(
        "yaml-missing-field",
        replace(CONDITION, "name: Chronic inflammatory demyelinating polyneuropathy\n", ""),
        "name",
        "cidp.en.yaml",
    ),
    Case(
        "yaml-bad-date",
        replace(CONDITION, "updated: 2026-11-24", "updated: 2026-13-45"),
        "updated",
        "cidp.en.yaml:",
    ),
    Case(
        "yaml-time-not-a-number",
        replace(CONDITION, "updated: 2026-11-24", "updated: 10:30"),
        "updated",
        "cidp.en.yaml:",
    ),
    Case(
        "yaml-no-is-not-false", replace(CONDITION, "lang: en", "lang: NO"), "lang", "cidp.en.yaml:"
    ),
    Case(
        "yaml-number-for-text",
        replace(CONDITION, 'version: "0.1"', "version: 0.10"),
        "version",
        "cidp.en.yaml:",
    ),
    Case(
        "yaml-python-tag",
        replace(
            CONDITION,
            "short_name: CIDP",
            'short_name: !!python/object/apply:os.system ["echo pwned"]',
        ),
        "cidp.en.yaml:",
    ),
    Case(
        "yaml-list-for-mapping",
        replace(CONDITION, "review:\n", "review: [1, 2]\nold_review:\n"),
        "review",
        "cidp.en.yaml:",
    ),
    Case("yaml-empty-file", write_bytes(CONDITION, b""), "cidp.en.yaml"),
    Case(
        "yaml-not-utf8",
        write_bytes(CONDITION, b"id: cidp\nname: \xff\xfe caf\xe9\n"),
        "cidp.en.yaml",
    ),
    Case("yaml-id-not-file-name", replace(CONDITION, "id: cidp", "id: gbs"), "cidp.en.yaml"),
    Case(
        "yaml-unknown-source",
        replace(
            CONDITION,
            "sources: [ean-pns-2021-cidp, aan-2012-ivig]",
            "sources: [ean-pns-2021-cidp, no-such-source]",
        ),
        "no-such-source",
        "cidp.en.yaml:",
    ),
    Case(
        "yaml-approved-without-reviewer",
        replace(CONDITION, "status: draft", "status: approved"),
        "review",
        "cidp.en.yaml:",
    ),
    Case(
        "yaml-billion-laughs",
        write_bytes(CONDITION, BILLION_LAUGHS.encode()),
        "anchor &a0 refused; content files do not use anchors, aliases or merge keys",
        "cidp.en.yaml:3:7",
    ),
    Case(
        "yaml-alias",
        replace(CONDITION, "short_name: CIDP", "short_name: *name"),
        "alias *name refused",
        "cidp.en.yaml:7:13",
    ),
    Case(
        "yaml-merge-key",
        replace(CONDITION, "review:\n", "review:\n  <<: {status: draft}\n"),
        "merge key << refused",
        "cidp.en.yaml:10:3",
    ),
    Case(
        "yaml-nested-too-deep",
        append(CONDITION, "deep: " + "[" * 5000 + "]" * 5000 + "\n"),
        "nested more than 20 levels deep",
        "cidp.en.yaml:",
    ),
    Case(
        "yaml-link-to-dev-zero",
        link_over("conditions/gout.en.yaml", "/dev/zero"),
        "not a regular file: a link to /dev/zero, which is a character device",
        "gout.en.yaml",
    ),
    Case(
        "yaml-fifo",
        fifo("conditions/gout.en.yaml"),
        "not a regular file: a named pipe (FIFO)",
        "gout.en.yaml",
    ),
    Case(
        "yaml-folder",
        folder("conditions/gout.en.yaml"),
        "not a regular file: a folder",
        "gout.en.yaml",
    ),
    Case("sources-fifo", fifo(SOURCES), "not a regular file: a named pipe", "_sources.yaml"),
    Case(
        "yaml-2mb-file",
        long_section(CONDITION, 2 * 1024 * 1024),
        "the file is 2.0 MB; content and configuration files may be at most 256 KB "
        "(max_input_kb in handouts.toml)",
        "cidp.en.yaml",
    ),
    Case(
        # Past a raised size cap, the words of the section stop it, at its line.
        "yaml-2mb-section",
        both(
            long_section(CONDITION, 2 * 1024 * 1024),
            replace(CONFIG, "max_input_kb = 256", "max_input_kb = 4096"),
        ),
        "patient.about_condition has",
        "cidp.en.yaml:20:3",
    ),
    Case(
        "yaml-long-section",
        long_section(CONDITION, 40 * 1024),
        "words; a text or list of items may have at most 400 (max_section_words in handouts.toml)",
        "cidp.en.yaml:20:3",
    ),
    Case(
        "yaml-windows-1252",
        recode(CONDITION, "short_name: CIDP", "short_name: CIDP \u2013 café", "cp1252"),
        "the file is not UTF-8: byte 0x96 ('\u2013' in Windows-1252) cannot be read; it is "
        "probably in Windows-1252 or Latin-1: save it again as UTF-8",
        "cidp.en.yaml:7:18",
    ),
    Case(
        "yaml-treatment-unknown-field",
        replace(TREATMENT, "\npatient:", "\npatinet: {}\npatient:"),
        "did you mean",
        "_treatment.en.yaml:",
    ),
    # ---- configuration (TOML) ----
    Case(
        "toml-unknown-key", replace(CONFIG, "paper = ", "papr = "), "did you mean", "handouts.toml:"
    ),
    Case(
        "toml-wrong-type",
        replace(CONFIG, 'paper = "letter"', "paper = 5"),
        "paper",
        "handouts.toml:",
    ),
    Case(
        "toml-bad-choice",
        replace(CONFIG, 'paper = "letter"', 'paper = "tabloid"'),
        "paper",
        "handouts.toml:",
    ),
    Case("toml-syntax", replace(CONFIG, 'paper = "letter"', 'paper = "letter'), "handouts.toml"),
    Case("toml-duplicate-key", append(CONFIG, '\npaper = "a4"\n'), "handouts.toml"),
    Case(
        "toml-negative-timeout",
        replace(CONFIG, "render_timeout = 300", "render_timeout = -1"),
        "render_timeout",
        "handouts.toml:",
    ),
    Case(
        "toml-link-to-dev-zero",
        link_over(CONFIG, "/dev/zero"),
        "not a regular file: a link to /dev/zero",
        "handouts.toml",
    ),
    Case(
        "toml-latin-1",
        recode(CONFIG, 'title = "IVIG', 'title = "Soins à domicile: IVIG', "latin-1"),
        "the file is not UTF-8: byte 0xE0 ('à' in Windows-1252)",
        "handouts.toml:4:",
    ),
    Case(
        "toml-too-large",
        append(CONFIG, "# padding\n" * 30000),
        "may be at most 256 KB",
        "handouts.toml",
    ),
    Case(
        "toml-missing-stylesheet",
        replace(CONFIG, "stylesheets = []", 'stylesheets = ["nope.css"]'),
        "not found",
        "handouts.toml",
    ),
    # ---- brands ----
    Case(
        "brand-logo-absent",
        replace(BRAND_TOML, 'logo = "logo.svg"', 'logo = "gone.svg"'),
        "not found",
        "brand.toml:",
    ),
    Case(
        "brand-logo-outside",
        replace(BRAND_TOML, 'logo = "logo.svg"', 'logo = "../../../../../etc/passwd"'),
        "outside the brand folder",
        "brand.toml:",
    ),
    Case(
        "brand-logo-not-an-image",
        replace(BRAND_TOML, 'logo = "logo.svg"', 'logo = "brand.css"'),
        "SVG, PNG or JPEG",
        "brand.toml:",
    ),
    Case(
        "brand-logo-links-passwd",
        write_bytes(
            LOGO,
            b'<svg xmlns="http://www.w3.org/2000/svg" '
            b'xmlns:xlink="http://www.w3.org/1999/xlink" width="8" height="8">'
            b'<image xlink:href="file:///etc/passwd" width="8" height="8"/></svg>',
        ),
        "file:///etc/passwd",
        "brand.toml",
    ),
    Case(
        "brand-logo-script",
        write_bytes(
            LOGO,
            b'<svg xmlns="http://www.w3.org/2000/svg" '
            b'width="8" height="8"><script>alert(1)</script></svg>',
        ),
        "script",
        "brand.toml",
    ),
    Case(
        "brand-logo-huge-image",
        both(_use_png_logo, write_bytes(f"{BRAND_DIR}/logo.png", huge_png(30000, 30000))),
        "too many",
        "brand.toml",
    ),
    Case(
        "brand-bad-phone",
        replace(BRAND_TOML, 'phone = "(555) 555-0163"', 'phone = "call us"'),
        "phone",
        "brand.toml:",
    ),
    Case(
        "brand-unknown-field",
        replace(BRAND_TOML, "department =", "departmnt ="),
        "did you mean",
        "brand.toml:",
    ),
    Case("brand-toml-syntax", append(BRAND_TOML, "\n[clinic\n"), "brand.toml"),
    Case("brand-toml-fifo", fifo(BRAND_TOML), "not a regular file: a named pipe", "brand.toml"),
    Case(
        "brand-toml-too-large",
        append(BRAND_TOML, "# padding\n" * 30000),
        "KB; content and configuration files may be at most 256 KB (max_input_kb in handouts.toml)",
        "brand.toml",
    ),
    # ---- command-line options, and the same values from handouts.toml ----
    Case(
        "toml-unknown-brand-setting",
        replace(CONFIG, 'brands = ["all"]', 'brands = ["mapel"]'),
        "no brand 'mapel'",
        "handouts.toml:",
    ),
    Case(
        "toml-unknown-language-setting",
        replace(CONFIG, 'languages = ["en"]', 'languages = ["fr"]'),
        "no condition files for language 'fr'",
        "handouts.toml:",
    ),
    Case(
        "option-unknown-brand",
        lambda root: None,
        "--brand: unknown brand 'mapel'; available: lakeside-infusion, maple-childrens",
        args=("--brand", "mapel"),
        exit_code=2,
    ),
    Case(
        "option-unknown-condition",
        lambda root: None,
        "--condition: unknown condition 'gout'; available: cidp,",
        args=("--condition", "gout"),
        exit_code=2,
    ),
    Case(
        "option-unknown-language",
        lambda root: None,
        "--lang: unknown language 'fr'; available: en, es",
        args=("--lang", "fr"),
        exit_code=2,
    ),
    Case(
        "option-untranslated-condition",
        delete("conditions/cidp.es.yaml"),
        "no Spanish text for 'cidp': this file is missing. Translate it, or set "
        'fallback_language = "en" in handouts.toml',
        "conditions/cidp.es.yaml",
        args=("--lang", "es"),
    ),
    # ---- stylesheets ----
    Case(
        "css-import-passwd",
        append(BRAND_CSS, '\n@import url("file:///etc/passwd");\n'),
        "@import of 'file:///etc/passwd' refused",
        "brand.css:",
    ),
    Case(
        "css-import-http",
        append(BRAND_CSS, '\n@import "http://127.0.0.1:9/x.css";\n'),
        "http URLs are not allowed",
        "brand.css:",
    ),
    Case(
        "css-import-content",
        append(BRAND_CSS, '\n@import "../../../conditions/cidp.en.yaml";\n'),
        "outside the project's allowed folders",
        "brand.css:",
    ),
    Case(
        "css-font-dev-urandom",
        append(BRAND_CSS, "\n@font-face { font-family: X; src: url(/dev/urandom); }\n"),
        "device and system files",
        "brand.css:",
        args=("--strict",),
    ),
    Case(
        "css-background-passwd",
        append(BRAND_CSS, '\n.logo { background: url("file:///etc/passwd"); }\n'),
        "refused",
        "brand.css:",
        args=("--strict",),
    ),
    Case(
        "css-proc-environ",
        append(BRAND_CSS, "\n@media print { .kicker { background: url(/proc/self/environ) } }\n"),
        "device and system files",
        "brand.css:",
        args=("--strict",),
    ),
    Case(
        "css-http-image",
        append(BRAND_CSS, '\n.kicker::before { content: url("https://127.0.0.1:9/p.png"); }\n'),
        "https URLs are not allowed",
        "brand.css:",
        args=("--strict",),
    ),
    Case(
        "css-ftp-font",
        append(BRAND_CSS, '\n@font-face { font-family: Y; src: url("ftp://127.0.0.1/f.ttf"); }\n'),
        "ftp URLs are not allowed",
        "brand.css:",
        args=("--strict",),
    ),
    Case(
        "css-symlink-to-passwd",
        both(
            symlink(f"{BRAND_DIR}/notes.css", "/etc/passwd"),
            append(BRAND_CSS, '\n@import "notes.css";\n'),
        ),
        "outside the project's allowed folders",
        "brand.css:",
    ),
    Case(
        "css-renders-for-minutes",
        both(
            append(BRAND_CSS, "\n" + SLOW_CSS),
            replace(CONFIG, "render_timeout = 300", "render_timeout = 2"),
        ),
        "took longer than 2 s",
        renders=True,
    ),
    # A clinic's name long enough to push the footer's last line off the page: WeasyPrint
    # would clip it without a word; the fit fails instead.
    Case(
        "clinic-name-runs-out-of-the-footer",
        replace(
            BRAND_TOML,
            'name = "Maple Grove Children\'s Hospital"',
            "name = \"Maple Grove Children's Hospital and Regional Medical Center for Pediatric "
            "Rheumatology, Immunology, Infusion Therapy and Family-Centered Care of the Greater "
            'Maple Grove Valley, Department of Pediatrics and Adolescent Medicine"',
        ),
        "would be cut off",
        renders=True,
    ),
    # ---- text no font of the brand draws, a logo too wide to read (warnings: --strict) ----
    Case(
        "brand-name-in-a-script-no-font-has",
        replace(BRAND_TOML, 'name = "Maple Grove Children\'s Hospital"', 'name = "Κέντρο Ωμέγα"'),
        "clinic.name has Greek characters",
        "brand.toml:3:",
        args=("--strict",),
    ),
    Case(
        "content-in-a-script-no-font-has",
        replace(CONDITION, 'title: "IVIG for CIDP"', 'title: "सीआईडीपी के लिए आईवीआईजी"'),
        "patient.title has Devanagari characters",
        "cidp.en.yaml:18:",
        args=("--strict",),
    ),
    Case(
        "logo-wider-than-6-to-1",
        both(_wide_png_logo, _use_png_logo),
        "is 8.0:1; a handout's header will print it",
        "brand.toml:",
        args=("--strict",),
    ),
    # ---- the output folder ----
    Case(
        "out-holds-the-project",
        lambda root: None,
        "the output folder holds the project folder",
        "--out /:",
        args=("--out", "/"),  # the last --out wins
    ),
    # ---- templates ----
    Case(
        "template-undefined",
        write_bytes(TEMPLATE, b"<html><body>{{ no_such_field }}</body></html>"),
        "no_such_field",
        "handout.html.j2",
        renders=True,
    ),
    Case("template-syntax", write_bytes(TEMPLATE, b"{% if %}\n"), "handout.html.j2"),
    Case(
        "template-include-passwd",
        write_bytes(TEMPLATE, b'{% include "/etc/passwd" %}'),
        "/etc/passwd",
        "handout.html.j2",
        renders=True,
    ),
]
