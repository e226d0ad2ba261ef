"""handouts: branded, print-ready, accessible patient handouts from plain data files.

The library API is what this package exports (``__all__``); the CLI is a thin layer
over it. Each name is imported on first use (PEP 562), so ``import handouts`` and
``handouts --version`` stay cheap and only what a program uses gets loaded: a
project that is loaded and validated never imports the renderer.

    import handouts

    project = handouts.load_project("handouts.toml")
    result = handouts.build(project, handouts.BuildOptions(conditions=("cidp",)))

No name here is also the name of a module of the package: importing a submodule sets
an attribute of that name on the package, which would replace the exported object.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Exported name -> the module that defines it.
_EXPORTS: dict[str, str] = {
    # Loading
    "Project": "handouts.project",
    "load_project": "handouts.project",
    # Building
    "build": "handouts.build",
    "BuildOptions": "handouts.build",
    "BuildResult": "handouts.build",
    "BuildInterrupted": "handouts.build",
    "Outcome": "handouts.build",
    "Job": "handouts.build",
    # Auditing (the subpackage is ``handouts.audit``, so the function is not ``audit``)
    "audit_project": "handouts.audit.run",
    "AuditReport": "handouts.audit.run",
    # Errors
    "HandoutsError": "handouts.errors",
    "ConfigError": "handouts.errors",
    "ContentError": "handouts.errors",
    "OptionError": "handouts.errors",
    "BuildError": "handouts.errors",
    "Problem": "handouts.errors",
    "Location": "handouts.errors",
}

# Literal, for type checkers, linters and ``from handouts import *``: the names above.
__all__ = [
    "AuditReport",
    "BuildError",
    "BuildInterrupted",
    "BuildOptions",
    "BuildResult",
    "ConfigError",
    "ContentError",
    "HandoutsError",
    "Job",
    "Location",
    "OptionError",
    "Outcome",
    "Problem",
    "Project",
    "__version__",
    "audit_project",
    "build",
    "load_project",
]

if TYPE_CHECKING:  # what type checkers and editors see; at run time, __getattr__
    from handouts.audit.run import AuditReport, audit_project
    from handouts.build import BuildInterrupted, BuildOptions, BuildResult, Job, Outcome, build
    from handouts.errors import (
        BuildError,
        ConfigError,
        ContentError,
        HandoutsError,
        Location,
        OptionError,
        Problem,
    )
    from handouts.project import Project, load_project


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'handouts' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
