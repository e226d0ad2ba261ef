"""Vector graphics drawn with ReportLab and inlined in the HTML as SVG.

The QR code on a handout points at the online copy of that handout. ReportLab's QR
widget draws it as vector shapes, so it prints sharp at any size and adds no image
file; the SVG's ``<title>`` becomes the figure's alternative text in the tagged PDF.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape

from markupsafe import Markup
from reportlab import rl_config
from reportlab.graphics import renderSVG
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing

from handouts.brand import web_label

# ReportLab only draws here; it must never fetch. No host is trusted (its default,
# made explicit in case a site-wide RL_trustedHosts setting says otherwise) and no URL
# scheme either.
rl_config.trustedHosts = None
rl_config.trustedSchemes = []

# Medium error correction survives a crease or a smudge on a printed page.
QR_LEVEL = "M"
_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.S)
_PLACEHOLDERS = re.compile(r"\s*<title>\.\.\.</title>\s*<desc>\.\.\.</desc>")
_STYLE = re.compile(r'style="([^"]*)"')
# ReportLab names a clip path and a group it never refers to. The page holds the code
# twice (under either column, fit.py shows one), and an id must be unique in a document.
_UNUSED_IDS = re.compile(r'\s*<clipPath id="clip">.*?</clipPath>|\s+id="group"', re.S)


def _attributes(match: re.Match[str]) -> str:
    """``style="fill: x; stroke: none"`` as presentation attributes: inline SVG in HTML
    gets its ``style`` read by the HTML stylesheet engine, which knows no SVG properties
    and warns about each one. The clip path only repeats the drawing's own bounds."""
    pairs = (part.split(":", 1) for part in match[1].split(";") if ":" in part)
    kept = [(k.strip(), v.strip()) for k, v in pairs if k.strip() != "clip-path"]
    return " ".join(f'{key}="{value}"' for key, value in kept)


@dataclass(frozen=True)
class QrCode:
    url: str
    label: str  # the address as printed beside the code: no scheme
    svg: Markup


@lru_cache(maxsize=256)
def qr_code(url: str, alt: str) -> QrCode:
    """A QR code for ``url`` as inline SVG, with ``alt`` as its accessible name.

    Cached: the standard and the large-print edition of a handout share one code, and
    drawing it costs about 40 ms."""
    widget = QrCodeWidget(url, barLevel=QR_LEVEL)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(x1 - x0, y1 - y0)
    drawing.add(widget)
    svg = renderSVG.drawToString(drawing)
    svg = _PROLOGUE.sub("", svg, count=1)  # XML declaration and DOCTYPE: not in HTML
    svg = _PLACEHOLDERS.sub(f"<title>{escape(alt)}</title>", svg, count=1)
    svg = _STYLE.sub(_attributes, svg)
    svg = _UNUSED_IDS.sub("", svg)
    svg = svg.replace("<svg ", '<svg class="qr-code" role="img" ', 1)
    return QrCode(url=url, label=web_label(url), svg=Markup(svg))
