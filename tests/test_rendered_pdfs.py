"""Real renders of the real content, read back with pypdf as a reader's software would."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from handouts.builder import BuildResult
from handouts.project import Project
from tests.conftest import BRAND, BRANDS, CONDITIONS

PHONE = "(555) 555-0142"  # Northfield's


def _pdf(built: BuildResult, name: str, brand: str = BRAND) -> PdfReader:
    return PdfReader(built.output_dir / brand / "en" / name)


def _text(reader: PdfReader) -> str:
    # Extraction breaks lines wherever the layout does; compare on single spaces.
    return " ".join("\n".join(page.extract_text() for page in reader.pages).split())


@pytest.mark.parametrize("brand", BRANDS)
@pytest.mark.parametrize("condition", CONDITIONS)
def test_handout_fits_front_and_back_and_names_condition_and_clinic(
    built: BuildResult, project: Project, condition: str, brand: str
) -> None:
    reader = _pdf(built, f"handout-{condition}.pdf", brand)
    assert 1 <= len(reader.pages) <= 2
    text = _text(reader)
    # Titles use sentence case ("IVIG for myasthenia gravis"): compare without case.
    assert project.conditions[("en", condition)].name.casefold() in text.casefold()
    clinic = project.brands[brand].clinic
    assert clinic.name in text
    assert clinic.phone in text
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in text


@pytest.mark.parametrize("condition", CONDITIONS)
def test_draft_status_printed_on_every_page(built: BuildResult, condition: str) -> None:
    reader = _pdf(built, f"handout-{condition}.pdf")
    for page in reader.pages:
        text = " ".join(page.extract_text().split())
        assert "DRAFT" in text.upper()
        assert "Not yet approved by a clinical reviewer" in text


def test_handout_pages_are_us_letter(built: BuildResult) -> None:
    page = _pdf(built, "handout-kawasaki-disease.pdf").pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width), round(height)) == (612, 792)


@pytest.mark.parametrize("brand", BRANDS)
def test_summary_is_one_landscape_page_naming_all_seven(
    built: BuildResult, project: Project, brand: str
) -> None:
    reader = _pdf(built, "clinician-summary.pdf", brand)
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)
    text = _text(reader)
    for condition in CONDITIONS:
        assert project.conditions[("en", condition)].name in text
    assert "Boxed warning: thrombosis" in text
    assert "Hughes RAC" in text  # footnote 1, the first source cited


def _fonts(reader: PdfReader) -> list[DictionaryObject]:
    fonts = []
    for page in reader.pages:
        resources = page["/Resources"].get_object()
        for font in resources.get("/Font", {}).values():
            fonts.append(font.get_object())
    return fonts


# Each brand's pairing, as PDF base font names: headings and body.
BRAND_FONTS = {
    "northfield-neurology": {"Source-Serif-4", "Source-Sans-3"},
    "maple-childrens": {"Nunito", "Atkinson-Hyperlegible"},
    "lakeside-infusion": {"Public-Sans", "Atkinson-Hyperlegible"},
}


@pytest.mark.parametrize("brand", BRANDS)
@pytest.mark.parametrize("name", ["handout-cidp.pdf", "clinician-summary.pdf"])
def test_every_font_is_embedded_with_unicode_map(built: BuildResult, name: str, brand: str) -> None:
    fonts = _fonts(_pdf(built, name, brand))
    assert fonts
    families = set()
    for font in fonts:
        assert "/ToUnicode" in font, font.get("/BaseFont")
        descendants = font.get("/DescendantFonts")
        descriptor = (descendants[0].get_object() if descendants else font)["/FontDescriptor"]
        descriptor = descriptor.get_object()
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
        base = str(font["/BaseFont"]).split("+", 1)[-1]
        families |= {family for family in BRAND_FONTS[brand] if base.startswith(family)}
    # Only the brand's two families, both used: no fallback to a system font.
    for font in fonts:
        base = str(font["/BaseFont"]).split("+", 1)[-1]
        assert any(base.startswith(family) for family in BRAND_FONTS[brand]), base
    if name.startswith("handout"):
        assert families == BRAND_FONTS[brand]


def test_metadata_title_author_subject_keywords_language(built: BuildResult) -> None:
    reader = _pdf(built, "handout-guillain-barre-syndrome.pdf")
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "IVIG for Guillain-Barré syndrome (GBS)"
    assert meta.author == "Northfield University Hospital"
    assert "Guillain-Barré syndrome" in (meta.subject or "")
    assert "IVIG" in str(meta.get("/Keywords"))
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en"
    assert "/StructTreeRoot" in catalog  # tagged for screen readers


def test_pdf_dates_come_from_the_content_not_the_clock(built: BuildResult) -> None:
    meta = _pdf(built, "handout-cidp.pdf").metadata
    assert meta is not None
    assert str(meta.get("/CreationDate")).startswith("D:20261124")


def test_manifest_records_every_file_with_hash_and_pages(built: BuildResult) -> None:
    manifest = json.loads((built.output_dir / "manifest.json").read_text())
    entries = {entry["path"]: entry for entry in manifest["files"]}
    expected = {f"{b}/en/handout-{c}.pdf" for b in BRANDS for c in CONDITIONS}
    expected |= {f"{b}/en/large-print/handout-{c}.pdf" for b in BRANDS for c in CONDITIONS}
    expected |= {f"{b}/en/clinician-summary.pdf" for b in BRANDS}
    expected |= {f"{b}/en/binder.pdf" for b in BRANDS}
    assert set(entries) == expected
    for path, entry in entries.items():
        data = (built.output_dir / path).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["pages"] == len(PdfReader(built.output_dir / path).pages)
        assert any(name.startswith("conditions/") for name in entry["inputs"])
        assert f"styles/brands/{entry['brand']}/brand.toml" in entry["inputs"]
        assert f"styles/brands/{entry['brand']}/brand.css" in entry["inputs"]
    for outcome in built.outcomes:
        entry = entries[outcome.job.output]
        # The fitting step may add the tight-spacing stylesheet to any handout (and so
        # to any binder): it is an input before anything is laid out.
        tight = any(name.endswith("styles/fit-tight.css") for name in entry["inputs"])
        assert tight == (outcome.job.kind != "summary")
        assert entry["fit"] == outcome.fit  # what a binder reuses for an unchanged part


def test_no_partial_files_left_behind(built: BuildResult) -> None:
    leftovers = [p for p in Path(built.output_dir).rglob("*") if p.name.startswith(".partial-")]
    assert leftovers == []
