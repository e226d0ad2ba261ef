"""The distribution a clinic installs: ``python -m build`` makes the sdist and the wheel,
``twine check`` accepts them, and the wheel, installed into a fresh virtual
environment, starts a project and builds it outside the checkout.

One slow test (about 20 s), in a file of its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

from pypdf import PdfReader

from handouts import __version__
from tests.conftest import REPO


def _run(*command: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"{command}:\n{done.stdout}{done.stderr}"
    return done.stdout + done.stderr


def test_the_wheel_installs_into_a_fresh_environment_and_builds_outside_the_checkout(
    tmp_path: Path,
) -> None:
    # The sdist, then the wheel built from the unpacked sdist (so the sdist is complete
    # enough to build from). No isolation: the build backend (hatchling) is a dev
    # dependency, and an isolated build would download it.
    dist = tmp_path / "dist"
    _run(sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, REPO)
    name = f"handouts-{__version__}"
    wheel, sdist = dist / f"{name}-py3-none-any.whl", dist / f"{name}.tar.gz"
    assert sorted(dist.iterdir()) == [wheel, sdist]
    checked = _run(sys.executable, "-m", "twine", "check", "--strict", wheel, sdist)
    assert checked.count("PASSED") == 2, checked

    # A fresh environment with nothing but the wheel installed in it. Its dependencies
    # (WeasyPrint, fonts, ...) are the ones this environment has, made visible through
    # a .pth file: installing them anew would need the network. The .pth is written
    # after the wheel is installed, or pip would see this environment's editable copy
    # of handouts and call the wheel installed already; and the wheel's copy comes
    # first on the path, before anything the .pth adds.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, env=env)
    python, handouts = venv / "bin/python", venv / "bin/handouts"
    pip = [sys.executable, "-m", "pip", "--python", python]
    _run(*pip, "install", "--quiet", "--no-index", "--no-deps", wheel, env=env)
    site = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    dependencies = sysconfig.get_paths()["purelib"]
    (Path(site.strip()) / "dependencies.pth").write_text(dependencies + "\n", "utf-8")
    _run(*pip, "check", env=env)  # what the wheel requires is there

    work = tmp_path / "work"
    work.mkdir()
    # The package, and the templates, styles and example content it carries, come from
    # the wheel: nothing of the checkout is used.
    code = "import handouts.defaults as d; print(d.__file__); print(d.defaults_dir())"
    for where in _run(python, "-c", code, cwd=work, env=env).split():
        assert Path(where).is_relative_to(venv), where
    assert _run(handouts, "--version", cwd=work, env=env) == f"handouts, version {__version__}\n"
    _run(handouts, "init", "clinic", "--condition", "cidp", cwd=work, env=env)
    output = _run(handouts, "build", cwd=work / "clinic", env=env)  # finds ./handouts.toml
    assert "built 2:" in output, output
    pdf = work / "clinic/output/my-clinic/en/handout-cidp.pdf"
    assert len(PdfReader(pdf).pages) == 2
