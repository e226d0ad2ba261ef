"""Untrusted input: the corpus of bad inputs, injection strings and generated text.
Nothing outside the allowed folders is read, nothing from data runs, and every output
file is whole or absent (interrupted builds: test_killed_builds.py)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from ruamel.yaml import YAML

from handouts.builder import BuildOptions, build
from handouts.jobs import Job
from handouts.output import TEMP_PREFIX
from handouts.project import Project, load_project
from handouts.worker import Worker
from tests.conftest import REPO
from tests.corpus import CASES, SECRETS, Case
from tests.helpers import run

BRAND = "maple-childrens"
INJECTIONS = ("<script>alert(1)</script>", "{{ 7*7 }}", "</style><b>x</b>", "{% raw %}")


def _written(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


# ---- the corpus ----


def test_the_corpus_has_at_least_forty_bad_inputs() -> None:
    assert len(CASES) >= 40
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_is_refused_clearly_and_writes_nothing(case: Case, project_copy: Path) -> None:
    case.change(project_copy)
    out = project_copy / "out"
    args = ["build", "--brand", BRAND, "--condition", "cidp", "--out", str(out), *case.args]
    code, output = run(project_copy, *args)
    assert code == case.exit_code, output
    assert case.message in output, output
    assert case.where in output, output
    assert "Traceback" not in output
    # No document, no half-written file; a failed render leaves at most the manifest.
    written = _written(out)
    assert not [p for p in written if p.suffix in {".pdf", ".html"}], written
    assert not [p for p in written if p.name.startswith(TEMP_PREFIX)], written
    for path in written:
        data = path.read_bytes()
        assert not any(secret in data for secret in SECRETS), path


# ---- injection strings print as text ----


def _inject(path: Path, payload: str) -> int:
    """Append ``payload`` to every text of the ``patient`` part of a content file."""
    yaml = YAML()
    data = yaml.load(path.read_text("utf-8"))
    count = 0

    def walk(node: object) -> None:
        nonlocal count
        items = node.items() if isinstance(node, dict) else enumerate(node)  # type: ignore[arg-type]
        for key, value in list(items):
            if isinstance(value, str):
                node[key] = f"{value} {payload}"  # type: ignore[index]
                count += 1
            elif isinstance(value, dict | list):
                walk(value)

    walk(data["patient"])
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle)
    return count


def test_injection_strings_in_every_text_field_print_as_text(project_copy: Path) -> None:
    payload = " ".join(INJECTIONS)
    fields = _inject(project_copy / "conditions/cidp.en.yaml", payload)
    assert fields > 10
    brand = project_copy / "styles/brands" / BRAND / "brand.toml"
    text = brand.read_text("utf-8")
    brand.write_text(text.replace('department = "', 'department = "</style><script>x</script> '))
    out = project_copy / "out"
    code, output = run(project_copy, "build", "--brand", BRAND, "--condition", "cidp",
                       "--format", "html", "--out", str(out))  # fmt: skip
    assert code == 0, output
    html = (out / BRAND / "en/handout-cidp.html").read_text("utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "{{ 7*7 }}" in html  # data is never compiled as a template
    assert ">49<" not in html
    assert "&lt;/style&gt;" in html

    # The PDF shows the strings as words. A long payload may push it past two
    # pages: then that is the (clear) error, and nothing is written.
    code, output = run(project_copy, "build", "--brand", BRAND, "--condition", "cidp",
                       "--out", str(out))  # fmt: skip
    pdf = out / BRAND / "en/handout-cidp.pdf"
    if code == 0:
        page_text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
        assert "<script>alert(1)</script>" in page_text
    else:
        assert "more than the 2 allowed" in output
        assert not pdf.exists()


def test_a_refused_image_is_a_warning_and_the_page_is_built_without_it(
    project_copy: Path,
) -> None:
    css = project_copy / "styles/brands" / BRAND / "brand.css"
    css.write_text(css.read_text("utf-8") + '\n.logo { background: url("/etc/passwd"); }\n')
    out = project_copy / "out"
    code, output = run(project_copy, "build", "--brand", BRAND, "--condition", "cidp",
                       "--out", str(out))  # fmt: skip
    assert code == 0, output
    assert "brand.css:" in output
    assert "warning: url() of '/etc/passwd' refused" in output
    for path in _written(out):
        assert not any(secret in path.read_bytes() for secret in SECRETS)


# ---- generated text ----

_WORDS = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029"),
    min_size=1,
    max_size=120,
)
_LONG_WORD = st.integers(50, 400).map(lambda n: "Immunoglobulin" * (n // 14 + 1))
_SCRIPTS = st.sampled_from(
    [
        "مرحبا بكم في العيادة",
        "静脉注射免疫球蛋白",
        "שלום",
        "😀🩺💉👩🏽‍⚕️",
        "ﷺ\u200f\u202e",
        "Ǆ\u0301\u0308" * 20,
    ]
)
_TEXT = st.one_of(_WORDS, _LONG_WORD, _SCRIPTS, st.lists(_SCRIPTS, max_size=6).map(" ".join))


@pytest.fixture(scope="module")
def renderer(project: Project) -> tuple[Project, Worker]:
    return project, Worker(project, BuildOptions(workers=0))


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=_TEXT, purpose=_TEXT, point=_TEXT, term=_TEXT)
def test_any_text_in_content_fields_never_crashes_a_render(
    renderer: tuple[Project, Worker], title: str, purpose: str, point: str, term: str
) -> None:
    project, worker = renderer
    condition = project.conditions[("en", "cidp")]
    changed = condition.model_copy(
        update={
            "title": title,
            "purpose": purpose,
            "key_points": [point, *condition.key_points[1:]],
            "about_condition": [term, *condition.about_condition],
        }
    )
    worker.project = dataclasses.replace(
        project, conditions={**project.conditions, ("en", "cidp"): changed}
    )
    try:
        layout = worker.layout(Job("handout", BRAND, "en", "cidp", ""))
    finally:
        worker.project = project
    # It lays out; very long text may need more pages than allowed, which the build
    # reports as its own error. A crash would have raised instead.
    assert layout.pages >= 1
    assert layout.fits or "more than the 2 allowed" in layout.problem


def test_the_bundled_project_reads_nothing_outside_its_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every file a full build opens is in an allowed folder (traced by the fetcher)."""
    from handouts import fetcher

    seen: list[str] = []
    original = fetcher.SafeFetcher.fetch

    def spy(self: fetcher.SafeFetcher, url: str, headers: object = None) -> object:
        seen.append(url)
        return original(self, url, headers)

    project = load_project(REPO / "handouts.toml")
    monkeypatch.setattr(fetcher.SafeFetcher, "fetch", spy)
    result = build(project, BuildOptions(brands=(BRAND,), conditions=("cidp",), workers=0,
                                         output=tmp_path))  # fmt: skip
    assert not result.failed
    roots = project.resource_roots()
    files = [url for url in seen if url.startswith("file:")]
    assert files, "the fetcher saw no file"
    for url in files:
        path = Path(url.removeprefix("file://")).resolve()
        assert any(path.is_relative_to(root) for root in roots), url


