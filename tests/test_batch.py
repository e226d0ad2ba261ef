"""The batch engine: what is rebuilt and what is kept, failures kept to their own
document, exit codes, and the manifest that makes rebuilds incremental."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from handouts import render
from handouts.builder import BuildOptions, BuildResult, build
from handouts.output import sha256_file
from handouts.project import load_project
from handouts.worker import Worker
from tests.conftest import BRAND
from tests.helpers import StandInRenderer, edit, run

OTHER_BRAND = "maple-childrens"


def _build(project_dir: Path, **options: object) -> BuildResult:
    project = load_project(project_dir / "handouts.toml")
    return build(project, BuildOptions(**options))  # type: ignore[arg-type]


def _outputs(result: BuildResult) -> dict[str, set[str]]:
    return {
        "built": {o.job.output for o in result.built},
        "skipped": {o.job.output for o in result.skipped},
        "failed": {o.job.output for o in result.failed},
    }


def _hashes(folder: Path) -> dict[str, str]:
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    return {entry["path"]: entry["sha256"] for entry in manifest["files"]}


# ---- skip and rebuild ----


def test_changing_one_condition_rebuilds_its_handout_the_summary_and_binder_only(
    project_copy: Path, stand_in: StandInRenderer
) -> None:
    first = _build(project_copy, brands=(BRAND,))
    assert len(first.built) == 9  # 7 handouts, the summary, the binder
    kept = {o.job.output: o.path.stat().st_mtime_ns for o in first.built if o.path}

    edit(project_copy / "conditions/cidp.en.yaml", "CIDP steady", "CIDP stable")
    second = _build(project_copy, brands=(BRAND,))

    where = f"{BRAND}/en/"
    assert _outputs(second)["built"] == {
        f"{where}handout-cidp.pdf",
        f"{where}clinician-summary.pdf",
        f"{where}binder.pdf",
    }
    assert len(second.skipped) == 6
    for outcome in second.skipped:  # the files of the others were not even rewritten
        assert outcome.path is not None
        assert outcome.path.stat().st_mtime_ns == kept[outcome.job.output]


def test_an_incremental_rebuild_writes_what_a_clean_build_writes(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one real end-to-end rebuild (the others render stand-ins): a binder rebuilt
    around a kept part lays that part out at the fitting step the manifest recorded
    (Kawasaki disease needs tight spacing in the Lakeside brand), and gets the bytes a
    clean build got. Two conditions, so that it takes seconds; the build of the edited
    content in between writes stand-ins (the next build replaces them)."""
    for path in (project_copy / "conditions").glob("[!_]*.en.yaml"):
        if path.name.split(".")[0] not in ("cidp", "kawasaki-disease"):
            path.unlink()
    brand = "lakeside-infusion"
    clean = _build(project_copy, brands=(brand,))
    assert len(clean.built) == 4  # 2 handouts, the summary, the binder
    assert {o.job.condition: o.fit for o in clean.built}["kawasaki-disease"] == "tight spacing"
    made_clean = _hashes(project_copy / "output")

    cidp = project_copy / "conditions/cidp.en.yaml"
    edit(cidp, "CIDP steady", "CIDP stable")
    with monkeypatch.context() as stand_ins:
        StandInRenderer().install(stand_ins)
        changed = _build(project_copy, brands=(brand,))
    rebuilt = {f"{brand}/en/{name}.pdf" for name in ("handout-cidp", "clinician-summary", "binder")}
    assert _outputs(changed)["built"] == rebuilt
    assert _outputs(changed)["skipped"] == {f"{brand}/en/handout-kawasaki-disease.pdf"}
    assert _hashes(project_copy / "output") != made_clean

    edit(cidp, "CIDP stable", "CIDP steady")  # back to the content of the clean build
    again = _build(project_copy, brands=(brand,))
    assert _outputs(again)["built"] == rebuilt
    assert _hashes(project_copy / "output") == made_clean


def test_nothing_changed_nothing_rebuilt_and_force_rebuilds_all(
    project_copy: Path, stand_in: StandInRenderer
) -> None:
    code, output = run(project_copy, "build", "--brand", BRAND, "--condition", "cidp")
    assert code == 0, output
    assert "built 1:" in output

    code, output = run(project_copy, "build", "--brand", BRAND, "--condition", "cidp")
    assert code == 0, output
    assert "built 0, 1 up to date" in output

    code, output = run(project_copy, "build", "--brand", BRAND, "--condition", "cidp", "--force")
    assert code == 0, output
    assert "built 1:" in output


