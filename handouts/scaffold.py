"""``handouts init``: a clinic's own project, ready to build.

The project holds only what the clinic owns: settings, one brand, one example
condition with the shared text and sources it needs, and an empty templates folder.
Templates and base styles stay in the package, so upgrading the package upgrades the
pages; a clinic overrides only the templates it copies into its own folder.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path
from string import Template

from ruamel.yaml import YAML

from handouts.config import CONFIG_NAME
from handouts.defaults import defaults_dir
from handouts.errors import ConfigError
from handouts.jobs import InitOptions
from handouts.project import citations
from handouts.readers import load_yaml

SCAFFOLD = Path(__file__).resolve().parent / "scaffold"
NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def example_conditions() -> list[str]:
    """Condition ids the package ships, any of which can seed a new project."""
    folder = defaults_dir() / "conditions"
    return sorted(p.name.removesuffix(".en.yaml") for p in folder.glob("[!_]*.en.yaml"))


def init_project(target: Path, options: InitOptions | None = None) -> list[Path]:
    """Create a project in ``target`` (absent or empty); returns the files written.

    The files are written to a temporary folder beside ``target`` and moved into place
    at the end, so a failure never leaves half a project.
    """
    options = options or InitOptions()
    _check(target, options)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        _write(staging, options)
        written = sorted(p.relative_to(staging) for p in staging.rglob("*") if p.is_file())
        if target.exists():  # an empty folder: replace it
            target.rmdir()
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [target / p for p in written]


def _check(target: Path, options: InitOptions) -> None:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ConfigError(f"{target}: already exists and is not empty; nothing was written")
    if not NAME.match(options.brand):
        raise ConfigError(
            f"brand name '{options.brand}' must be lower-case letters, digits and hyphens"
        )
    known = example_conditions()
    if options.condition not in known:
        raise ConfigError(
            f"no example condition '{options.condition}' (choose from: {', '.join(known)})"
        )


def _write(root: Path, options: InitOptions) -> None:
    values = {
        "title": options.title,
        "clinic": options.clinic,
        "brand": options.brand,
    }
    toml_values = {key: json.dumps(value)[1:-1] for key, value in values.items()}
    css_values = {key: value.replace("*/", "* /") for key, value in values.items()}

    _fill("handouts.toml", root / CONFIG_NAME, toml_values)
    _fill("README.md", root / "README.md", values)
    brand = root / "styles" / "brands" / options.brand
    brand.mkdir(parents=True)
    _fill("brand.toml", brand / "brand.toml", toml_values)
    _fill("brand.css", brand / "brand.css", css_values)
    shutil.copyfile(SCAFFOLD / "logo.svg", brand / "logo.svg")

    conditions = root / "conditions"
    conditions.mkdir()
    source = defaults_dir() / "conditions"
    chosen = ("_treatment.en.yaml", "_glossary.en.yaml", f"{options.condition}.en.yaml")
    for name in chosen:
        shutil.copyfile(source / name, conditions / name)
    _copy_cited_sources(source / "_sources.yaml", conditions / "_sources.yaml", conditions)
    (root / "templates").mkdir()


def _copy_cited_sources(source: Path, target: Path, conditions: Path) -> None:
    """Copy the source list with only the sources the copied files cite: the audit
    rejects a source nothing cites. Comments and order are kept (round-trip YAML)."""
    cited: set[str] = set()
    for path in conditions.glob("*.yaml"):
        cited |= {source_id for source_id, _ in citations(load_yaml(path))}
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # keep each citation on its line, as written
    yaml.indent(mapping=2, sequence=4, offset=2)
    data = yaml.load(source.read_text(encoding="utf-8"))
    kept = [item for item in data["sources"] if item["id"] in cited]
    data["sources"].clear()
    data["sources"].extend(kept)
    with target.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle)


def _fill(name: str, target: Path, values: dict[str, str]) -> None:
    text = Template((SCAFFOLD / name).read_text(encoding="utf-8")).safe_substitute(values)
    target.write_text(text, encoding="utf-8")
