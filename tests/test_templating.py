"""Content is data: escaped, never run as a template."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import UndefinedError

from handouts.context import cite_label, cite_numbers, handout_context
from handouts.errors import BuildError
from handouts.project import Project
from handouts.templating import inline, make_environment, render_template
from tests.conftest import BRAND


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("{{ 7*7 }}", "{{ 7*7 }}"),
        ("</style>", "&lt;/style&gt;"),
        ("Call **911** now", "Call <strong>911</strong> now"),
        ("**<b>x</b>**", "<strong>&lt;b&gt;x&lt;/b&gt;</strong>"),
    ],
)
def test_inline_escapes_everything_but_bold(text: str, expected: str) -> None:
    assert str(inline(text)) == expected


def test_content_fields_render_as_text(project: Project) -> None:
    condition = project.conditions[("en", "cidp")]
    hostile = condition.model_copy(update={"purpose": "{{ 7*7 }} <script>x</script>"})
    brand = project.brands[BRAND]
    env = make_environment(None)
    html = render_template(env, ["handout.html.j2"], handout_context(hostile, brand, Path.as_uri))
    assert "{{ 7*7 }} &lt;script&gt;x&lt;/script&gt;" in html
    assert "<script>" not in html


def test_missing_template_value_is_an_error_not_blank(project: Project) -> None:
    env = make_environment(None)
    with pytest.raises(BuildError, match=r"base\.html\.j2:2: template error: .*'lang'") as caught:
        render_template(env, ["handout.html.j2"], {"doc": {}})
    assert isinstance(caught.value.__cause__, UndefinedError)


def test_citations_are_numbered_in_reading_order_and_ranges_compressed() -> None:
    numbers = cite_numbers([["b", "a"], ["c", "d", "e"], ["a"]])
    assert numbers == {"b": 1, "a": 2, "c": 3, "d": 4, "e": 5}
    assert cite_label(["e", "c", "d", "a"], numbers) == "2\u20135"
    assert cite_label(["b", "d"], numbers) == "1,4"
    assert cite_label(["b", "a", "d"], numbers) == "1,2,4"


def test_a_dose_in_the_summary_never_breaks_between_its_number_and_unit() -> None:
    from handouts.templating import doses, inline

    html = str(doses(inline("0.4 g/kg/day for 5 days (2 g/kg total); hemoglobin/hematocrit")))
    assert '<span class="nowrap">0.4 g/kg/day</span>' in html
    assert '<span class="nowrap">2 g/kg</span> total' in html
    assert "hemoglobin/hematocrit" in html  # words, not a unit: free to break
    assert str(doses(inline("<b>1 g/kg</b>"))).startswith("&lt;b&gt;")  # still escaped


def test_citation_numbers_stay_on_the_line_of_the_last_word() -> None:
    from handouts.templating import cited, inline

    html = str(cited(inline("No US label indication: off-label."), "4\u20139"))
    assert html.endswith('<span class="nowrap">off-label.<sup class="cite">4\u20139</sup></span>')
    # Text that ends in markup keeps its numbers after it, unglued.
    assert str(cited(inline("ends **bold**"), "3")).endswith('</strong><sup class="cite">3</sup>')