def test_a_document_past_the_worker_memory_limit_fails_alone(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = Worker._pdf

    def greedy_on_cidp(self: Worker, job: Job):  # type: ignore[no-untyped-def]
        if job.condition == "cidp":
            hoard = bytearray(3 * 1024**3)  # as a runaway layout would
            hoard[-1] = 1
        return original(self, job)

    monkeypatch.setattr(Worker, "_pdf", greedy_on_cidp)  # the forked workers inherit it
    config = project_copy / "handouts.toml"
    config.write_text(
        config.read_text("utf-8").replace("worker_memory_mb = 2048", "worker_memory_mb = 1024")
    )
    project = load_project(config)
    result = build(project, BuildOptions(brands=(BRAND,), conditions=("cidp", "dermatomyositis")))
    (failed,) = result.failed
    assert failed.job.condition == "cidp"
    assert "ran out of memory: a worker may use 1024 MB" in str(failed.error)
    assert [o.job.condition for o in result.built] == ["dermatomyositis"]


def test_reportlab_fetches_nothing() -> None:
    from reportlab import rl_config

    import handouts.graphics  # noqa: F401  (sets the policy on import)

    assert not rl_config.trustedHosts
    assert list(rl_config.trustedSchemes) == []


def test_of_the_cache_only_the_font_instances_may_be_read(project: Project) -> None:
    """The static fonts WeasyPrint reads are in the cache; the rest of it (parsed
    content) is no document's business."""
    from handouts.cache import cache_folder, cache_root
    from handouts.resources import refusal

    roots = project.resource_roots()
    instance = next(cache_folder("fonts").glob("*.ttf"))  # made before the tests start
    assert refusal(instance.as_uri(), roots) is None
    parsed = next(cache_root().glob("*/*.json"), None)
    if parsed is None:  # this test process has read no content file yet
        parsed = cache_root() / "parsed" / "x.json"
        parsed.parent.mkdir(exist_ok=True)
        parsed.write_text("{}")
    assert refusal(parsed.as_uri(), roots) == "outside the project's allowed folders"
    assert refusal(cache_root().as_uri(), roots) is not None
