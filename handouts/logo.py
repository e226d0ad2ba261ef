"""Checking a brand's logo before any page uses it.

A logo that does not open would print as an empty box on every handout of the brand,
so it is opened here, at load time: PNG and JPEG with Pillow, SVG with the standard
XML parser (whose expat refuses entity-expansion bombs). An SVG may not link to other
files: it would only work on the machine it was drawn on.

Its shape is read too. The header prints a logo at a set height, as wide as its shape
makes it up to a maximum width (styles/base.css, ``--logo-height`` and
``--logo-max-width``): from 1:4 (tall) to 6:1 (wide) it prints at a readable size; past
that it is shrunk until it is too small to read, which is a warning that says how it
will print.
"""

from __future__ import annotations

import re
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import tinycss2
from PIL import Image, UnidentifiedImageError

RASTER_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
LOGO_TYPES = {".svg", *RASTER_FORMATS}
MAX_BYTES = 5_000_000
MAX_PIXELS = 25_000_000
# The logo prints about 0.6 inch wide; below this many pixels it prints under 250 dpi.
MIN_PIXELS_SIDE = 150
SVG_NS = "{http://www.w3.org/2000/svg}"
HREF_ATTRIBUTES = ("href", "{http://www.w3.org/1999/xlink}href")
# The shapes a header prints readably: width over height from 1:4 to 6:1 (a 1% margin
# for pixel rounding, so that 1201x200 is still 6:1).
WIDEST = 6.0
TALLEST = 1 / 4
ROUNDING = 1.01
# Inches per unit of a CSS length (and of an SVG width or height, which are CSS lengths).
INCHES = {"in": 1.0, "cm": 1 / 2.54, "mm": 1 / 25.4, "q": 1 / 101.6, "pt": 1 / 72, "pc": 1 / 6}
INCHES[""] = INCHES["px"] = 1 / 96


@dataclass(frozen=True)
class LogoFinding:
    severity: str  # "error" or "warning"
    message: str


@dataclass(frozen=True)
class LogoShape:
    """A logo's own size: pixels for a raster, the viewBox (or width and height) of an SVG."""

    width: float
    height: float
    unit: str  # "pixels", or for an SVG "viewBox" or "size" (its width and height)

    @property
    def ratio(self) -> float:
        return self.width / self.height

    def describe(self) -> str:
        """The size and the shape, as ``handouts brands`` shows them: "900x300 pixels,
        3.0:1 wide"."""
        size = f"{self.width:g}x{self.height:g}"
        if self.unit == "pixels":
            size = f"{size} pixels"
        else:
            size = f"SVG {'viewBox ' if self.unit == 'viewBox' else ''}{size}"
        return f"{size}, {shape_name(self.ratio)}"


@dataclass(frozen=True)
class LogoBox:
    """Where the handout's header prints the logo: this tall (inches), at most this wide."""

    height: float
    max_width: float

    def printed(self, shape: LogoShape) -> tuple[float, float]:
        """Width and height in inches: the box's height, unless the logo is so wide
        that its width is capped (object-fit: contain then shrinks it whole)."""
        width = self.height * shape.ratio
        if width <= self.max_width:
            return width, self.height
        return self.max_width, self.max_width / shape.ratio


def shape_name(ratio: float) -> str:
    """A ratio as people say it: "3.0:1 wide", "1:4.0 tall", "square"."""
    if ratio >= ROUNDING:
        return f"{ratio:.1f}:1 wide"
    if ratio <= 1 / ROUNDING:
        return f"1:{1 / ratio:.1f} tall"
    return "square"


def css_inches(value: str | None) -> float | None:
    """A CSS length such as ``0.56in`` or ``14mm`` in inches; None if it is not one."""
    if value is None:
        return None
    token = tinycss2.parse_one_component_value(value)
    if token.type == "dimension" and token.lower_unit in INCHES and token.value > 0:
        return float(token.value) * INCHES[token.lower_unit]
    return None


def logo_shape(path: Path) -> LogoShape | None:
    """The logo's own size and shape; None when it has none (a broken file, an SVG
    sized in percent). Call it on a logo :func:`check_logo` accepted."""
    if path.suffix.lower() != ".svg":
        try:
            with Image.open(path) as image:
                width, height = image.size
        except (OSError, ValueError, Image.DecompressionBombError):
            return None
        return LogoShape(width, height, "pixels") if width and height else None
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        return None
    # An SVG's width and height make its box, whatever its viewBox (which is then fitted
    # inside); without them the viewBox gives the shape.
    sides = [_svg_length(root.get(side)) for side in ("width", "height")]
    if sides[0] and sides[1]:
        return LogoShape(sides[0], sides[1], "size")
    numbers = [float(n) for n in re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)", root.get("viewBox", ""))]
    if len(numbers) == 4 and numbers[2] > 0 and numbers[3] > 0:
        return LogoShape(numbers[2], numbers[3], "viewBox")
    return None


