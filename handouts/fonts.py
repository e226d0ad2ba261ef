"""Fonts installed as Python packages (fontpkg), declared to WeasyPrint with @font-face.

Output must not depend on the machine's fonts: every family a stylesheet names comes
from a ``fontpkg-*`` dependency, so two machines with the same lock file embed the same
font files.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import fontpkg

DEFAULT_FAMILY = "Atkinson Hyperlegible"


@cache
def font_files() -> tuple[tuple[str, int, str, Path], ...]:
    """(family, weight, style, path) for every static face fontpkg has installed."""
    faces = []
    for family in fontpkg.families().values():
        for face in family.files:
            if face.weight is None:  # variable faces need axis ranges; none bundled yet
                continue
            faces.append((family.name, int(face.weight), face.style, Path(face.path).resolve()))
    return tuple(sorted(faces))


def font_dirs() -> tuple[Path, ...]:
    return tuple(sorted({path.parent for *_, path in font_files()}))


def font_face_css(url_for: Callable[[Path], str] | None = None) -> str:
    """@font-face rules for every installed face; ``url_for`` maps a file to its URL."""
    to_url = url_for or (lambda path: path.as_uri())
    rules = []
    for family, weight, style, path in font_files():
        rules.append(
            "@font-face {"
            f' font-family: "{family}"; src: url("{to_url(path)}") format("truetype");'
            f" font-weight: {weight}; font-style: {style}; }}"
        )
    return "\n".join(rules) + "\n"
