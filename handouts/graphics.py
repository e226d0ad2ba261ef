"""Vector graphics inlined in the HTML as SVG.

The QR code on a handout points at the online copy of that handout. ReportLab's QR
encoder gives the modules; they are drawn as one SVG path (a run of dark modules in a
row is one rectangle in it), so the code prints sharp at any size, adds no image file
and costs the HTML parser, the cascade and the PDF one element instead of ~300
``<rect>``s. The SVG's ``<title>`` becomes the figure's alternative text in the tagged
PDF.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape

from markupsafe import Markup
from reportlab import rl_config
from reportlab.graphics.barcode import qrencoder

from handouts.brand import web_label

# ReportLab only encodes here; it must never fetch. No host is trusted (its default,
# made explicit in case a site-wide RL_trustedHosts setting says otherwise) and no URL
# scheme either.
rl_config.trustedHosts = None
rl_config.trustedSchemes = []

# Medium error correction survives a crease or a smudge on a printed page.
QR_LEVEL = "M"
# The quiet zone the QR standard asks for around the code, in modules.
QUIET_ZONE = 4


@dataclass(frozen=True)
class QrCode:
    url: str
    label: str  # the address as printed beside the code: no scheme
    svg: Markup


def qr_modules(url: str) -> list[list[bool]]:
    """The code's modules, row by row (True is dark), as ReportLab's widget encodes it."""
    code = qrencoder.QRCode(None, getattr(qrencoder.QRErrorCorrectLevel, QR_LEVEL))
    code.addData(url)
    code.make()
    return [[bool(module) for module in row] for row in code.modules]


Point = tuple[int, int]


def qr_path(modules: list[list[bool]]) -> str:
    """The outlines of the dark areas as one path, in module units offset by the quiet
    zone.

    Outlines, not one square (or one run) per module: where two filled shapes share an
    edge, PDF viewers anti-alias each side separately and a faint light seam shows
    between them on screen. Each dark module contributes its four edges, clockwise; an
    edge two dark modules share cancels out, and what is left chains into closed loops
    (holes come out counter-clockwise, so the nonzero fill leaves them white)."""
    edges: dict[Point, list[Point]] = {}
    for y, row in enumerate(modules, start=QUIET_ZONE):
        for x, dark in enumerate(row, start=QUIET_ZONE):
            if not dark:
                continue
            corners = [(x, y), (x + 1, y), (x + 1, y + 1), (x, y + 1)]
            for start, end in itertools.pairwise([*corners, corners[0]]):
                if start in edges.get(end, []):  # the neighbour's edge, the other way
                    edges[end].remove(start)
                else:
                    edges.setdefault(start, []).append(end)
    loops = []
    while any(edges.values()):
        first = next(point for point, ends in edges.items() if ends)
        loop, point = [first], edges[first].pop()
        while point != first:
            loop.append(point)
            point = edges[point].pop()
        loops.append(_outline(loop))
    return "".join(loops)


def _outline(loop: list[Point]) -> str:
    """A closed loop as path data: corners only, each side one ``h`` or ``v``."""
    turns = [
        point
        for before, point, after in zip(
            [loop[-1], *loop[:-1]], loop, [*loop[1:], loop[0]], strict=True
        )
        if (before[0] == point[0]) != (point[0] == after[0])
    ]
    data = [f"M{turns[0][0]} {turns[0][1]}"]
    for before, point in itertools.pairwise(turns):
        data.append(
            f"h{point[0] - before[0]}" if point[1] == before[1] else f"v{point[1] - before[1]}"
        )
    return "".join(data) + "z"


@lru_cache(maxsize=256)
def qr_code(url: str, alt: str) -> QrCode:
    """A QR code for ``url`` as inline SVG, with ``alt`` as its accessible name.

    Cached: the standard and the large-print edition of a handout share one code."""
    modules = qr_modules(url)
    side = len(modules) + 2 * QUIET_ZONE
    svg = (
        # No width or height attribute: WeasyPrint reads those on an inline <svg> as
        # declarations that win over the stylesheets' .qr-code size (and the fitting
        # step's smaller one); the viewBox gives the square shape, the CSS the size.
        f'<svg class="qr-code" role="img" viewBox="0 0 {side} {side}" '
        'xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(alt)}</title>"
        f'<path fill="#000" d="{qr_path(modules)}"/></svg>'
    )
    return QrCode(url=url, label=web_label(url), svg=Markup(svg))
