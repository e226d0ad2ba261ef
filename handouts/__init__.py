"""handouts: branded, print-ready, accessible patient handouts from plain data files.

The library API is what this package exports (``__all__``); the CLI is a thin layer
over it. Each name is imported on first use (PEP 562), so ``import handouts`` and
``handouts --version`` stay cheap and only what a program uses gets loaded: loading a
project and getting ``build`` do not import the renderer.

    import handouts

    project = handouts.load_project(Path("handouts.toml"))
    result = handouts.build(project, handouts.BuildOptions(conditions=("cidp",)))

No exported name may also be the name of a module of the package: importing a
submodule sets an attribute of its name on the package, replacing the export. So the
build lives in ``handouts.builder`` and the audit in ``handouts.audit.run``, exported
as ``build`` and ``audit_project`` (tests/test_api.py checks every name).
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Exported name -> the module that defines it.
_EXPORTS: dict[str, str] = {
    # Loading
    "Project": "handouts.project",
    "load_project": "handouts.project",
    # Building
    "build": "handouts.builder",
    "BuildOptions": "handouts.jobs",
    "BuildResult": "handouts.builder",
    "BuildInterrupted": "handouts.builder",
    "Outcome": "handouts.builder",
    "Job": "handouts.jobs",
    # Auditing (the subpackage is ``handouts.audit``, so the function is not ``audit``)
    "audit_project": "handouts.audit.run",
    "AuditReport": "handouts.audit.run",
    # Patient packets
    "read_patients": "handouts.patients",
    "read_bundle": "handouts.fhir_patients",
    "Patient": "handouts.patients",
    "PatientRow": "handouts.patients",
    "make_packets": "handouts.packets",
    "PacketMaker": "handouts.packets",
    "PacketOutcome": "handouts.packets",
    "PacketError": "handouts.packets",
    # The preview server and print desk (``handouts serve``)
    "Preview": "handouts.preview.engine",
    "PreviewOptions": "handouts.preview.engine",
    "preview_app": "handouts.preview.app",
    "serve": "handouts.preview.server",
    "ServeOptions": "handouts.preview.server",
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
    "PacketError",
    "PacketMaker",
    "PacketOutcome",
    "Patient",
    "PatientRow",
    "Preview",
    "PreviewOptions",
    "Problem",
    "Project",
    "ServeOptions",
    "__version__",
    "audit_project",
    "build",
    "load_project",
    "make_packets",
    "preview_app",
    "read_bundle",
    "read_patients",
    "serve",
]

if TYPE_CHECKING:  # what type checkers and editors see; at run time, __getattr__
    from handouts.audit.run import AuditReport, audit_project
    from handouts.builder import BuildInterrupted, BuildResult, Outcome, build
    from handouts.errors import (
        BuildError,
        ConfigError,
        ContentError,
        HandoutsError,
        Location,
        OptionError,
        Problem,
    )
    from handouts.fhir_patients import read_bundle
    from handouts.jobs import BuildOptions, Job
    from handouts.packets import PacketError, PacketMaker, PacketOutcome, make_packets
    from handouts.patients import Patient, PatientRow, read_patients
    from handouts.preview.app import preview_app
    from handouts.preview.engine import Preview, PreviewOptions
    from handouts.preview.server import ServeOptions, serve
    from handouts.project import Project, load_project


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'handouts' has no attribute '{name}'")
    importlib.import_module(_EXPORTS[name])
    # Every export of every module loaded so far is bound, so later lookups are plain
    # attribute reads.
    for export, module in _EXPORTS.items():
        if module in sys.modules:
            globals()[export] = getattr(sys.modules[module], export)
    return globals()[name]


def __dir__() -> list[str]:
    return sorted(__all__)  # the API, for completion in a notebook or an editor
