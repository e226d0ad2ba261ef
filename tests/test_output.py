"""The output folder holds what the content says, and only what the build writes:
a failed or stopped rebuild removes the out-of-date file (and says so), the manifest
matches the disk, ``--out`` may not be a folder the project reads from, the clean-up
touches only our own temporary files, and folder problems read as plain words."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from handouts import output
from handouts.builder import BuildInterrupted, BuildOptions, BuildResult, build
from handouts.output import TEMP_NAME, OutputError, sha256_file, write_atomic
from handouts.project import load_project
from handouts.worker import Worker
from tests.conftest import BRAND
from tests.helpers import StandInRenderer, edit, run
from tests.test_batch import _too_long

KEEP = ("cidp", "kawasaki-disease")  # two conditions: a binder in a few seconds
EN = f"{BRAND}/en"


@pytest.fixture
def small_project(project_copy: Path) -> Path:
    """The project copy with two English conditions, so a binder builds quickly."""
    for path in (project_copy / "conditions").glob("*.en.yaml"):
        if not path.name.startswith("_") and path.name.split(".")[0] not in KEEP:
            path.unlink()
    return project_copy


def _manifest_matches_disk(out: Path) -> set[str]:
    """Every entry describes its file exactly, and every document on disk has one."""
    entries = json.loads((out / "manifest.json").read_text("utf-8"))["files"]
    for entry in entries:
        path = out / entry["path"]
        assert path.is_file(), entry["path"]
        assert sha256_file(path) == entry["sha256"], entry["path"]
    listed = {entry["path"] for entry in entries}
    on_disk = {str(p.relative_to(out)) for p in out.rglob("[!.]*.pdf")}
    assert on_disk == listed
    return listed


# ---- what is in output/ is what the content says ----


def test_a_failed_rebuild_removes_the_old_file_and_the_binder_that_held_it(
    small_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("build", "--brand", BRAND, "--binder")
    with monkeypatch.context() as stand_ins:  # the old files: any bytes will do
        StandInRenderer().install(stand_ins)
        code, said = run(small_project, *args)
    assert code == 0, said
    out = small_project / "output"
    assert (out / EN / "handout-cidp.pdf").is_file()
    assert (out / EN / "binder.pdf").is_file()

    _too_long(small_project, "cidp")  # the next cidp handout runs past two pages
    code, said = run(small_project, *args)
    assert code == 1
    handout, binder = f"{EN}/handout-cidp.pdf", f"{EN}/binder.pdf"
    assert f"{handout}: error: " in said
    assert f"the previous {out / handout} was removed" in said  # paths print as given
    assert f"{binder}: error: handout cidp:" in said  # the binder holds that handout
    summary = said.strip().splitlines()[-2]  # then "1 document failed"
    assert "2 out-of-date files removed" in summary
    assert "nothing was written" not in summary
    assert not (out / handout).exists()
    assert not (out / binder).exists()  # no old binder with the old cidp text
    assert _manifest_matches_disk(out) == {
        f"{EN}/handout-kawasaki-disease.pdf",
        f"{EN}/clinician-summary.pdf",
    }

    # Nothing left to remove the next time: the message says so.
    code, said = run(small_project, *args)
    assert code == 1
    assert f"{handout}: error: " in said
    assert "; nothing was written" in said
    assert "removed" not in said


def _interrupt_at(condition: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while ``condition``'s handout renders (in this process: --jobs 0)."""
    original = Worker._pdf

    def pressed(self: Worker, job):  # type: ignore[no-untyped-def]
        if job.condition == condition:
            raise KeyboardInterrupt
        return original(self, job)

    monkeypatch.setattr(Worker, "_pdf", pressed)


