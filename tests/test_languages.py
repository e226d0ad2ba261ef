"""Languages: the catalogs of the pages' fixed text, a language's pages, staleness."""

from __future__ import annotations

import ctypes
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pylopdf_fonts_zh_cn
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from babel.messages.pofile import read_po
from pypdf import PdfReader

from handouts.i18n import DOMAIN, catalog_languages, coverage, package_locale_dir
from tests.conftest import REPO
from tests.helpers import edit, line_of, run

BRAND = "northfield-neurology"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _catalog(lang: str) -> list[tuple[str, str]]:
    """(source, translation) pairs; a plural message gives one pair per form."""
    path = package_locale_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    pairs = []
    with path.open("rb") as handle:
        for message in read_po(handle):
            if not message.id:
                continue
            if isinstance(message.id, tuple):
                plural = message.id[-1]
                pairs += [(plural, str(form)) for form in message.string]
            else:
                pairs.append((str(message.id), str(message.string)))
    return pairs


def test_the_catalog_template_holds_every_message_the_code_and_templates_use(
    tmp_path: Path,
) -> None:
    """After a template change, `make catalogs` must have been run: a new label that is
    not in the catalogs would print in English on every translated page."""
    pybabel = Path(sys.executable).parent / "pybabel"
    fresh = tmp_path / "fresh.pot"
    subprocess.run(
        [str(pybabel), "extract", "-F", "babel.cfg", "-o", str(fresh), "--no-location", "."],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    with fresh.open("rb") as handle:
        extracted = {m.id for m in read_po(handle) if m.id}
    with (package_locale_dir() / f"{DOMAIN}.pot").open("rb") as handle:
        committed = {m.id for m in read_po(handle) if m.id}
    assert extracted == committed, "run 'make catalogs' and translate what is new"


@pytest.mark.parametrize(
    "lang", [lang for lang in catalog_languages((package_locale_dir(),)) if lang != "en"]
)
def test_each_bundled_catalog_is_complete_with_the_same_placeholders(lang: str) -> None:
    assert coverage(lang, (package_locale_dir(),)).complete
    for message, translation in _catalog(lang):
        assert translation, message
        assert set(PLACEHOLDER.findall(message)) == set(PLACEHOLDER.findall(translation)), message


def _spanish_copy(project: Path) -> None:
    """Spanish files for one condition (the English text, marked as Spanish): enough to
    see the catalog, the dates and the page numbers at work."""
    conditions = project / "conditions"
    for name in ("cidp", "_treatment", "_glossary"):
        text = (conditions / f"{name}.en.yaml").read_text("utf-8")
        text = text.replace("lang: en", "lang: es", 1)
        if name != "_glossary":
            text = text.replace(
                "\npatient:",
                '\ntranslated_from:\n  lang: en\n  version: "0.1"\n  updated: 2026-11-24\npatient:',
                1,
            )
        (conditions / f"{name}.es.yaml").write_text(text, "utf-8")
    for other in conditions.glob("*.es.yaml"):
        if other.name.split(".")[0] not in {"cidp", "_treatment", "_glossary"}:
            other.unlink()


def test_a_spanish_page_has_spanish_labels_dates_page_numbers_and_language(
    project_copy: Path,
) -> None:
    _spanish_copy(project_copy)
    out = project_copy / "out"
    args = ["build", "--lang", "es", "--brand", BRAND, "--condition", "cidp", "--out", str(out)]
    code, output = run(project_copy, *args, "--format", "html")
    assert code == 0, output
    html = (out / BRAND / "es/handout-cidp.html").read_text("utf-8")
    assert '<html lang="es" dir="ltr">' in html
    labels = (
        "Puntos clave",
        "Cuándo pedir ayuda",
        "Palabras que debe conocer",
        "Llame al 911 de inmediato si hay:",
        "24 de noviembre de 2026",
        "Borrador",
    )
    for label in labels:
        assert label in html, label
    assert "Key points" not in html
    # The clinic's own words come from the brand's [clinic.es] table.
    assert "Clínica de Neurología, Programa Neuromuscular" in html
    assert 'alt="Logotipo del Northfield University Hospital: un escudo' in html
    assert "Neurology Clinic" not in html

    code, output = run(project_copy, *args)
    assert code == 0, output
    reader = PdfReader(out / BRAND / "es/handout-cidp.pdf")
    assert reader.trailer["/Root"]["/Lang"] == "es"
    text = reader.pages[0].extract_text()
    assert "Página 1 de 2" in text
    assert "Page 1 of 2" not in text


def test_a_brand_without_its_words_in_a_built_language_is_warned_and_bad_tables_refused(
    project_copy: Path,
) -> None:
    config = project_copy / "handouts.toml"
    edit(config, 'languages = ["en"]', 'languages = ["en", "es"]')
    brand = project_copy / f"styles/brands/{BRAND}/brand.toml"
    text = brand.read_text("utf-8")
    text = text[: text.index("[clinic.es]")]
    brand.write_text(text, "utf-8")
    code, output = run(project_copy, "validate")
    assert code == 0, output
    assert f"{BRAND}/brand.toml:" in output
    assert "department and logo_alt print in English on Spanish pages" in output
    assert "add [clinic.es]" in output
    # The default "Call 911" is in the catalogs; a brand's own wording is not.
    brand.write_text(text.replace('"Call 911"', '"Call 911 or go to the nearest ER"'), "utf-8")
    code, output = run(project_copy, "validate")
    assert "department, logo_alt, and emergency print in English on Spanish pages" in output

    brand.write_text(brand.read_text("utf-8") + '[clinic.spanish]\ndepartment = "x"\n', "utf-8")
    code, output = run(project_copy, "validate")
    assert code == 1
    line = line_of(brand, "[clinic.spanish]")
    assert f"brand.toml:{line}:1: error: clinic.spanish: 'spanish' is not a language code" in output


def test_a_translation_older_than_its_english_is_flagged_stale(project_copy: Path) -> None:
    _spanish_copy(project_copy)
    code, output = run(project_copy, "validate")
    assert code == 0, output
    assert "stale" not in output

    english = project_copy / "conditions/cidp.en.yaml"
    edit(english, 'version: "0.1"', 'version: "0.2"')
    code, output = run(project_copy, "validate")
    assert code == 0, output
    assert "cidp.es.yaml:" in output
    assert "stale translation: it translates the English version 0.1" in output
    assert "the English is now version 0.2" in output
    code, output = run(project_copy, "validate", "--strict")
    assert code == 1


def test_a_translation_that_does_not_say_its_source_is_a_warning(project_copy: Path) -> None:
    _spanish_copy(project_copy)
    spanish = project_copy / "conditions/cidp.es.yaml"
    text = spanish.read_text("utf-8")
    spanish.write_text(re.sub(r"translated_from:\n(  .*\n)+", "", text), "utf-8")
    code, output = run(project_copy, "validate")
    assert code == 0, output
    assert "cidp.es.yaml:" in output
    assert "does not say which English text it translates" in output
    # Not stale (that cannot be known), but untracked, so the language is not ready.
    code, output = run(project_copy, "languages")
    row = next(line.split() for line in output.splitlines() if line.split()[:1] == ["es"])
    assert row[-4:] == ["0", "1", "no", "no"]  # stale, untracked, built, ready


def test_languages_lists_each_languages_coverage(project_copy: Path) -> None:
    _spanish_copy(project_copy)
    code, output = run(project_copy, "languages")
    assert code == 0, output
    rows = {line.split()[0]: line.split() for line in output.splitlines() if line.strip()}
    assert rows["en"][2:4] == ["7/7", "yes"]
    assert rows["es"][1] == "español"
    assert rows["es"][2] == "1/7"  # one condition translated of seven
    total = coverage("en", (package_locale_dir(),)).total
    assert rows["es"][5] == f"{total}/{total}"
    assert rows["es"][-1] == "no"  # not ready: six conditions missing


def test_without_a_fallback_untranslated_handouts_are_not_built_and_the_build_says_so(
    project_copy: Path,
) -> None:
    _spanish_copy(project_copy)
    out = project_copy / "out"
    code, output = run(project_copy, "build", "--lang", "es", "--brand", BRAND,
                       "--only", "handouts", "--out", str(out))  # fmt: skip
    assert code == 0, output
    assert [p.name for p in (out / BRAND / "es").glob("*.pdf")] == ["handout-cidp.pdf"]
    assert "es: no text yet for dermatomyositis" in output
    assert 'fallback_language = "en"' in output


def test_with_a_fallback_untranslated_conditions_print_in_english_and_say_so(
    project_copy: Path,
) -> None:
    _spanish_copy(project_copy)
    # Three conditions, one of them translated: the summary and binder of each kind.
    for path in (project_copy / "conditions").glob("[!_]*.en.yaml"):
        if path.name.split(".")[0] not in ("cidp", "myasthenia-gravis", "dermatomyositis"):
            path.unlink()
    config = project_copy / "handouts.toml"
    config.write_text(config.read_text("utf-8") + '\nfallback_language = "en"\n', "utf-8")
    out = project_copy / "out"
    code, output = run(project_copy, "build", "--lang", "es", "--brand", BRAND, "--out", str(out))
    assert code == 0, output
    folder = out / BRAND / "es"
    assert len(list(folder.glob("handout-*.pdf"))) == 3
    borrowed = PdfReader(folder / "handout-myasthenia-gravis.pdf")
    assert borrowed.trailer["/Root"]["/Lang"] == "en"  # the text is English: read as English
    text = " ".join(borrowed.pages[0].extract_text().split())
    assert "Esta hoja todavía no está traducida. Aquí la tiene en inglés." in text
    assert "Key points" in text
    translated = PdfReader(folder / "handout-cidp.pdf").pages[0].extract_text()
    assert "todavía no está traducida" not in translated

    # The summary and the binder cover every condition too, the borrowed ones marked:
    # leaving them out would say those conditions have no handout.
    summary = " ".join(PdfReader(folder / "clinician-summary.pdf").pages[0].extract_text().split())
    assert summary.count("aún sin traducir: en inglés") == 2
    assert "Myasthenia gravis (MG)" in summary
    binder = PdfReader(folder / "binder.pdf")
    assert len(binder.pages) == 2 + 3 * 2 + 1  # cover, contents, 3 handouts, summary
    contents = " ".join(binder.pages[1].extract_text().split())
    assert contents.count("Hoja para pacientes, en inglés, 2 páginas") == 2
    assert "IVIG for myasthenia gravis (MG)" in contents
    assert "Hoja para pacientes, 2 páginas" in contents  # CIDP, in Spanish


# ---- scripts the project does not bundle: right to left, Chinese ----

ARABIC = {
    "title": "الغلوبولين المناعي الوريدي",
    "purpose": (
        "هذه النشرة لمن سيأخذ دواء الغلوبولين المناعي الوريدي. "
        "تشرح ما يفعله الدواء وماذا تتوقع ومتى تطلب المساعدة."
    ),
}
# What the English says, in plain simplified Chinese; no spaces between words, so the
# lines can only break where Pango's Unicode line breaking allows.
CHINESE = {
    "title": "IVIG 治疗 CIDP",
    "purpose": (
        "这份说明写给患有慢性炎性脱髓鞘性多发性神经病（CIDP）、将要使用一种叫做 IVIG "
        "的药物的人。它告诉您 IVIG 有什么作用、会发生什么，以及什么时候需要求助。"
    ),
    "about_condition": [
        "CIDP 是一种自身免疫病。您的免疫系统会伤害您的神经。",
        "这会引起无力和感觉丧失。这些问题可能会随着时间变得更严重。",
    ],
    "key_points": [
        "IVIG 可以保护您的神经，让 CIDP 保持稳定。",
        "您可能需要长期定期使用 IVIG。",
        "轻微的副作用很常见，比如头痛。",
        "呼吸困难或胸痛？请拨打 911。",
    ],
}


def _script_copy(project: Path, lang: str, fields: dict[str, str | list[str]]) -> None:
    """A CIDP handout in ``lang``: these fields of its patient text in that script, the
    rest (and the shared text) still English. Enough to see the script laid out."""
    conditions = project / "conditions"
    for name in ("cidp", "_treatment", "_glossary"):
        text = (conditions / f"{name}.en.yaml").read_text("utf-8")
        (conditions / f"{name}.{lang}.yaml").write_text(
            text.replace("lang: en", f"lang: {lang}", 1)
        )
    path = conditions / f"cidp.{lang}.yaml"
    lines = path.read_text("utf-8").splitlines()
    for field, value in fields.items():
        start = next(i for i, line in enumerate(lines) if line.startswith(f"  {field}:"))
        end = start + 1
        while end < len(lines) and lines[end].startswith("    "):
            end += 1
        if isinstance(value, str):
            lines[start:end] = [f'  {field}: "{value}"']
        else:
            lines[start:end] = [f"  {field}:", *(f'    - "{item}"' for item in value)]
    path.write_text("\n".join(lines) + "\n", "utf-8")


def _build_script(project: Path, lang: str, css: str) -> tuple[Path, str]:
    """Build the handout with ``css`` as an extra stylesheet; its path and the HTML."""
    sheet = project / "script.css"
    sheet.write_text(css, "utf-8")
    out = project / "out"
    args = ["--lang", lang, "--brand", BRAND, "--condition", "cidp", "-s", str(sheet)]
    for fmt in ("pdf", "html"):
        code, output = run(project, "build", *args, "--out", str(out), "--format", fmt)
        assert code == 0, output
        assert "warning" not in output, output
    folder = out / BRAND / lang
    return folder / "handout-cidp.pdf", (folder / "handout-cidp.html").read_text("utf-8")


def _fonts_of(pdf: Path, script: re.Pattern[str]) -> dict[str, int]:
    """Which embedded font each character of ``script`` on the first page is set in."""
    document = pdfium.PdfDocument(pdf)
    text = document[0].get_textpage()
    name = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    found: dict[str, int] = {}
    for index in range(text.count_chars()):
        if script.fullmatch(text.get_text_range(index, 1)):
            pdfium_c.FPDFText_GetFontInfo(text.raw, index, name, 256, ctypes.byref(flags))
            font = name.value.decode().split("+")[-1]  # without the subset tag
            found[font] = found.get(font, 0) + 1
    document.close()
    return found


def test_an_arabic_handout_is_laid_out_right_to_left_with_its_font_embedded(
    project_copy: Path,
) -> None:
    """Arabic is not bundled: a short handout proves the pipeline sets the direction,
    lays the text out and embeds a font from a Python package (fontpkg)."""
    _script_copy(project_copy, "ar", ARABIC)
    font = '"Noto Sans Arabic"'
    pdf, html = _build_script(
        project_copy, "ar", f":root {{ --font-body: {font}; --font-heading: {font}; }}"
    )
    assert PdfReader(pdf).trailer["/Root"]["/Lang"] == "ar"
    assert '<html lang="ar" dir="rtl">' in html
    fonts = _fonts_of(pdf, re.compile(r"[\u0600-\u06ff]"))
    assert fonts, "no Arabic text on the page"
    assert all(name.startswith("Noto-Sans-Arabic") for name in fonts), fonts


def test_a_chinese_handout_breaks_lines_between_characters_in_an_embedded_font(
    project_copy: Path,
) -> None:
    """Chinese is not bundled either. Its font is not a fontpkg family: a brand that
    needs one ships the file beside its stylesheet and declares it with @font-face,
    which the font check accepts. The font here is Noto Sans SC from a Python package
    (a dev dependency), copied in as a brand would."""
    _script_copy(project_copy, "zh", CHINESE)
    shutil.copy(pylopdf_fonts_zh_cn.sans_path(), project_copy / "NotoSansSC-Regular.otf")
    font = '"Noto Sans SC"'
    pdf, html = _build_script(
        project_copy,
        "zh",
        f'@font-face {{ font-family: {font}; src: url("NotoSansSC-Regular.otf"); }}\n'
        f":root {{ --font-body: {font}; --font-heading: {font}; }}",
    )
    assert PdfReader(pdf).trailer["/Root"]["/Lang"] == "zh"
    assert '<html lang="zh" dir="ltr">' in html

    # Every Han character is set in the embedded Noto Sans SC (bold headings in its
    # synthesised bold), none in a machine font or as a missing glyph.
    fonts = _fonts_of(pdf, re.compile(r"[\u4e00-\u9fff]"))
    assert sum(fonts.values()) > 100, fonts
    assert all(name.startswith("Noto-Sans-SC") for name in fonts), fonts

    # The purpose has no spaces to break at, yet it fills several lines of its column
    # and reads back whole, in order.
    text = PdfReader(pdf).pages[0].extract_text()
    lines = [line for line in text.splitlines() if line and line[0] in CHINESE["purpose"]]
    purpose = "".join(text.split())
    assert "".join(CHINESE["purpose"].split()) in purpose
    assert len(lines) >= 3, text[:400]


def test_a_projects_own_catalog_is_used_and_editing_it_rebuilds_its_pages(
    project_copy: Path,
) -> None:
    """A catalog is an input of every page in its language: a corrected label must not
    leave yesterday's PDFs in place as up to date."""
    _spanish_copy(project_copy)
    catalog = project_copy / "locale/es/LC_MESSAGES" / f"{DOMAIN}.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_bytes((package_locale_dir() / "es/LC_MESSAGES" / f"{DOMAIN}.po").read_bytes())
    args = ["build", "--lang", "es", "--brand", BRAND, "--condition", "cidp", "--format", "html"]
    code, output = run(project_copy, *args)
    assert code == 0, output
    assert "built 1:" in output

    edit(catalog, 'msgstr "Puntos clave"', 'msgstr "Lo más importante"')
    code, output = run(project_copy, *args)
    assert code == 0, output
    assert "built 1:" in output
    html = (project_copy / "output" / BRAND / "es/handout-cidp.html").read_text("utf-8")
    assert "Lo más importante" in html
    assert "Puntos clave" not in html
