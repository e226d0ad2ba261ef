"""Checking a brand's logo before any page uses it.

A logo that does not open would print as an empty box on every handout of the brand,
so it is opened here, at load time: PNG and JPEG with Pillow, SVG with the standard
XML parser (whose expat refuses entity-expansion bombs). An SVG may not link to other
files: it would only work on the machine it was drawn on.
"""

from __future__ import annotations

import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

RASTER_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
LOGO_TYPES = {".svg", *RASTER_FORMATS}
MAX_BYTES = 5_000_000
MAX_PIXELS = 25_000_000
# The logo prints about 0.6 inch wide; below this many pixels it prints under 250 dpi.
MIN_PIXELS_SIDE = 150
SVG_NS = "{http://www.w3.org/2000/svg}"
HREF_ATTRIBUTES = ("href", "{http://www.w3.org/1999/xlink}href")


@dataclass(frozen=True)
class LogoFinding:
    severity: str  # "error" or "warning"
    message: str


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
