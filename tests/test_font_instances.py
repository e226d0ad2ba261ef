"""Static instances of the variable fonts: made once into the cache, declared ahead of
the variable faces, and used by WeasyPrint instead of instancing at every write.

The instances here come from a variable font cut down to a few letters (fontTools
keeps its axes), so each is made in milliseconds, not the seconds a full font takes.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.varLib.instancer import instantiateVariableFont

from handouts import font_instances
from handouts.cli import cli
from handouts.font_instances import Demands, Instance, ensure, instances_for, read_demands
from handouts.fonts import font_files
from tests.conftest import REPO

TEXT = "Handout"
FAMILY = "Public Sans"  # weight its only axis, from 100 to 900


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache of this test's own."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("HANDOUTS_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def small_font(tmp_path: Path) -> Path:
    """Public Sans, variable, with only ASCII and Latin-1: Fontconfig must still find
    it covers English, or it prefers the full font whatever the weight."""
    source = next(p for f, w, s, p in font_files() if f == FAMILY and s == "normal" and not w)
    font = TTFont(source)
    subsetter = subset.Subsetter(subset.Options(layout_features=["*"]))
    subsetter.populate(unicodes=[*range(0x20, 0x7F), *range(0xA0, 0x100)])
    subsetter.subset(font)
    path = tmp_path / "small[wght].ttf"
    font.save(path)
    return path


def _instance(path: Path, weight: int) -> TTFont:
    """The static font WeasyPrint would make, as saved (coordinates rounded)."""
    buffer = io.BytesIO()
    instantiateVariableFont(TTFont(path), {"wght": weight}, static=True).save(buffer)
    buffer.seek(0)
    return TTFont(buffer)


def _outline(font: TTFont, char: str) -> list[tuple[int, int]]:
    glyph = font.getBestCmap()[ord(char)]
    coordinates, _, _ = font["glyf"][glyph].getCoordinates(font["glyf"])
    return [tuple(point) for point in coordinates]


def test_an_instance_is_static_at_its_weight_and_made_once(
    small_font: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bold = Instance(FAMILY, "normal", 700, small_font)
    ready, made = ensure([bold])
    assert ready == (bold,)
    assert made == [bold]
    assert bold.path.parent == cache_dir / "fonts"
    static = TTFont(bold.path)
    assert "fvar" not in static
    assert "gvar" not in static
    # The glyphs of weight 700, as WeasyPrint's own instancing draws them, not 400's.
    expected, regular = (_instance(small_font, weight) for weight in (700, 400))
    assert _outline(static, "H") == _outline(expected, "H") != _outline(regular, "H")
    written = bold.path.read_bytes()

    def fail(instance: Instance) -> bytes:
        raise AssertionError("instanced again")

    monkeypatch.setattr(font_instances, "make", fail)
    assert ensure([bold]) == ((bold,), [])  # read from the cache
    assert bold.path.read_bytes() == written
    assert list(bold.path.parent.iterdir()) == [bold.path]  # no partial file left


def test_the_key_changes_with_the_weight_the_file_and_fonttools(
    small_font: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bold = Instance(FAMILY, "normal", 700, small_font)
    assert bold.key == Instance(FAMILY, "normal", 700, small_font).key
    assert bold.key != Instance(FAMILY, "normal", 800, small_font).key
    other = tmp_path / "other.ttf"
    other.write_bytes(small_font.read_bytes() + b"\0")
    assert bold.key != Instance(FAMILY, "normal", 700, other).key
    key = bold.key
    monkeypatch.setattr("fontTools.version", "0.0-test")
    assert bold.key != key


def test_the_stylesheets_say_which_families_and_weights(tmp_path: Path) -> None:
    css = tmp_path / "brand.css"
    css.write_text(
        ":root { --brand: 'Public Sans'; --font-heading: var(--brand), serif; }\n"
        ":root { --weight: 300; --gap: 250; --loop: var(--loop); }\n"
        "h1 { font-family: var(--font-heading); font-weight: var(--weight, var(--loop)); }\n"
        "@media print { .note { font: italic 600 10pt/1.2 Source Sans 3, sans-serif; } }\n"
        "@page { @top-left { font-weight: bolder; } }\n",
        "utf-8",
    )
    demands = read_demands([css])
    assert {"public sans", "source sans 3"} <= demands.families  # public sans: via 2 vars
    # 300 and 600 named, 400/700 WeasyPrint's own; bolder of each; not the --gap.
    assert demands.weights == {300, 400, 600, 700, 900}


def test_weight_only_faces_of_named_families_get_instances() -> None:
    found = instances_for(Demands(frozenset({"public sans", "source serif 4"}), frozenset({700})))
    assert {(i.family, i.style, i.weight) for i in found} == {
        (FAMILY, "normal", 700),
        (FAMILY, "italic", 700),
    }  # Source Serif 4 has an optical-size axis: it stays variable


def test_weasyprint_uses_the_instance_and_the_variable_face_for_other_weights(
    small_font: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A weight with an instance is drawn from it, with no instancing at write time; a
    weight without one still comes from the variable face, as before."""
    import weasyprint.pdf.fonts

    from handouts.render import Renderer

    bold = Instance(FAMILY, "normal", 700, small_font)
    ready, _ = ensure([bold])
    instanced: list[dict[str, float]] = []
    original = weasyprint.pdf.fonts.instantiateVariableFont

    def spy(font: TTFont, location: dict[str, float], **kwargs: object) -> TTFont:
        instanced.append(dict(location))
        return original(font, location, **kwargs)

    monkeypatch.setattr(weasyprint.pdf.fonts, "instantiateVariableFont", spy)
    renderer = Renderer(
        [REPO, small_font.parent, cache_dir, *{p.parent for *_, p in font_files()}], ready
    )
    html = "".join(
        f'<p style="font-family: {FAMILY}; font-weight: {w}">{TEXT}</p>' for w in (700, 500)
    )
    warnings: list[str] = []
    document = renderer.layout(html, REPO, [], warnings)
    renderer.write(document, 0, warnings)
    assert [location["wght"] for location in instanced] == [500]


def test_handouts_fonts_fills_an_empty_cache_once(
    small_font: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(font_instances, "font_files", lambda: ((FAMILY, "", "normal", small_font),))
    command = ["--config", str(REPO / "handouts.toml"), "fonts"]
    first = CliRunner().invoke(cli, command)
    assert first.exit_code == 0, first.output
    made = sorted((cache_dir / "fonts").glob("*.ttf"))
    # The bundled brands ask for Public Sans at 400, 600, 700 and 800.
    assert len(made) == 4
    assert "making 4 static font instances" in first.output
    assert "4 font instances ready" in first.output
    assert "4 made now" in first.output
    again = CliRunner().invoke(cli, command)
    assert again.exit_code == 0, again.output
    assert "all made before" in again.output
    assert "making" not in again.output
    assert sorted((cache_dir / "fonts").glob("*.ttf")) == made