def test_a_stopped_build_keeps_current_files_removes_stale_ones_and_only_our_partials(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = load_project(project_copy / "handouts.toml")
    options = BuildOptions(brands=(BRAND,), conditions=KEEP, workers=0)
    out = project_copy / "output"
    assert len(build(project, options).built) == 2

    # Temporary files: ours in a folder the build writes, and others' that are not.
    ours = out / EN / ".partial-handouts-k2j9x_0a.pdf"
    foreign = [
        out / ".partial-notes.txt",  # another program's, in the output folder
        out / "archive" / ".partial-handouts-k2j9x_0a.pdf",  # a folder the build never writes
        out / EN / ".partial-draft.pdf",  # not our pattern
    ]
    for path in [ours, *foreign]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.7 half")

    # Ctrl-C during a forced rebuild: the file not rebuilt is still current, so it
    # stays, with its manifest entry.
    _interrupt_at("kawasaki-disease", monkeypatch)
    forced = BuildOptions(brands=(BRAND,), conditions=KEEP, workers=0, force=True)
    with pytest.raises(BuildInterrupted) as stop:
        build(project, forced)
    result: BuildResult = stop.value.result
    assert result.interrupted
    assert [o.job.condition for o in result.built] == ["cidp"]
    assert [job.condition for job in result.stopped] == ["kawasaki-disease"]
    assert result.removed == []
    assert _manifest_matches_disk(out) == {f"{EN}/handout-{cid}.pdf" for cid in KEEP}
    assert not ours.exists()
    assert all(path.exists() for path in foreign)

    # Ctrl-C after the shared text changed: the handout not rebuilt is out of date.
    edit(project_copy / "conditions/_treatment.en.yaml", "\n", "\n# edited\n")
    project = load_project(project_copy / "handouts.toml")
    with pytest.raises(BuildInterrupted) as stop:
        build(project, options)
    result = stop.value.result
    assert [job.output for job in result.removed_stopped] == [f"{EN}/handout-kawasaki-disease.pdf"]
    assert _manifest_matches_disk(out) == {f"{EN}/handout-cidp.pdf"}


# ---- output goes only where it belongs ----


@pytest.mark.parametrize(
    ("out", "why"),
    [
        (".", "is the project folder"),
        ("..", "holds the project folder"),
        ("/", "holds the project folder"),
        ("conditions", "is the content folder"),
        ("styles", "is the styles folder"),
        ("templates", "is the templates folder"),
        (f"styles/brands/{BRAND}", f"is the folder of brand '{BRAND}'"),
        ("styles/brands/x", "is inside the brands folder"),
        ("to-conditions", "is the content folder"),  # a symbolic link to it
    ],
)
def test_out_may_not_be_a_folder_the_project_reads(
    out: str, why: str, project_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project_copy / "to-conditions").symlink_to(project_copy / "conditions")
    before = sorted(project_copy.rglob("*"))
    monkeypatch.chdir(project_copy)
    code, said = run(project_copy, "build", "--brand", BRAND, "--condition", "cidp", "--out", out)
    assert code == 1
    assert said.startswith(f"--out {out}: the output folder {why}"), said
    assert len(said.strip().splitlines()) == 1, said
    assert sorted(project_copy.rglob("*")) == before  # nothing written, no lock file


def test_the_output_setting_is_checked_at_its_line(project_copy: Path) -> None:
    edit(project_copy / "handouts.toml", 'output = "output"', 'output = "styles"')
    code, said = run(project_copy, "build", "--brand", BRAND, "--condition", "cidp")
    assert code == 1
    assert 'handouts.toml:8:1: error: output = "styles": the output folder is the styles' in said
    assert not list((project_copy / "styles").rglob("*.pdf"))
    code, said = run(project_copy, "audit", "--no-pages", "--condition", "cidp")  # writes too
    assert code == 1
    assert 'output = "styles"' in said
    assert not (project_copy / "styles/audit.html").exists()


# ---- folder problems in plain words ----


def test_folder_problems_are_said_in_plain_words(project_copy: Path) -> None:
    out = project_copy / "output"
    args = ("build", "--brand", BRAND, "--condition", "cidp")
    (out / EN / "handout-cidp.pdf").mkdir(parents=True)
    code, said = run(project_copy, *args)
    assert (code, said.strip()) == (1, f"cannot write {out / EN}/handout-cidp.pdf: "
                                       "a folder has that name")  # fmt: skip

    (out / EN / "handout-cidp.pdf").rmdir()
    (out / EN).rmdir()
    (out / BRAND).rmdir()
    (out / BRAND).write_text("not a folder")
    code, said = run(project_copy, *args)
    assert (code, said.strip()) == (1, f"cannot create folder {out / BRAND}: a file has that name")

    (out / BRAND).unlink()
    out.rmdir()
    out.write_text("not a folder")
    code, said = run(project_copy, *args)
    assert (code, said.strip()) == (1, f"cannot create folder {out}: a file has that name")


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "no space left on device"),
        (errno.EACCES, "permission denied"),
        (errno.EROFS, "the file system is read-only"),
    ],
)
def test_a_failed_write_names_the_file_in_plain_words_and_leaves_no_partial(
    code: int, words: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    def failing_fsync(fd: int) -> None:
        seen.extend(p.name for p in tmp_path.iterdir())  # the temporary file, our name
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(output.os, "fsync", failing_fsync)
    target = tmp_path / "handout-cidp.pdf"
    with pytest.raises(OutputError) as error:
        write_atomic(target, b"%PDF")
    assert error.value.message == f"cannot write {target}: {words}"
    assert len(seen) == 1
    assert TEMP_NAME.match(seen[0]), seen
    assert list(tmp_path.iterdir()) == []  # neither the file nor its temporary copy
