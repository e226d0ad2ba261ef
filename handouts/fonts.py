"""Fonts installed as Python packages (fontpkg), declared to WeasyPrint with @font-face.

Output must not depend on the machine's fonts: every family a stylesheet names comes
from a ``fontpkg-*`` dependency, so two machines with the same lock file embed the same
font files.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import fontpkg

if TYPE_CHECKING:
    from handouts.font_instances import Instance


@cache
def font_files() -> tuple[tuple[str, str, str, Path], ...]:
    """(family, weight, style, path) for every face fontpkg has installed.

    The weight is empty for a variable face: WeasyPrint does not read weight ranges in
    @font-face (it ignores "200 900" with a warning), but without the descriptor
    Fontconfig scans the file and offers each of its named instances. The instance a
    rule asks for is the one embedded, since PDF has no variable fonts.
    """
    faces = []
    for family in fontpkg.families().values():
        for face in family.files:
            weight = "" if face.weight is None else str(face.weight)
            faces.append((family.name, weight, face.style, Path(face.path).resolve()))
    return tuple(sorted(faces))


@cache
def font_families() -> frozenset[str]:
    """Names of the installed families, as a stylesheet's font-family spells them."""
    return frozenset(family.name for family in fontpkg.families().values())


def font_dirs() -> tuple[Path, ...]:
    return tuple(sorted({path.parent for *_, path in font_files()}))


def font_face_css(
    url_for: Callable[[Path], str] | None = None, instances: Sequence[Instance] = ()
) -> str:
    """@font-face rules for every installed face; ``url_for`` maps a file to its URL.

    The static ``instances`` of variable faces (font_instances.py) come first: where
    one and its variable face match a request equally, Fontconfig takes the first.
    """
    to_url = url_for or (lambda path: path.as_uri())
    rules = []
    for instance in instances:
        rules.append(
            "@font-face {"
            f' font-family: "{instance.family}";'
            f' src: url("{to_url(instance.path)}") format("truetype");'
            f" font-weight: {instance.weight}; font-style: {instance.style}; }}"
        )
    for family, weight, style, path in font_files():
        descriptors = f" font-weight: {weight};" if weight else ""
        rules.append(
            "@font-face {"
            f' font-family: "{family}"; src: url("{to_url(path)}") format("truetype");'
            f"{descriptors} font-style: {style}; }}"
        )
    return "\n".join(rules) + "\n"
