"""Brands: a folder per clinic, checked before it prints, restyled without code."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from handouts.builder import BuildResult
from handouts.tokens import contrast_ratio
from tests.conftest import BRAND, BRANDS
from tests.helpers import StandInRenderer, edit, line_of, run

NORTHFIELD = "styles/brands/northfield-neurology"
MAPLE = "styles/brands/maple-childrens"


def _text(pdf: Path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())


# ---- identity: brand.toml ----


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('phone = "(555) 555-0142"', 'phone = "555"', "does not look like a phone number"),
        ('phone = "(555) 555-0142"', 'phone = "call us"', "does not look like a phone number"),
        (
            'website = "northfield-health.example"',
            'website = "northfield health"',
            "is not a web address",
        ),
        (
            'website = "northfield-health.example"',
            'website = "ftp://northfield-health.example"',
            "must start with https:// or http://",
        ),
        (
            "/handouts/{lang}/{condition}",
            "/handouts/{lang}",
            "must contain {condition}",
        ),
        (
            "/handouts/{lang}/{condition}",
            "/handouts/{clinic}/{condition}",
            "unknown placeholder {clinic}",
        ),
        (
            '"https://northfield-health.example/handouts',
            '"northfield-health.example/handouts',
            "must start with https:// or http://",
        ),
        ('name = "Northfield University Hospital"\n', "", "missing required field 'clinic.name'"),
        ('logo_alt = "', 'logo_text = "', "did you mean 'logo_alt'"),
    ],
)
def test_bad_identity_is_an_error_at_its_line(
    project_copy: Path, old: str, new: str, message: str
) -> None:
    brand = project_copy / NORTHFIELD / "brand.toml"
    edit(brand, old, new)
    code, output = run(project_copy, "validate")
    assert code == 1, output
    assert message in output
    assert f"{NORTHFIELD}/brand.toml:" in output
    assert "Traceback" not in output


def test_identity_errors_write_nothing(project_copy: Path) -> None:
    edit(project_copy / NORTHFIELD / "brand.toml", 'phone = "(555) 555-0142"', 'phone = "x"')
    code, _ = run(project_copy, "build")
    assert code == 1
    assert not (project_copy / "output").exists()


# ---- the logo ----


def _set_logo(project: Path, name: str) -> Path:
    edit(project / NORTHFIELD / "brand.toml", 'logo = "logo.svg"', f'logo = "{name}"')
    return project / NORTHFIELD / name


def test_logo_that_is_not_an_image(project_copy: Path) -> None:
    _set_logo(project_copy, "logo.png").write_text("not a picture")
    code, output = run(project_copy, "validate")
    assert code == 1
    assert "logo 'logo.png' does not open as an image" in output


def test_logo_whose_name_lies_about_its_format(project_copy: Path) -> None:
    Image.new("RGB", (400, 400), "navy").save(_set_logo(project_copy, "logo.png"), "JPEG")
    code, output = run(project_copy, "validate")
    assert code == 1
    assert "is a JPEG file; its name says PNG" in output


def test_small_logo_is_a_warning_and_an_error_when_strict(project_copy: Path) -> None:
    Image.new("RGB", (60, 60), "navy").save(_set_logo(project_copy, "logo.png"))
    code, output = run(project_copy, "validate")
    assert code == 0, output
    assert "warning: logo 'logo.png' is only 60x60 pixels" in output
    code, output = run(project_copy, "validate", "--strict")
    assert code == 1
    assert "error: logo 'logo.png' is only 60x60 pixels" in output


def test_good_png_logo_builds(project_copy: Path) -> None:
    Image.new("RGB", (600, 600), "navy").save(_set_logo(project_copy, "logo.png"))
    code, output = run(project_copy, "build", "--brand", BRAND, "--condition", "cidp")
    assert code == 0, output
    assert "warning" not in output


@pytest.mark.parametrize(
    ("svg", "message"),
    [
        ("<svg", "is not valid SVG"),
        ('<html xmlns="http://www.w3.org/1999/xhtml"/>', "is not an SVG image"),
        ('<svg xmlns="http://www.w3.org/2000/svg"/>', "has no viewBox"),
        (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8">'
            '<image href="file:///etc/passwd" width="8" height="8"/></svg>',
            "links to 'file:///etc/passwd'",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><script>x</script></svg>',
            "contains a script",
        ),
    ],
)
def test_broken_svg_logo(project_copy: Path, svg: str, message: str) -> None:
    (project_copy / NORTHFIELD / "logo.svg").write_text(svg)
    code, output = run(project_copy, "validate")
    assert code == 1
    assert message in output


def test_missing_logo(project_copy: Path) -> None:
    (project_copy / NORTHFIELD / "logo.svg").unlink()
    code, output = run(project_copy, "validate")
    assert code == 1
    assert "logo file 'logo.svg' not found" in output


def test_logo_outside_the_folder_through_a_symlink(project_copy: Path) -> None:
    outside = project_copy / "elsewhere.svg"
    shutil.copy(project_copy / NORTHFIELD / "logo.svg", outside)
    (project_copy / NORTHFIELD / "logo.svg").unlink()
    (project_copy / NORTHFIELD / "logo.svg").symlink_to(outside)
    code, output = run(project_copy, "validate")
    assert code == 1
    assert "outside the brand folder" in output


# ---- the look: brand.css tokens ----


def test_contrast_ratio_follows_wcag() -> None:
    assert contrast_ratio("#000", "#fff") == pytest.approx(21.0)
    assert contrast_ratio("#777", "#fff") == pytest.approx(4.48, abs=0.01)
    # Half-transparent black over white is mid grey.
    assert contrast_ratio("rgb(0 0 0 / 50%)", "white") == pytest.approx(3.95, abs=0.05)
    # A transparent background shows the paper.
    assert contrast_ratio("#000", "transparent", paper="#000") == pytest.approx(1.0)


def test_low_contrast_text_is_a_warning_with_the_ratio(project_copy: Path) -> None:
    css = project_copy / NORTHFIELD / "brand.css"
    edit(
        css, "  --brand-primary-dark: #112e4f;", "  --brand-primary-dark: #112e4f;\n  --ink: #999;"
    )
    code, output = run(project_copy, "validate")
    assert code == 0, output
    line = line_of(css, "--ink: #999")
    assert f"{NORTHFIELD}/brand.css:{line}:3: warning: --ink (#999) on --paper (#fff)" in output
    assert "has contrast 2.85:1, below the 4.5:1 WCAG AA needs for body text" in output


def test_low_contrast_fails_under_strict(project_copy: Path) -> None:
    css = project_copy / NORTHFIELD / "brand.css"
    edit(
        css, "  --brand-primary-dark: #112e4f;", "  --brand-primary-dark: #112e4f;\n  --ink: #999;"
    )
    code, output = run(project_copy, "build", "--strict")
    assert code == 1
    assert "error: --ink (#999)" in output
    assert not (project_copy / "output").exists()


def test_strict_from_the_config_file(project_copy: Path) -> None:
    edit(project_copy / "handouts.toml", "strict = false", "strict = true")
    edit(
        project_copy / MAPLE / "brand.css",
        "--header-ink-soft: #efe3f7;",
        "--header-ink-soft: #7a5a90;",
    )
    code, output = run(project_copy, "validate")
    assert code == 1
    assert "--header-ink-soft (#7a5a90) on --header-bg (#4a1d68)" in output
    assert "the header's smaller text" in output


def test_changing_a_referenced_token_checks_the_pairs_that_use_it(project_copy: Path) -> None:
    # Maple's header background is var(--brand-primary-dark): making that light breaks
    # the white clinic name on it, although brand.css never names --header-ink's pair.
    edit(
        project_copy / MAPLE / "brand.css",
        "--brand-primary-dark: #4a1d68;",
        "--brand-primary-dark: #c9b3da;",
    )
    code, output = run(project_copy, "validate")
    assert code == 0
    assert "--header-ink (#ffffff) on --header-bg (var(--brand-primary-dark))" not in output
    assert "--header-ink (#ffffff) on --header-bg (#c9b3da)" in output


def test_a_value_that_is_not_a_color(project_copy: Path) -> None:
    edit(
        project_copy / NORTHFIELD / "brand.css", "--brand-tint: #ebf1f7;", "--brand-tint: blueish;"
    )
    code, output = run(project_copy, "validate")
    assert "--brand-tint: 'blueish' is not a color" in output
    assert code == 0


def test_font_that_is_not_installed(project_copy: Path) -> None:
    css = project_copy / NORTHFIELD / "brand.css"
    edit(css, '--font-body: "Source Sans 3", sans-serif;', '--font-body: "Comic Sans MS", cursive;')
    code, output = run(project_copy, "validate")
    assert code == 0
    assert "--font-body: font 'Comic Sans MS' is not installed as a Python package" in output
    assert f"brand.css:{line_of(css, 'Comic Sans')}" in output


def test_bundled_brands_pass_every_check() -> None:
    code, output = run(Path(__file__).resolve().parent.parent, "brands", "--strict")
    assert code == 0, output
    assert output.count("checks passed") == len(BRANDS)


# ---- building brands ----


def test_brand_all_builds_every_brand(tmp_path: Path, stand_in: StandInRenderer) -> None:
    repo = Path(__file__).resolve().parent.parent
    code, output = run(
        repo,
        "build",
        "--brand",
        "all",
        "--condition",
        "cidp",
        "--edition",
        "standard",
        "--lang",
        "en",
        "--out",
        str(tmp_path),
    )
    assert code == 0, output
    written = sorted(p.parent.parent.name for p in tmp_path.rglob("*.pdf"))
    assert written == BRANDS


def _fill_colors(pdf: Path) -> set[str]:
    """The fill colors a page paints with, as PDF "r g b rg" operators."""
    data = PdfReader(pdf).pages[0].get_contents()
    assert data is not None
    return set(re.findall(r"[\d.]+ [\d.]+ [\d.]+ rg", data.get_data().decode("latin-1")))


def _rg(hex_color: str) -> str:
    """A CSS hex color as WeasyPrint writes it in a content stream."""
    r, g, b = (int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return " ".join(f"{v:.6f}".rstrip("0").rstrip(".") for v in (r, g, b)) + " rg"


PRIMARY = {
    "northfield-neurology": "#1d4a7a",
    "maple-childrens": "#6a2c91",
    "lakeside-infusion": "#1e6b47",
}


def test_brands_look_different(built: BuildResult) -> None:
    """The three brands differ in what a reader sees: clinic, colors and fonts."""
    font_sets = set()
    for brand in BRANDS:
        pdf = built.output_dir / brand / "en" / "handout-cidp.pdf"
        page = PdfReader(pdf).pages[0]
        fonts = frozenset(
            str(f.get_object()["/BaseFont"]).split("+")[-1].split(",")[0]
            for f in page["/Resources"]["/Font"].values()
        )
        font_sets.add(fonts)
        colors = _fill_colors(pdf)
        assert _rg(PRIMARY[brand]) in colors
        for other, color in PRIMARY.items():
            if other != brand:
                assert _rg(color) not in colors
        text = _text(pdf)
        assert sum(name in text for name in ("Northfield", "Maple Grove", "Lakeside")) == 1
    assert len(font_sets) == len(BRANDS)


def test_a_fourth_brand_is_a_copied_folder(project_copy: Path, tmp_path: Path) -> None:
    new = project_copy / "styles/brands/riverside-rheumatology"
    shutil.copytree(project_copy / NORTHFIELD, new)
    edit(new / "brand.toml", 'name = "Northfield University Hospital"', 'name = "Riverside Clinic"')
    edit(new / "brand.toml", 'phone = "(555) 555-0142"', 'phone = "(555) 555-0199"')
    edit(new / "brand.css", "--brand-primary: #1d4a7a;", "--brand-primary: #8a2b2b;")
    code, output = run(project_copy, "brands")
    assert code == 0, output
    assert "riverside-rheumatology  (checks passed)" in output
    out = tmp_path / "out"
    code, output = run(
        project_copy,
        "build",
        "--brand",
        "riverside-rheumatology",
        "--condition",
        "myasthenia-gravis",
        "--out",
        str(out),
    )
    assert code == 0, output
    text = _text(out / "riverside-rheumatology/en/handout-myasthenia-gravis.pdf")
    assert "Riverside Clinic" in text
    assert "(555) 555-0199" in text
    assert "Northfield University Hospital" not in text


def test_brands_command_lists_identity_colors_fonts_and_qr_address() -> None:
    code, output = run(Path(__file__).resolve().parent.parent, "brands")
    assert code == 0
    assert "headings Source Serif 4, body Source Sans 3" in output
    assert "primary #6a2c91" in output
    assert "https://northfield-health.example/handouts/<lang>/<condition>" in output
    assert "no online copies (no QR code)" in output  # Lakeside has none


# ---- the user's own stylesheets ----


def test_stylesheet_option_comes_after_the_brand(
    project_copy: Path, tmp_path: Path, built: BuildResult
) -> None:
    mine = tmp_path / "mine.css"
    mine.write_text(
        ".kicker { display: none; }\n.purpose::after { content: ' Printed for Ward 4.'; }\n"
    )
    args = ["build", "--brand", BRAND, "--condition", "cidp"]
    code, output = run(project_copy, *args, "-s", str(mine), "--out", str(tmp_path / "mine"))
    assert code == 0, output
    plain = _text(built.output_dir / BRAND / "en/handout-cidp.pdf")  # without -s
    styled = _text(tmp_path / "mine" / BRAND / "en/handout-cidp.pdf")
    assert "PATIENT INFORMATION" in plain
    assert "PATIENT INFORMATION" not in styled
    assert "Printed for Ward 4." in styled


def test_stylesheet_tokens_are_checked_too(project_copy: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine.css"
    mine.write_text(":root { --on-primary: #ccc; }\n")
    out = tmp_path / "out"
    code, output = run(
        project_copy,
        "build",
        "--brand",
        BRAND,
        "--condition",
        "cidp",
        "-s",
        str(mine),
        "--out",
        str(out),
    )
    assert code == 0, output
    assert "mine.css:1:9: warning: --on-primary (#ccc) on --brand-primary" in output


def test_missing_stylesheet_is_one_clear_line(project_copy: Path, tmp_path: Path) -> None:
    code, output = run(project_copy, "build", "-s", str(tmp_path / "nope.css"))
    assert code == 1
    assert "nope.css: error: stylesheet" in output
    assert "not found" in output
