"""A build with nothing to do is answered from its stamp, before the project is loaded;
any change to what it read or wrote sends it back to the real build."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from handouts import stamp
from tests.helpers import StandInRenderer, edit, run

BUILD = ("build", "--brand", "northfield-neurology", "--only", "handouts")
NO_OP = re.compile(r"^built 0, (\d+) up to date: .* \([\d.]+ s\)$", re.M)


def _without_the_project(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading the project fails the test: the stamp must answer alone."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the project was loaded")

    monkeypatch.setattr("handouts.project.load_project", refuse)


def _settled(project: Path) -> Path:
    """The copy's files dated two seconds back: a file changed just before a build
    starts (as the copy was) is not stamped, lest the build read it mid-change."""
    for path in project.rglob("*"):
        then = path.stat().st_mtime_ns - 2 * 10**9
        os.utime(path, ns=(then, then))
    return project


def _times(output: str) -> str:
    return re.sub(r"\([\d.]+ s\)", "(t)", output)


def test_an_unchanged_project_is_answered_from_the_stamp_as_the_build_would_answer(
    project_copy: Path, stand_in: StandInRenderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, first = run(_settled(project_copy), *BUILD)
    assert code == 0
    assert "built 7:" in first
    code, real = run(project_copy, *BUILD, "--verbose")  # verbose: never from the stamp
    assert code == 0
    assert "built 0, 7 up to date" in real

    with monkeypatch.context() as patch:
        _without_the_project(patch)
        code, answered = run(project_copy, *BUILD)
        assert code == 0
        assert NO_OP.search(answered)
        assert "7 up to date" in answered
        # The same warnings and notes as the real no-op, before the same last line.
        real_lines = [line for line in real.splitlines() if not line.startswith("kept ")]
        assert _times("\n".join(real_lines)) == _times(answered.rstrip("\n"))

        # Touched (as a checkout does) but the same bytes: still nothing to do.
        condition = project_copy / "conditions" / "cidp.en.yaml"
        os.utime(condition, ns=(condition.stat().st_atime_ns, condition.stat().st_mtime_ns + 10**9))
        code, touched = run(project_copy, *BUILD)
        assert code == 0
        assert NO_OP.search(touched)

    # Other options are another command, with a stamp of its own.
    code, other = run(project_copy, *BUILD, "--paper", "a4")
    assert code == 0
    assert "built 7:" in other


@pytest.mark.parametrize("change", ["edited", "broken", "added", "output removed", "next day"])
def test_any_change_sends_the_build_back_to_the_real_one(
    project_copy: Path, stand_in: StandInRenderer, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    assert run(_settled(project_copy), *BUILD)[0] == 0
    conditions = project_copy / "conditions"
    if change == "edited":
        edit(conditions / "cidp.en.yaml", "It tells you", "It says")
    elif change == "broken":
        edit(conditions / "cidp.en.yaml", "name:", "name: [unclosed\nold:")
    elif change == "added":
        text = (conditions / "cidp.en.yaml").read_text("utf-8")
        (conditions / "cidp-two.en.yaml").write_text(text.replace("id: cidp", "id: cidp-two"))
    elif change == "output removed":
        (project_copy / "output" / "northfield-neurology" / "en" / "handout-cidp.pdf").unlink()
    else:
        monkeypatch.setattr(stamp, "today", lambda: dt.date.today() + dt.timedelta(days=1))
    loaded: list[bool] = []
    real_load = __import__("handouts.project", fromlist=["load_project"]).load_project

    def load(*args: object, **kwargs: object) -> object:
        loaded.append(True)
        return real_load(*args, **kwargs)

    monkeypatch.setattr("handouts.project.load_project", load)
    code, output = run(project_copy, *BUILD)
    assert loaded, output  # the real build ran
    if change == "broken":
        assert code != 0
        assert "cidp.en.yaml:" in output
    elif change == "next day":
        assert code == 0
        assert NO_OP.search(output)
    else:
        assert code == 0, output
        assert "built 1," in output  # that handout, the rest kept


def test_an_input_changed_while_the_build_ran_is_not_stamped(
    project_copy: Path, stand_in: StandInRenderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Edited after the build read it, before it finished: the next build must look."""
    condition = project_copy / "conditions" / "cidp.en.yaml"
    real = stamp.stamp_build

    def edited_meanwhile(*args: object) -> bool:
        edit(condition, "It tells you", "It says")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(stamp, "stamp_build", edited_meanwhile)
    assert run(_settled(project_copy), *BUILD)[0] == 0
    monkeypatch.setattr(stamp, "stamp_build", real)
    code, output = run(project_copy, *BUILD)
    assert code == 0
    assert "built 1," in output  # the edited handout, found by the real build