def test_a_deleted_or_altered_output_file_is_rebuilt(
    project_copy: Path, stand_in: StandInRenderer
) -> None:
    options = {"brands": (BRAND,), "conditions": ("cidp", "dermatomyositis", "kawasaki-disease")}
    first = _build(project_copy, **options)
    assert len(first.built) == 3
    out = project_copy / "output" / BRAND / "en"
    (out / "handout-cidp.pdf").unlink()
    with (out / "handout-dermatomyositis.pdf").open("ab") as handle:
        handle.write(b"%% edited by hand\n")

    second = _build(project_copy, **options)
    assert _outputs(second)["built"] == {
        f"{BRAND}/en/handout-cidp.pdf",
        f"{BRAND}/en/handout-dermatomyositis.pdf",
    }
    assert _outputs(second)["skipped"] == {f"{BRAND}/en/handout-kawasaki-disease.pdf"}
    recorded = _hashes(project_copy / "output")[f"{BRAND}/en/handout-dermatomyositis.pdf"]
    assert recorded == sha256_file(out / "handout-dermatomyositis.pdf")


def test_a_brand_change_rebuilds_that_brand_and_an_option_change_rebuilds_all(
    project_copy: Path, stand_in: StandInRenderer
) -> None:
    options = {"brands": (BRAND, OTHER_BRAND), "conditions": ("cidp",)}
    assert len(_build(project_copy, **options).built) == 2

    css = project_copy / "styles/brands" / OTHER_BRAND / "brand.css"
    css.write_text(css.read_text("utf-8") + "\n.kicker { letter-spacing: 0.08em; }\n", "utf-8")
    second = _build(project_copy, **options)
    assert _outputs(second)["built"] == {f"{OTHER_BRAND}/en/handout-cidp.pdf"}
    assert _outputs(second)["skipped"] == {f"{BRAND}/en/handout-cidp.pdf"}

    a4 = _build(project_copy, paper="a4", **options)  # same paths, other paper
    assert len(a4.built) == 2


# ---- failures stay with their document ----


def _too_long(project_dir: Path, condition: str) -> None:
    """Make one handout run past its two pages: it fails when laid out, not before
    (each list stays under max_section_words, so loading lets it through)."""
    path = project_dir / f"conditions/{condition}.en.yaml"
    text = path.read_text("utf-8")
    for marker, line in (
        ("    questions:\n", '      - "Question number {n} to ask at the next visit?"\n'),
        ("  about_condition:\n", '    - "Sentence number {n} about the condition, said again."\n'),
    ):
        assert marker in text
        extra = "".join(line.format(n=n) for n in range(30))
        text = text.replace(marker, marker + extra, 1)
    path.write_text(text, "utf-8")


def test_one_failing_document_does_not_stop_the_others(
    project_copy: Path, stand_in: StandInRenderer
) -> None:
    stand_in.fail = {"cidp"}  # a real layout past its pages: test_output.py
    code, output = run(project_copy, "build", "--brand", BRAND, "--only", "handouts")
    assert code == 1
    assert f"{BRAND}/en/handout-cidp.pdf: error:" in output
    assert "built 6, 1 failed" in output
    out = project_copy / "output" / BRAND / "en"
    assert not (out / "handout-cidp.pdf").exists()
    assert len(list(out.glob("handout-*.pdf"))) == 6
    manifest = json.loads((project_copy / "output/manifest.json").read_text("utf-8"))
    assert f"{BRAND}/en/handout-cidp.pdf" not in {e["path"] for e in manifest["files"]}


def test_fail_fast_stops_at_the_first_failure(
    project_copy: Path, stand_in: StandInRenderer
) -> None:
    stand_in.fail = {"cidp"}  # the first handout of the plan (ids in order)
    # A document takes a while, as a real one: the failure is back before the next ends.
    stand_in.seconds = 1.0
    code, output = run(
        project_copy, "build", "--brand", BRAND, "--only", "handouts", "--jobs", "1", "--fail-fast"
    )
    assert code == 1
    assert "stopped at the first failure" in output
    built = list((project_copy / "output" / BRAND / "en").glob("handout-*.pdf"))
    # One worker may have started the next document before the failure came back.
    assert len(built) <= 1


