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


def _times(output: str) -> str:
    return re.sub(r"\([\d.]+ s\)", "(t)", output)


def test_an_unchanged_project_is_answered_from_the_stamp_as_the_build_would_answer(
    project_copy: Path, stand_in: StandInRenderer, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, first = run(project_copy, *BUILD)
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
    assert run(project_copy, *BUILD)[0] == 0
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
