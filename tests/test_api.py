"""The library's front door: what ``handouts`` exports, what importing it costs, and the
README's Python example run as written, from a thread."""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest
from pypdf import PdfReader

import handouts
from tests.conftest import REPO, copy_project


def _python(code: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """``code`` in a fresh interpreter, as a user's script or a new notebook kernel."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True
    )


def test_every_exported_name_is_the_object_its_module_defines() -> None:
    exports = handouts._EXPORTS
    assert sorted(handouts.__all__) == sorted(["__version__", *exports])
    for name, module in exports.items():
        defined = getattr(importlib.import_module(module), name)
        assert handouts.__getattr__(name) is defined, name
        assert name in dir(handouts)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        handouts.nope  # noqa: B018


def test_no_exported_name_is_also_a_module_of_the_package() -> None:
    """Python sets a submodule as an attribute of its package when it is imported, so an
    export named like a module would turn into that module (``from handouts import
    build`` would not be callable). Every submodule is imported first, as a program
    using the CLI and the library together would."""
    modules = {info.name.rpartition(".")[2] for info in pkgutil.walk_packages(
        handouts.__path__, "handouts.")}  # fmt: skip
    assert not modules & set(handouts.__all__)
    for info in pkgutil.walk_packages(handouts.__path__, "handouts."):
        if info.name != "handouts.__main__":  # runs the CLI
            importlib.import_module(info.name)
    for name in handouts.__all__:
        assert not isinstance(getattr(handouts, name), ModuleType), name


def test_importing_the_package_or_its_build_api_does_not_load_the_renderer() -> None:
    """``import handouts`` loads nothing else; loading a project and getting the build
    and its options (a no-op build, ``validate``) do not pay for WeasyPrint."""
    done = _python(
        textwrap.dedent(
            """
            import sys
            import handouts
            print(sorted(m for m in sys.modules if m.startswith("handouts")))
            handouts.load_project, handouts.BuildOptions, handouts.build
            print("weasyprint" in sys.modules)
            """
        )
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["['handouts']", "False"]


@pytest.mark.parametrize("option", ["--version", "--help"])
def test_version_and_help_load_only_the_command_line(option: str) -> None:
    """They answer at once: no renderer, content models, templates, colors or Rich."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "handouts", option],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    if option == "--version":
        assert done.stdout == f"handouts, version {handouts.__version__}\n"
    else:
        assert "Commands:" in done.stdout
        assert "build" in done.stdout
    imported = [line.rpartition("|")[2].strip() for line in done.stderr.splitlines()]
    assert "handouts.cli" in imported
    heavy = {"weasyprint", "pydantic", "jinja2", "rich", "coloraide", "ruamel", "fontTools"}
    assert sorted({m.split(".")[0] for m in imported} & heavy) == []


def _readme_example() -> str:
    readme = (REPO / "README.md").read_text("utf-8")
    section = readme.split("\n## Python API\n", 1)[1].split("\n## ", 1)[0]
    (code,) = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    return str(code)


def test_the_readme_python_example_runs_as_written_from_a_thread(tmp_path: Path) -> None:
    """The README's example, word for word, in a project folder: it loads the project,
    builds one handout, audits it and prints what it got. It runs in a thread other
    than the main one, as in a notebook, a GUI or a web server, where a library that
    installed signal handlers would fail (signal.signal works in the main thread only)."""
    project = copy_project(tmp_path / "clinic", editions='["standard"]', languages='["en"]')
    runner = textwrap.dedent(
        """
        import sys, threading
        failed = []

        def example():
            try:
                exec(compile(sys.argv[1], "README.md", "exec"), {"__name__": "__main__"})
            except BaseException as error:
                failed.append(error)
                raise

        thread = threading.Thread(target=example)
        thread.start()
        thread.join()
        sys.exit(1 if failed else 0)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", runner, _readme_example()],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    pdf = project / "output/northfield-neurology/en/handout-cidp.pdf"
    lines = done.stdout.splitlines()
    assert f"{pdf} 2 pages" in lines
    assert len(PdfReader(pdf).pages) == 2
    assert [p.relative_to(project) for p in (project / "output").rglob("*.pdf")] == [
        pdf.relative_to(project)
    ]
    assert any(
        re.fullmatch(r"Chronic inflammatory demyelinating polyneuropathy grade \d+\.\d "
                     r"\d+(\.\d)? % PEMAT-P", line)
        for line in lines
    ), lines  # fmt: skip
