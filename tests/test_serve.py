"""The preview server without a browser: who may connect, what may be served, the
form's protection, and the engine's debouncing and superseding of builds.

Requests a browser cannot make (from another address, with another Host, without the
form's token) go through Starlette's TestClient, in this process: nothing listens.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from handouts.preview.access import COOKIE, Access
from handouts.preview.app import preview_app
from handouts.preview.engine import Preview, PreviewOptions
from tests.helpers import run

OUTSIDE = ("203.0.113.7", 50123)  # a documentation address: never this machine
HERE = ("127.0.0.1", 50124)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new project (``handouts init``): one condition, its two editions, a summary."""
    root = tmp_path_factory.mktemp("small") / "clinic"
    code, output = run(root, "init", str(root))
    assert code == 0, output
    return root


def _app(root: Path, tmp_path: Path, host: str = "127.0.0.1") -> tuple[Preview, TestClient]:
    preview = Preview(PreviewOptions(config=root / "handouts.toml", folder=tmp_path / "p"))
    token = None if host == "127.0.0.1" else "sesame-token"
    app = preview_app(preview, Access.for_host(host, token), watch=False)
    return preview, TestClient(app, base_url="http://127.0.0.1:8000", client=HERE)


def test_loopback_server_refuses_other_addresses_and_host_names(
    small: Path, tmp_path: Path
) -> None:
    _preview, client = _app(small, tmp_path)
    assert client.get("/").status_code == 200
    outsider = TestClient(client.app, base_url="http://127.0.0.1:8000", client=OUTSIDE)
    refused = outsider.get("/")
    assert refused.status_code == 403
    assert "this computer only" in refused.text
    # DNS rebinding: a page of another site whose name now points here.
    assert client.get("/", headers={"host": "attacker.example:8000"}).status_code == 403
    assert client.get("/", headers={"host": "localhost:8000"}).status_code == 200
    assert client.get("/", headers={"host": "[::1]:8000"}).status_code == 200


