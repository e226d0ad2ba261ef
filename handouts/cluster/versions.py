"""What shapes a PDF's bytes, as one machine has it: the versions a cluster must share.

Identical bytes need identical inputs and identical code: this package (its version
and a hash of its files, templates and stylesheets included), the libraries that lay
out, shape, subset and write (WeasyPrint and the rest of ``inputs.ENGINE``), the font
packages, Python, and the system's Pango and the choice of font subsetter.
"""

from __future__ import annotations

import platform
from functools import cache
from importlib import metadata


@cache
def versions() -> dict[str, str]:
    """This process's versions, by name (cached: a worker answers every task)."""
    from handouts import __version__
    from handouts.inputs import ENGINE, code_fingerprint
    from handouts.render import fast_subsetting

    found = {
        "python": platform.python_version(),
        "handouts": __version__,
        "handouts files": code_fingerprint()[:16],
    }
    for name in ENGINE:
        found[name] = _version(name)
    for dist in metadata.distributions():
        name = dist.metadata["Name"] or ""
        if name.lower().startswith("fontpkg-"):  # every font a brand may name
            found[name.lower()] = dist.version
    from weasyprint.text.ffi import pango

    found["pango"] = str(pango.pango_version())
    found["font subsetting"] = "harfbuzz" if fast_subsetting() else "fonttools"
    return found


def differences(mine: dict[str, str], theirs: dict[str, str]) -> list[str]:
    """What differs, in words: "weasyprint 69.0 (here 70.0)"."""
    said = []
    for name in sorted(set(mine) | set(theirs)):
        here, there = mine.get(name, "none"), theirs.get(name, "none")
        if here != there:
            said.append(f"{name} {there} (here {here})")
    return said


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "none"
