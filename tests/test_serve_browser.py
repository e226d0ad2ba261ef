"""`handouts serve` in a real browser: Debian's Chromium, driven by Playwright.

One server (a subprocess, as a user starts it) over a copy of the bundled project,
one browser, for the whole module: the index, a page that follows a saved file, an
error that stands in for the page and goes away, the print desk. The server listens
on loopback only; nothing reaches the internet.

Times from a save to the new image on screen are measured here and written where
``HANDOUTS_SERVE_TIMINGS`` says (``make bench`` reports them); they are never asserted.
``HANDOUTS_SCREENSHOTS`` (a folder) keeps the pictures the README shows.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

from handouts.jobs import BuildOptions
from handouts.plan import plan
from handouts.preview.documents import key_of
from handouts.project import load_project
from tests.conftest import copy_project
from tests.helpers import line_of, share_font_instances

BRAND = "lakeside-infusion"
SELECTION = ["--brand", BRAND, "--lang", "en", "--edition", "standard"]
CONDITION = "cidp"
DOC = f"{BRAND}/en/handout-{CONDITION}"
PATIENT = "Zephyrine Quillfeather"  # a name nothing else in the project contains
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# One worker process in the suite (the other core runs other tests); the benchmark
# (HANDOUTS_SERVE_TIMINGS) measures with the default, one per core.
# The suite checks a change and its undoing; the benchmark takes the median of three.
MEASURING = bool(os.environ.get("HANDOUTS_SERVE_TIMINGS"))
JOBS = [] if MEASURING else ["--jobs", "1"]
SAVES = ("That", "Your", "This") if MEASURING else ("That", "This")
WAIT_MS = 60_000  # for the first build of the project under a loaded machine


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("HANDOUTS_NO_BROWSER"):
            pytest.skip("HANDOUTS_NO_BROWSER is set and there is no chromium")
        pytest.fail("no chromium: make setup installs Debian's (scripts/setup-system.sh)")
    return found


class Server:
    def __init__(self, root: Path, cache: Path, log: Path) -> None:
        self.root, self.cache, self.log = root, cache, log
        self.tmp = cache / "tmp"  # the server's temporary folder, scanned with the rest
        self.tmp.mkdir()
        env = {**os.environ, "HANDOUTS_CACHE_DIR": str(cache), "TMPDIR": str(self.tmp)}
        # The run's font instances, linked: the cache holds nothing else of the
        # user's, and the scan of it below is a scan of what the server wrote.
        share_font_instances(cache)
        self.handle = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "handouts", "-c", str(root / "handouts.toml"), "serve",
             "--port", "0", *JOBS, *SELECTION],
            stdout=self.handle, stderr=subprocess.STDOUT, env=env, cwd=root,
        )  # fmt: skip
        self.url = self._address()

    def _address(self) -> str:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            found = re.search(r"http://127\.0\.0\.1:\d+/", self.log.read_text("utf-8"))
            if found:
                return found[0]
            if self.process.poll() is not None:
                raise AssertionError(f"the server stopped: {self.log.read_text('utf-8')}")
            time.sleep(0.05)
        raise AssertionError("the server printed no address")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.handle.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = copy_project(
        tmp_path_factory.mktemp("project"), binder="false", stylesheets='["ward.css"]'
    )
    # One condition of the seven: the same paths at a fraction of the rendering. The
    # pictures for the README show the whole set.
    for path in (root / "conditions").glob("*.yaml"):
        keep = ("_", CONDITION)
        if not (path.name.startswith(keep) or os.environ.get("HANDOUTS_SCREENSHOTS")):
            path.unlink()
    # The clinic's own stylesheet, applied after every brand's: read by every document.
    (root / "ward.css").write_text("/* ward 4 */\n", "utf-8")
    cache = tmp_path_factory.mktemp("cache")
    running = Server(root, cache, tmp_path_factory.mktemp("log") / "server.log")
    yield running
    running.stop()
    print(running.log.read_text("utf-8", errors="replace"))  # shown when a test failed


@pytest.fixture(scope="module")
def browser(server: Server) -> Iterator[Browser]:
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    opened = context.new_page()
    yield opened
    context.close()


def _ready(page: Page) -> None:
    page.wait_for_selector("#status.status-ready", timeout=WAIT_MS)


def _shot(page: Page, name: str) -> None:
    folder = os.environ.get("HANDOUTS_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name))


def _timing(name: str, seconds: list[float]) -> None:
    target = os.environ.get("HANDOUTS_SERVE_TIMINGS")
    if not target:
        return
    path = Path(target)
    found = json.loads(path.read_text("utf-8")) if path.exists() else {}
    found[name] = {"median_s": statistics.median(seconds), "each_s": seconds}
    path.write_text(json.dumps(found, indent=2), "utf-8")


def _first_image(page: Page) -> str:
    return str(page.get_attribute("#pages img.page", "data-name"))


def _image_names(page: Page) -> list[str]:
    return list(page.eval_on_selector_all("#pages img.page", "i => i.map(x => x.dataset.name)"))


def _save_and_time(page: Page, path: Path, text: str) -> float:
    """Save ``text`` as ``path``; seconds until page 1's new image is drawn."""
    before = _first_image(page)
    started = time.monotonic()
    path.write_text(text, "utf-8")
    page.wait_for_function(
        """old => { const img = document.querySelector('#pages img.page');
                    return img && img.dataset.name !== old && img.complete && img.naturalWidth > 0
                           && !img.hidden; }""",
        arg=before, timeout=WAIT_MS, polling="raf",
    )  # fmt: skip
    return time.monotonic() - started


