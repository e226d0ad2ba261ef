"""Template overrides: the project's templates first, the package's behind them."""

from __future__ import annotations

from pathlib import Path

import pytest

from handouts.errors import BuildError
from handouts.templating import make_environment, render_template
from tests.conftest import BRAND
from tests.helpers import run

DEFAULT_MARK = '<section class="key-points"'


def _html(project: Path, condition: str, tmp_path: Path) -> str:
    out = tmp_path / "out"
    code, output = run(
        project,
        "build",
        "--brand",
        BRAND,
        "--condition",
        condition,
        "--format",
        "html",
        "--out",
        str(out),
    )
    assert code == 0, output
    return (out / BRAND / "en" / f"handout-{condition}.html").read_text("utf-8")


def test_project_template_replaces_the_default(project_copy: Path, tmp_path: Path) -> None:
    (project_copy / "templates/handout.html.j2").write_text(
        '<!DOCTYPE html><html lang="{{ doc.lang }}"><body><h1>{{ c.title }}</h1>'
        "<p>Our own layout</p></body></html>"
    )
    html = _html(project_copy, "cidp", tmp_path)
    assert "Our own layout" in html
    assert DEFAULT_MARK not in html


def test_default_prefix_extends_the_default_behind_an_override(
    project_copy: Path, tmp_path: Path
) -> None:
    (project_copy / "templates/handout.html.j2").write_text(
        '{% extends "default:handout.html.j2" %}\n'
        '{% block lead %}<p class="ward">Ward 4 edition</p>{{ super() }}{% endblock %}\n'
    )
    html = _html(project_copy, "cidp", tmp_path)
    assert '<p class="ward">Ward 4 edition</p>' in html
    assert DEFAULT_MARK in html  # the rest of the default is still there
    assert html.index("Ward 4 edition") < html.index(DEFAULT_MARK)


def test_condition_template_is_tried_before_the_generic(project_copy: Path, tmp_path: Path) -> None:
    (project_copy / "templates/handout-cidp.html.j2").write_text(
        '{% extends "default:handout.html.j2" %}'
        "{% block tools %}<p>CIDP clinic only</p>{% endblock %}"
    )
    assert "CIDP clinic only" in _html(project_copy, "cidp", tmp_path / "a")
    assert "CIDP clinic only" not in _html(project_copy, "dermatomyositis", tmp_path / "b")


def test_partial_override_reaches_default_templates(project_copy: Path, tmp_path: Path) -> None:
    (project_copy / "templates/partials").mkdir()
    (project_copy / "templates/partials/brand_header.html.j2").write_text(
        '<header class="brand-header"><p>{{ clinic.name }}, Building C</p></header>'
    )
    html = _html(project_copy, "cidp", tmp_path)
    assert "Northfield University Hospital, Building C" in html
    assert DEFAULT_MARK in html  # the default handout included the project's partial


def test_missing_template_lists_every_path_searched(project_copy: Path) -> None:
    env = make_environment(project_copy / "templates")
    with pytest.raises(BuildError) as caught:
        render_template(env, ["handout-gout.html.j2", "handout-any.html.j2"], {})
    message = caught.value.message
    project_templates = (project_copy / "templates").resolve()
    for name in ("handout-gout.html.j2", "handout-any.html.j2"):
        assert str(project_templates / name) in message
        assert f"templates/{name}" in message.replace(str(project_templates), "")
    assert message.count(".html.j2") == 4  # two names in two folders, in search order
    assert message.index("handout-gout") < message.index("handout-any")


def test_missing_include_names_the_template_line_and_paths(
    project_copy: Path, tmp_path: Path
) -> None:
    (project_copy / "templates/handout.html.j2").write_text(
        '{% extends "default:handout.html.j2" %}\n'
        '{% block tools %}\n{% include "partials/qr.html.j2" %}\n{% endblock %}\n'
    )
    code, output = run(project_copy, "build", "--brand", BRAND, "--condition", "cidp")
    assert code == 1
    assert "templates/handout.html.j2:3: template 'partials/qr.html.j2' not found" in output
    assert "partials/qr.html.j2, " in output  # every folder searched is listed
    assert not (project_copy / "output" / BRAND).exists()


def test_template_syntax_error_is_one_line_with_file_and_line(project_copy: Path) -> None:
    (project_copy / "templates/handout.html.j2").write_text(
        '{% extends "default:handout.html.j2" %}\n{% block lead %}\n{% if %}\n{% endblock %}\n'
    )
    code, output = run(project_copy, "build", "--brand", BRAND, "--condition", "cidp")
    assert code == 1
    assert "templates/handout.html.j2:3: template error:" in output
    assert "Traceback" not in output