def test_a_worker_that_dies_fails_only_its_own_document(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = Worker._pdf

    def crash_on_cidp(self: Worker, job):  # type: ignore[no-untyped-def]
        if job.condition == "cidp":
            os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer does
        return original(self, job)

    monkeypatch.setattr(Worker, "_pdf", crash_on_cidp)  # the forked workers inherit it
    options = {"brands": (BRAND,), "conditions": ("cidp", "dermatomyositis"), "workers": 2}
    result = _build(project_copy, **options)
    assert _outputs(result)["failed"] == {f"{BRAND}/en/handout-cidp.pdf"}
    assert "worker process rendering it died (SIGKILL" in str(result.failed[0].error)
    assert _outputs(result)["built"] == {f"{BRAND}/en/handout-dermatomyositis.pdf"}


def test_a_document_past_its_time_limit_is_stopped(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = Worker._pdf

    def hang_on_cidp(self: Worker, job):  # type: ignore[no-untyped-def]
        if job.condition == "cidp":
            time.sleep(600)
        return original(self, job)

    monkeypatch.setattr(Worker, "_pdf", hang_on_cidp)
    edit(project_copy / "handouts.toml", "render_timeout = 300", "render_timeout = 3")
    started = time.monotonic()
    result = _build(project_copy, brands=(BRAND,), conditions=("cidp",), workers=1)
    assert time.monotonic() - started < 60
    assert "took longer than 3 s and was stopped" in str(result.failed[0].error)
    assert not (project_copy / "output" / BRAND / "en/handout-cidp.pdf").exists()


# ---- what the build says ----


def test_missing_harfbuzz_subsetting_is_said_once_with_the_fix(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch, stand_in: StandInRenderer
) -> None:
    monkeypatch.setattr(render, "fast_subsetting", lambda: False)
    code, output = run(
        project_copy, "build", "--brand", BRAND, "--condition", "cidp", "--jobs", "0"
    )
    assert code == 0, output
    assert output.count("note: fonts are subset with fontTools") == 1
    assert "apt-get install libharfbuzz-subset0" in output


def test_in_process_and_worker_builds_write_the_same_bytes(
    project_copy: Path, tmp_path: Path
) -> None:
    options = {"brands": ("lakeside-infusion",), "conditions": ("kawasaki-disease",)}
    _build(project_copy, workers=0, output=tmp_path / "here", **options)
    _build(project_copy, workers=2, output=tmp_path / "workers", **options)
    assert _hashes(tmp_path / "here") == _hashes(tmp_path / "workers")


def test_html_preview_links_the_stylesheet_the_fitting_step_chose(project_copy: Path) -> None:
    """Kawasaki disease needs tight spacing in the Lakeside brand: the preview HTML
    must link it, or it shows a page the PDF does not have."""
    result = _build(
        project_copy,
        brands=("lakeside-infusion",),
        conditions=("kawasaki-disease",),
        format="html",
    )
    assert [o.fit for o in result.built] == ["tight spacing"]
    html = Path(str(result.built[0].path)).read_text("utf-8")
    assert 'href="assets/fit-tight.css"' in html


# ---- the manifest ----


def test_manifest_records_the_inputs_that_decide_a_rebuild(project_copy: Path) -> None:
    _build(project_copy, brands=("lakeside-infusion",), conditions=("kawasaki-disease",))
    manifest = json.loads((project_copy / "output/manifest.json").read_text("utf-8"))
    (entry,) = manifest["files"]
    assert entry["fit"] == "tight spacing"
    inputs = entry["inputs"]
    for name in (
        "conditions/kawasaki-disease.en.yaml",
        "conditions/_treatment.en.yaml",
        "conditions/_glossary.en.yaml",
        "styles/brands/lakeside-infusion/brand.css",
        "styles/brands/lakeside-infusion/logo.svg",
        "<handouts>",
    ):
        assert name in inputs, name
    assert any(name.endswith("fit-tight.css") for name in inputs)
    assert any(name.startswith("font:") for name in inputs)
    # Another condition's file is not an input of this handout.
    assert "conditions/cidp.en.yaml" not in inputs