def test_the_index_lists_every_document(server: Server, page: Page) -> None:
    project = load_project(server.root / "handouts.toml")
    options = BuildOptions(brands=(BRAND,), languages=("en",), editions=("standard",))
    expected = {key_of(job) for job in plan(project, options)}
    page.goto(server.url)
    _ready(page)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.card img')].every(i => i.complete && i.naturalWidth)"
    )
    keys = page.eval_on_selector_all(".card", "cards => cards.map(c => c.dataset.key)")
    assert set(keys) == expected
    assert len(keys) == len(expected)
    thumbs = page.eval_on_selector_all(".card .thumb img", "i => i.length")
    assert thumbs == len(expected)
    _shot(page, "preview-index.png")


def test_a_saved_condition_file_changes_the_open_page(server: Server, page: Page) -> None:
    page.goto(server.url + "doc/" + DOC)
    _ready(page)
    page.wait_for_selector("#pages img.page")
    page.evaluate("window.notReloaded = true")
    source = server.root / "conditions" / f"{CONDITION}.en.yaml"
    seconds = []
    good = source.read_text("utf-8")
    assert "This handout is for" in good
    names = _image_names(page)
    # One word on page 1, as wide as the one it replaces, then back: page 1's image
    # changes each time, page 2's is never sent again.
    for word in SAVES:
        changed = good.replace("This handout is for", f"{word} handout is for", 1)
        seconds.append(_save_and_time(page, source, changed))
        pdf = page.request.get(server.url + f"pdf/{DOC}.pdf").body()
        assert f"{word} handout is for" in _page_text(pdf, 0)
        now = _image_names(page)
        assert now[0] != names[0]
        assert now[1:] == names[1:]
        names = now
        _ready(page)  # the rest of the project too, before the next save
    assert page.evaluate("window.notReloaded") is True
    assert len(names) == len(set(names)) >= 2
    _timing("condition_file_to_image", seconds)
    _shot(page, "preview-document.png")


