"""Loading is bounded: what a content or configuration file may be, how large, in which
encoding, and which YAML it may use. (The corpus runs each bad file through a build;
these tests pin the details: positions, limits and what is still accepted.)"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from handouts.content import word_count
from handouts.errors import ContentError
from handouts.project import load_project
from handouts.readers import InputError, load_yaml, read_input
from tests.conftest import copy_project
from tests.corpus import BILLION_LAUGHS, long_section


def _refusal(path: Path, **limits: int) -> str:
    with pytest.raises(InputError) as caught:
        load_yaml(path, **limits)
    return str(caught.value.problem)


def test_a_billion_laughs_file_is_refused_at_its_first_anchor(tmp_path: Path) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_text(BILLION_LAUGHS, "utf-8")
    assert _refusal(path) == (
        f"{path}:3:7: error: anchor &a0 refused; content files do not use anchors, "
        "aliases or merge keys: write the text out"
    )


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ("a: 1\nb: *a\n", "2:4", "alias *a"),
        ("a: 1\nb:\n  <<: {c: 2}\n", "3:3", "merge key <<"),
        ("a: 1\nb:\n  !!merge <<: {c: 2}\n", "3:3", "merge key <<"),
    ],
)
def test_aliases_and_merge_keys_are_refused_where_they_stand(
    text: str, where: str, what: str, tmp_path: Path
) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(text, "utf-8")
    assert _refusal(path).startswith(f"{path}:{where}: error: {what} refused;")


def test_text_that_looks_like_yaml_syntax_is_still_text(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text('a: "<<"\n"<<": "*a &b"\nc: "use & and * freely"\n', "utf-8")
    assert load_yaml(path).data == {"a": "<<", "<<": "*a &b", "c": "use & and * freely"}


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    os.mkfifo(path)
    assert _refusal(path) == (
        f"{path}: error: not a regular file: a named pipe (FIFO); content and settings "
        "are read only from files"
    )


def test_a_link_to_a_regular_file_is_read(tmp_path: Path) -> None:
    (tmp_path / "real.yaml").write_text("a: 1\n", "utf-8")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "real.yaml")
    assert load_yaml(tmp_path / "link.yaml").data == {"a": 1}


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux /proc")
def test_a_file_longer_than_its_stat_says_is_cut_at_the_cap(tmp_path: Path) -> None:
    # /proc files are regular and say they are empty: only a bounded read stops them,
    # as it stops a file that grows between the check and the read.
    link = tmp_path / "maps.yaml"
    link.symlink_to("/proc/self/maps")
    assert Path("/proc/self/maps").stat().st_size == 0
    with pytest.raises(InputError) as caught:
        read_input(link, max_kb=1)
    assert "the file is more than 1 KB; content and configuration files may be at most " in str(
        caught.value.problem
    )


def test_not_utf8_names_the_column_in_characters(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes("a: 1\nb: café ".encode() + b"\x92s\n")  # a Windows-1252 apostrophe
    assert _refusal(path) == (
        f"{path}:2:9: error: the file is not UTF-8: byte 0x92 ('\u2019' in Windows-1252) cannot "
        "be read; it is probably in Windows-1252 or Latin-1: save it again as UTF-8"
    )


def test_a_byte_order_mark_is_accepted_in_content_and_settings(project_copy: Path) -> None:
    bom = b"\xef\xbb\xbf"
    for name in ("conditions/cidp.en.yaml", "handouts.toml",
                 "styles/brands/maple-childrens/brand.toml"):  # fmt: skip
        path = project_copy / name
        path.write_bytes(bom + path.read_bytes())
    project = load_project(project_copy / "handouts.toml")
    assert project.conditions[("en", "cidp")].short_name == "CIDP"
    assert "maple-childrens" in project.brands
    # Positions are those an editor shows: the mark is not a character of line 1.
    assert project.documents[project_copy / "conditions/cidp.en.yaml"].locate(("id",)).line == 4


def test_word_count_bounds_text_written_without_spaces() -> None:
    assert word_count("IVIG calms the immune attack on your nerves.") == 8
    assert word_count("Immunoglobulin") == 1  # a long word is still one word
    assert word_count("静" * 100) == 5  # 20 characters without a space count one word


def test_the_section_cap_is_a_setting(tmp_path: Path) -> None:
    root = copy_project(tmp_path, languages='["en"]', max_section_words="2000")
    long_section("conditions/cidp.en.yaml", 10 * 1024)(root)  # about 1200 words
    project = load_project(root / "handouts.toml")
    assert len(project.conditions[("en", "cidp")].about_condition) > 100
    config = root / "handouts.toml"
    config.write_text(config.read_text("utf-8").replace("max_section_words = 2000", ""))
    with pytest.raises(ContentError) as caught:
        load_project(config)
    (problem,) = caught.value.problems
    assert str(problem.location).endswith("cidp.en.yaml:20:3")
    assert problem.message.startswith("patient.about_condition has ")
    assert problem.message.endswith(
        " words; a text or list of items may have at most 400 (max_section_words in handouts.toml)"
    )


def test_the_size_cap_is_a_setting(tmp_path: Path) -> None:
    root = copy_project(tmp_path, languages='["en"]', max_input_kb="1")
    with pytest.raises(ContentError) as caught:
        load_project(root / "handouts.toml")
    messages = {p.location.path.name: p.message for p in caught.value.problems}
    size = (root / "conditions" / "cidp.en.yaml").stat().st_size
    assert messages["cidp.en.yaml"] == (
        f"the file is {size / 1024:.0f} KB; content and configuration files may be at most "
        "1 KB (max_input_kb in handouts.toml)"
    )
    assert messages["_treatment.en.yaml"].startswith("the file is 5 KB;")


def test_a_file_parsed_before_reads_from_the_cache_and_errors_are_never_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handouts import cache, readers

    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    path = tmp_path / "a.yaml"
    path.write_text("title: Hello\nitems:\n  - one\n  - 2\n", "utf-8")
    first = load_yaml(path)
    parses: list[str] = []
    real = readers._yaml
    monkeypatch.setattr(readers, "_yaml", lambda: parses.append("parse") or real())
    # The same text in another file: same data, and positions that still locate it.
    other = tmp_path / "b.yaml"
    other.write_text(path.read_text("utf-8"), "utf-8")
    again = load_yaml(other)
    assert parses == []
    assert (again.data, again.positions) == (first.data, first.positions)
    assert str(again.locate(("items", 1))) == f"{other}:4:5"
    # A broken file is parsed (and reported) every time.
    path.write_text("title: [unclosed\n", "utf-8")
    for _ in range(2):
        with pytest.raises(InputError, match=r"a\.yaml:2:1: error: invalid YAML"):
            load_yaml(path)
    assert parses == ["parse", "parse"]
    # A damaged entry is a miss, not an error.
    for entry in (tmp_path / "cache").rglob("*.json"):
        entry.write_text("{not json", "utf-8")
    assert load_yaml(other).data == first.data
    assert parses == ["parse", "parse", "parse"]
