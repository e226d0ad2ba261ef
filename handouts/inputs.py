"""What a document depends on, hashed: the basis of incremental builds.

A document is up to date when every input hashes as it did when it was written (the
manifest keeps the hashes) and its file on disk is the one written then. The inputs
are known before rendering: the content files it prints, the brand's files, every
stylesheet that may apply (the tight-spacing one too, since the fitting step may add
it), every template, every font, the options, and the code that renders: this
package's own source and the versions of the libraries that shape the output.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import metadata
from pathlib import Path

from handouts import __version__
from handouts.defaults import PACKAGE_DIR, defaults_dir
from handouts.i18n import catalog_path
from handouts.jobs import BuildOptions, BuildSettings, Job, Stylesheet
from handouts.kinds import KINDS
from handouts.output import sha256_bytes, sha256_file
from handouts.project import Project

# Libraries whose upgrade can change the bytes of a PDF: the layout engine, its PDF
# writer, font subsetting and instancing, CSS parsing, templating, QR codes, images.
ENGINE = (
    "weasyprint",
    "pydyf",
    "fonttools",
    "tinycss2",
    "cssselect2",
    "tinyhtml5",
    "pyphen",
    "jinja2",
    "reportlab",
    "pillow",
    "fontpkg",
)


FONT_SUFFIXES = frozenset({".ttf", ".otf", ".woff", ".woff2"})


class FileHashes:
    """sha256 of input files, each read once per build: templates, fonts and shared
    content are inputs of every document."""

    def __init__(self) -> None:
        self._known: dict[Path, str] = {}

    def __call__(self, path: Path) -> str:
        found = self._known.get(path)
        if found is None:
            found = self._known[path] = sha256_file(path)
        return found


@cache
def code_fingerprint() -> str:
    """This package's source and the engine's versions, as one hash: a changed line of
    code or an upgraded library rebuilds everything (the lock file pins both)."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".j2", ".css", ".yaml", ".toml"}:
            digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    for name in ENGINE:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name}=={version}\n".encode())
    return digest.hexdigest()


def inputs_of(
    project: Project,
    job: Job,
    sheets: list[Stylesheet],
    shared_files: list[Path],
    hashes: FileHashes,
) -> dict[str, str]:
    """Every file whose change changes this document, by a stable name, with its hash."""
    files: list[Path] = []
    # The content it prints: for a summary or binder every condition it covers, the
    # ones borrowed from the fallback language too.
    for key in KINDS[job.kind].conditions(project, job):
        files += project.files[key]
    # The catalogs of the page's fixed text: its language's, and the notice's when the
    # text is borrowed from another language.
    for lang in dict.fromkeys((job.content_lang, job.lang)):
        if (catalog := catalog_path(lang, project.locale_dirs)) is not None:
            files.append(catalog)
    files += project.brands[job.brand].files
    files += [s.path for s in sheets if s.path]
    files += shared_files
    inputs: dict[str, str] = {}
    for path in dict.fromkeys(files):
        inputs[input_name(project, path)] = hashes(path)
    for sheet in sheets:
        if sheet.text is not None:
            inputs[f"<{sheet.name}>"] = sha256_bytes(sheet.text.encode())
    # The settings that decide how a document is fitted to its pages: a changed limit
    # or overflow choice may change the pages without changing a file.
    settings = project.config.settings
    fitting = (
        f"{settings.max_handout_pages} {settings.max_large_print_pages} {settings.summary_overflow}"
    )
    inputs["<fitting>"] = sha256_bytes(fitting.encode())
    inputs["<handouts>"] = code_fingerprint()
    return inputs


def input_name(project: Project, path: Path) -> str:
    if path.suffix in FONT_SUFFIXES:  # wherever the environment installed them
        return f"font:{path.name}"
    for prefix, root in (("", project.root), ("default:", defaults_dir())):
        if path.is_relative_to(root):
            return prefix + path.relative_to(root).as_posix()
    return str(path)


def hash_inputs(
    inputs: dict[str, str], job: Job, options: BuildOptions, build: BuildSettings
) -> str:
    digest = hashlib.sha256()
    for name in sorted(inputs):
        digest.update(f"{name}\0{inputs[name]}\n".encode())
    fields = (job.kind, job.brand, job.lang, job.edition, options.format, build.pdf_variant)
    digest.update("\0".join(fields).encode())
    return digest.hexdigest()