def _svg_length(value: str | None) -> float | None:
    """An SVG width or height in CSS pixels ("64", "64px", "2in"); None for "100%"."""
    if value is None:
        return None
    if re.fullmatch(r"\s*\d+(\.\d*)?\s*", value):  # a plain number is in pixels
        return float(value)
    inches = css_inches(value)
    return None if inches is None else inches * 96


def describe_print(shape: LogoShape, box: LogoBox) -> str:
    """How the logo prints in the handout's header: "prints 1.68 x 0.56 in, 536 dpi"."""
    width, height = box.printed(shape)
    text = f"prints {width:.2f} x {height:.2f} in on a handout"
    if shape.unit == "pixels":
        return f"{text}, {shape.width / width:.0f} dpi"
    return f"{text} (vector: sharp at any size)"


def check_shape(path: Path, box: LogoBox) -> list[LogoFinding]:
    """A warning for a logo too wide or too tall to read at the header's size."""
    shape = logo_shape(path)
    if shape is None or TALLEST / ROUNDING <= shape.ratio <= WIDEST * ROUNDING:
        return []
    width, height = box.printed(shape)
    ratio = shape_name(shape.ratio).rpartition(" ")[0]
    return [
        LogoFinding(
            "warning",
            f"logo '{path.name}' is {ratio}; a handout's header will print it {width:.2f} in wide "
            f"and {height:.2f} in tall, too small to read; crop it or supply a version "
            "between 1:4 and 6:1",
        )
    ]


def check_logo(path: Path) -> list[LogoFinding]:
    """What is wrong with a logo file that exists; an empty list when it is fine."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        return [LogoFinding("error", f"logo '{path.name}' is {size:,} bytes; the limit is 5 MB")]
    if path.suffix.lower() == ".svg":
        return _check_svg(path)
    return _check_raster(path, RASTER_FORMATS[path.suffix.lower()])


def _check_raster(path: Path, expected: str) -> list[LogoFinding]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                found, (width, height) = image.format, image.size
                image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        return [LogoFinding("error", f"logo '{path.name}' does not open as an image: {exc}")]
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return [LogoFinding("error", f"logo '{path.name}' has too many pixels")]
    if found != expected:
        return [
            LogoFinding("error", f"logo '{path.name}' is a {found} file; its name says {expected}")
        ]
    if width * height > MAX_PIXELS:
        return [LogoFinding("error", f"logo '{path.name}' is {width}x{height} pixels, too many")]
    if min(width, height) < MIN_PIXELS_SIDE:
        return [
            LogoFinding(
                "warning",
                f"logo '{path.name}' is only {width}x{height} pixels and will print "
                "blurry; use an SVG or a PNG at least 300 pixels across",
            )
        ]
    return []


def _check_svg(path: Path) -> list[LogoFinding]:
    try:
        # expat 2.4 and later refuse entity-expansion bombs ("billion laughs").
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        return [LogoFinding("error", f"logo '{path.name}' is not valid SVG: {exc}")]
    if root.tag != f"{SVG_NS}svg":
        return [
            LogoFinding(
                "error",
                f"logo '{path.name}' is not an SVG image (its root element is "
                f"<{root.tag.rpartition('}')[2]}>, or the SVG namespace is missing)",
            )
        ]
    findings = []
    if "viewBox" not in root.attrib and not {"width", "height"} <= root.attrib.keys():
        findings.append(
            LogoFinding(
                "error", f"logo '{path.name}' has no viewBox or width and height: it cannot scale"
            )
        )
    for element in root.iter():
        if element.tag == f"{SVG_NS}script":
            findings.append(LogoFinding("error", f"logo '{path.name}' contains a script"))
            break
        for attribute in HREF_ATTRIBUTES:
            target = element.get(attribute, "")
            if target and not target.startswith(("#", "data:")):
                findings.append(
                    LogoFinding(
                        "error",
                        f"logo '{path.name}' links to '{target}'; an SVG logo must be "
                        "self-contained",
                    )
                )
    return findings