def test_a_broken_file_shows_its_error_until_it_is_fixed(server: Server, page: Page) -> None:
    page.goto(server.url + "doc/" + DOC)
    _ready(page)
    source = server.root / "conditions" / f"{CONDITION}.en.yaml"
    good = source.read_text("utf-8")
    line = line_of(source, "  purpose:")
    source.write_text(good.replace("  purpose:", "  purpose: : [", 1), "utf-8")
    page.wait_for_selector(".error-card", timeout=WAIT_MS)
    text = page.inner_text(".error-card")
    assert f"conditions/{CONDITION}.en.yaml:{line}" in text
    assert "purpose: : [" in page.inner_text(".error-card .offending")
    assert page.is_hidden("#pages img.page")
    _shot(page, "preview-error.png")
    source.write_text(good, "utf-8")
    page.wait_for_selector(".error-card", state="detached", timeout=WAIT_MS)
    page.wait_for_selector("#pages img.page", state="visible")


def test_a_shared_stylesheet_changes_the_open_page_first(server: Server, page: Page) -> None:
    page.goto(server.url + "doc/" + DOC)
    _ready(page)
    sheet = server.root / "ward.css"
    good = sheet.read_text("utf-8")
    seconds = []
    for spacing in ("0.3em",):  # one save: every document is rebuilt after it
        # Every document reads it: the open one is rebuilt first.
        changed = good + f"\nh1 {{ word-spacing: {spacing}; }}\n"
        seconds.append(_save_and_time(page, sheet, changed))
    sheet.write_text(good, "utf-8")
    _timing("shared_stylesheet_to_image", seconds)


def test_the_print_desk_returns_the_packet_and_keeps_no_trace(server: Server, page: Page) -> None:
    page.goto(server.url + "desk")
    page.select_option("#f-condition", CONDITION)
    page.select_option("#f-brand", BRAND)
    page.fill("#f-name", PATIENT)
    page.fill("#f-appointment_1_date", "2027-01-12")
    page.fill("#f-appointment_1_time", "09:30")
    page.fill("#f-care_1_name", "Infusion nurse line")
    page.fill("#f-care_1_phone", "(555) 555-0100")
    page.fill("#f-prepared_by", "RN Test")
    # Chromium shows a PDF in its viewer: the response is kept on its way to it.
    answers = []

    def keep(route: Route) -> None:
        fetched = route.fetch()
        answers.append((fetched.status, fetched.headers, fetched.body()))
        route.fulfill(response=fetched)

    page.route("**/desk", keep)
    page.click("button.primary")
    page.wait_for_load_state()
    page.unroute("**/desk")
    status, headers, pdf = answers[-1]
    assert status == 200, pdf[:300]
    assert headers["content-type"] == "application/pdf"
    assert PATIENT not in headers.get("content-disposition", "")
    assert PATIENT in _page_text(pdf, 0)
    # No trace: not in what the server logged, nor anywhere in its cache and preview.
    time.sleep(0.2)
    for needle in (PATIENT, PATIENT.split()[1], "Quillfeather".lower()):
        assert needle not in server.log.read_text("utf-8", errors="replace")
        for path in server.cache.rglob("*"):
            if path.is_file() and not path.is_symlink():
                assert needle.encode() not in path.read_bytes(), path
    # The form went as a POST body: the address holds none of it.
    assert PATIENT.split()[0] not in page.url
    assert "name=" not in page.url
    # A refusal names the field, as the command line names the column.
    page.goto(server.url + "desk")
    page.fill("#f-name", PATIENT)
    page.fill("#f-prepared_by", "RN Test")
    page.fill("#f-care_1_name", "Nurse")
    page.fill("#f-care_1_phone", "12")
    page.click("button.primary")
    refusal = page.inner_text("#refusal")
    assert "care_1_phone" in refusal
    assert "is not a phone number" in refusal
    assert page.get_attribute("#f-care_1_phone", "aria-invalid") == "true"


def test_the_server_answers_loopback_names_only(server: Server, page: Page) -> None:
    refused = page.request.get(server.url, headers={"Host": "attacker.example"})
    assert refused.status == 403
    traversal = page.request.get(server.url + "pdf/..%2F..%2F..%2Fetc%2Fpasswd.pdf")
    assert traversal.status == 404


def _page_text(pdf: bytes, index: int) -> str:
    document = pdfium.PdfDocument(io.BytesIO(pdf))
    try:
        return str(document[index].get_textpage().get_text_range())
    finally:
        document.close()