def test_any_other_host_needs_the_token_on_every_request(small: Path, tmp_path: Path) -> None:
    _preview, client = _app(small, tmp_path, host="0.0.0.0")
    for who in (client, TestClient(client.app, base_url="http://192.0.2.1:8000", client=OUTSIDE)):
        for path in ("/", "/desk", "/events", "/static/preview.css"):
            assert who.get(path).status_code == 403, path
    assert client.get("/", headers={"authorization": "Bearer wrong"}).status_code == 403
    assert client.get("/", headers={"authorization": "Bearer sesame-token"}).status_code == 200
    # The token in the address becomes a cookie, and the address loses it.
    first = client.get("/?token=sesame-token&brand=x", follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"] == "/?brand=x"
    assert "HttpOnly" in first.headers["set-cookie"]
    assert "SameSite=Strict" in first.headers["set-cookie"]
    assert client.cookies.get(COOKIE) == "sesame-token"
    assert client.get("/").status_code == 200


def test_only_catalogued_files_are_served(small: Path, tmp_path: Path) -> None:
    _preview, client = _app(small, tmp_path)
    secret = tmp_path / "p" / "secret.pdf"
    secret.write_bytes(b"%PDF-1.7 not for you")
    for path in (
        "/pdf/secret.pdf",
        "/pdf/..%2F..%2F..%2Fetc%2Fpasswd.pdf",
        "/img/..%2Fsecret.png",
        "/img/" + "0" * 32 + ".png",
        "/doc/..%2Fsecret",
        "/static/..%2F..%2Fapp.py",
        "/events?doc=../../etc/passwd",
    ):
        assert client.get(path).status_code == 404, path


def test_the_desk_form_needs_its_token_and_our_origin(small: Path, tmp_path: Path) -> None:
    preview, client = _app(small, tmp_path)
    not_loaded = client.get("/desk")
    assert 'name="csrf"' not in not_loaded.text  # no form before the project loads
    assert preview.load() is not None
    form = client.get("/desk").text
    assert 'name="csrf"' in form
    token = form.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    fields = {"name": "A", "prepared_by": "B", "prepared_on": "2027-01-01", "condition": "x"}
    assert client.post("/desk", data=fields).status_code == 403
    assert client.post("/desk", data={**fields, "csrf": "guess"}).status_code == 403
    cross = {"origin": "http://attacker.example", "sec-fetch-site": "cross-site"}
    assert client.post("/desk", data={**fields, "csrf": token}, headers=cross).status_code == 403
    # With the token: checked as the command line checks a row, field by field.
    answer = client.post("/desk", data={**fields, "csrf": token, "care_1_phone": "12"})
    assert answer.status_code == 422
    assert "care_1_name" in answer.text
    assert "is not a phone number" in answer.text
    assert answer.headers["cache-control"] == "no-store"


def test_the_log_holds_no_query_string_and_no_form(
    small: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _preview, client = _app(small, tmp_path)
    with caplog.at_level(logging.INFO, logger="handouts.serve"):
        client.get("/?brand=Private-Query")
        client.post("/desk", data={"name": "Private Person", "csrf": "x"})
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "GET / 200" in logged
    assert "POST /desk 403" in logged
    assert "Private" not in logged


def test_a_hostile_stylesheet_is_refused_as_build_refuses_it(small: Path, tmp_path: Path) -> None:
    brand_css = next((small / "styles" / "brands").glob("*/brand.css"))
    good = brand_css.read_text("utf-8")
    brand_css.write_text('@import url("file:///etc/passwd");\n' + good, "utf-8")
    try:
        preview = Preview(PreviewOptions(config=small / "handouts.toml", folder=tmp_path / "p"))
        assert preview.load() is None
        (entry,) = preview.problems
        assert "brand.css:1:" in entry.where
        assert "refused" in entry.message
        assert entry.lines[0].offending
        assert "file:///etc/passwd" in entry.lines[0].text
    finally:
        brand_css.write_text(good, "utf-8")


@pytest.fixture
def engine(small: Path, tmp_path: Path) -> Iterator[Preview]:
    options = PreviewOptions(config=small / "handouts.toml", editions=("standard",), workers=1)
    preview = Preview(replace(options, folder=tmp_path / "p"))  # a handout and a summary
    preview.start()
    assert preview.wait_idle(120)
    yield preview
    preview.stop()


def _purpose(preview: Preview, small: Path, text: str) -> None:
    source = small / "conditions" / "guillain-barre-syndrome.en.yaml"
    lines = source.read_text("utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("  purpose:"))
    lines[index] = f'  purpose: "{text}"\n'
    source.write_text("".join(lines), "utf-8")
    preview.changed([str(source)])


def _handout_text(preview: Preview) -> str:
    import pypdfium2 as pdfium

    doc = next(d for d in preview.documents() if d.job.kind == "handout")
    pdf = pdfium.PdfDocument(preview.folder / doc.job.output)
    try:
        return str(pdf[0].get_textpage().get_text_range())
    finally:
        pdf.close()


def test_a_burst_of_saves_is_one_build_and_a_save_supersedes_a_build(
    engine: Preview, small: Path
) -> None:
    before = engine.builds
    assert all(d.status == "ready" and d.images == [] and d.thumbnail for d in engine.documents())
    for n in range(5):  # an editor saving as you type
        _purpose(engine, small, f"Burst number {n} of the purpose.")
        time.sleep(0.01)
    time.sleep(0.2)
    assert engine.wait_idle(120)
    assert engine.builds == before + 1
    assert "Burst number 4" in _handout_text(engine)
    # A save while a build runs stops it: only the newer one finishes.
    _purpose(engine, small, "First of two saves.")
    deadline = time.monotonic() + 30
    while engine.state.get("state") != "building" and time.monotonic() < deadline:
        time.sleep(0.01)
    _purpose(engine, small, "Second of two saves.")
    time.sleep(0.2)
    assert engine.wait_idle(120)
    assert engine.builds == before + 2
    assert "Second of two saves" in _handout_text(engine)
    assert all(d.status == "ready" for d in engine.documents())
