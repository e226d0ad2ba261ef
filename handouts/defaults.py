"""Where the default templates and styles are.

In the repository they live at the top (``templates/``, ``styles/``), where educators
and brand teams look for them. The wheel carries the same folders inside the package
as ``handouts/_defaults/`` (see ``pyproject.toml``), so an installed copy needs no
checkout.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def defaults_dir() -> Path:
    packaged = PACKAGE_DIR / "_defaults"
    if (packaged / "templates").is_dir():
        return packaged
    checkout = PACKAGE_DIR.parent
    if (checkout / "templates").is_dir() and (checkout / "styles").is_dir():
        return checkout
    raise RuntimeError(f"default templates not found in {packaged} or {checkout}")


def default_templates() -> Path:
    return defaults_dir() / "templates"


def default_styles() -> Path:
    return defaults_dir() / "styles"
