"""Benchmark of ``handouts build`` against plain WeasyPrint, on one document set.

    python benchmarks/bench.py [--quick] [--jobs-all N] [--synthetic N] [--settle S] [--keep]

Everything runs on temporary copies of the bundled project (handouts.toml, conditions/,
templates/, styles/), so the repository's output/ is never touched except for the
result, output/benchmark.json. What each figure means: benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
# The tools of the interpreter running this script (make bench runs .venv/bin/python),
# so the benchmark measures the same install the tests do.
BIN = Path(sys.executable).parent
HANDOUTS = BIN / "handouts"
WEASYPRINT = BIN / "weasyprint"
RAW_SCRIPT = HERE / "raw_render.py"
RESULT = REPO / "output" / "benchmark.json"

PROJECT_PARTS = ("handouts.toml", "conditions", "templates", "styles")
PDF_VARIANT = "pdf/ua-1"  # what the CLI writes (handouts.toml, pdf_variant)
TOUCHED = "kawasaki-disease"  # the condition file the touch step edits
QUICK_BRAND = "maple-childrens"  # --quick builds this brand's standard edition only
SAMPLE_EVERY = 0.25  # seconds between memory samples of the synthetic build
BUSY_ELSEWHERE = 0.2  # cores used by other processes past which a step's timing is flagged
DEFAULT_SETTLE = 20.0  # seconds
NOOP_RUNS = 3  # a no-op build is short enough for noise to matter: median of these
MIB = 1024 * 1024
DEFAULT_SYNTHETIC = 2000
QUICK_SYNTHETIC = 200
CONDITIONS_PER_BRAND = 100  # synthetic batch: at most this many conditions per brand

# The CLI's last stdout line: "built 45, 3 up to date, 1 failed: /path (12.3 s)".
SUMMARY = re.compile(
    r"^built (?P<built>\d+)(?:, (?P<kept>\d+) up to date)?(?:, (?P<failed>\d+) failed)?"
    r": .* \((?P<seconds>[\d.]+) s\)$"
)
CONDITION_FILE = re.compile(r"^(?P<id>[a-z0-9]+(-[a-z0-9]+)*)\.en\.yaml$")

console = Console(highlight=False)
# Every command's environment: the harness's own per-user cache (parsed content, font
# instances, build stamps), set in main(), so a run starts from what it made itself.
ENV: dict[str, str] = {}


class BenchError(Exception):
    """A step that cannot go on: printed, then the harness exits with 1."""


# --- targets ---------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    key: str  # the ratio's key in benchmark.json
    label: str
    op: str  # ">=" or "<="
    limit: float
    unit: str  # how the value prints: "x" for ratios, "MB"
    note: str = ""

    def met(self, value: float) -> bool:
        return value >= self.limit if self.op == ">=" else value <= self.limit


TARGETS = (
    Target("naive_over_ours", "naive CLI per file / ours, all cores", ">=", 25.0, "x"),
    Target("ours_1_worker_over_raw", "ours, 1 worker / raw WeasyPrint, per doc", "<=", 1.15, "x"),
    Target(
        "ours_over_text_floor",
        "ours, 1 worker / the text floor, per doc",
        "<=",
        2.0,
        "x",
        "the worst brand",
    ),
    Target("ours_now_over_before", "ours now / before issue 17, per doc", "<=", 0.5, "x"),
    Target("speedup_all_cores", "speed-up, 1 worker -> all cores", ">=", 1.7, "x", "on 2 cores"),
    Target("noop_over_full", "no-op rebuild / full build", "<=", 0.03, "x"),
    Target("startup_s", "handouts --version, wall clock (median)", "<=", 0.15, "s"),
    Target("peak_rss_mb", "peak RSS of the synthetic batch (sum)", "<=", 500.0, "MB"),
    Target("packets_over_whole", "packets/s, render-once / whole", ">=", 5.0, "x"),
    Target("dask_over_local", "synthetic batch, local Dask cluster / local pool", "<=", 1.10, "x"),
    Target(
        "serve_save_to_image_s",
        "serve: condition saved -> new page image on screen (median)",
        "<=",
        2.0,
        "s",
    ),
)
PACKETS_SCRIPT = HERE / "packets.py"
SERVE_TEST = HERE.parent / "tests" / "test_serve_browser.py"  # measures in a real browser
PACKET_PATIENTS = 1000  # --quick: 100
# The commit before issue 17's first change (halving the cost of a document): the
# "before" of ours_now_over_before, built from a git worktree of it in the same run.
BEFORE_COMMIT = "2c7ca4c"
STARTUP_RUNS = 7
# The text floor: the same HTML with the project's stylesheets replaced by this plain
# one-column stylesheet and one static font (benchmarks/README.md).
FLOOR_CSS = """\
@font-face { font-family: "Floor"; src: url("{font}"); }
@page { size: letter; margin: 0.75in; }
body { font-family: "Floor"; font-size: 12pt; line-height: 1.4; }
h1 { font-size: 20pt; } h2 { font-size: 15pt; } h3 { font-size: 12pt; }
svg, img { width: 1in; height: auto; }
"""
FLOOR_FONT = "AtkinsonHyperlegible-Regular.ttf"  # static (no variation axes), in assets/
STYLESHEET_LINK = re.compile(r'<link rel="stylesheet"[^>]*>|<style\b.*?</style>', re.S)


# --- running commands ------------------------------------------------------------


@dataclass
class Ran:
    command: list[str]
    seconds: float  # wall clock around the whole process, start-up included
    stdout: str
    stderr: str
    elsewhere: float  # CPU seconds other processes on the machine used meanwhile


@dataclass
class Peaks:
    """Memory of a process tree, the highest seen across samples."""

    rss_sum: int = 0  # counts pages shared after fork once per process: an upper bound
    pss_sum: int = 0  # shares such pages out: the tree's real footprint
    parent_rss: int = 0
    worker_rss: int = 0  # largest single child process
    processes: int = 0  # most processes alive at once
    samples: int = 0
    pss_available: bool = True


def _sample(proc: psutil.Process, stop: threading.Event, peaks: Peaks) -> None:
    """Sum the tree's memory every SAMPLE_EVERY s until ``stop`` is set."""
    while not stop.is_set():
        try:
            tree = [proc, *proc.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        rss = pss = worker = parent = 0
        alive = 0
        for member in tree:
            try:
                info = member.memory_full_info()
            except psutil.NoSuchProcess:
                continue  # a worker recycled between listing and reading
            except psutil.AccessDenied:
                info = member.memory_info()
            alive += 1
            rss += info.rss
            member_pss = getattr(info, "pss", None)
            if member_pss is None:
                peaks.pss_available = False
                member_pss = info.rss
            pss += member_pss
            if member.pid == proc.pid:
                parent = info.rss
            else:
                worker = max(worker, info.rss)
        peaks.rss_sum = max(peaks.rss_sum, rss)
        peaks.pss_sum = max(peaks.pss_sum, pss)
        peaks.parent_rss = max(peaks.parent_rss, parent)
        peaks.worker_rss = max(peaks.worker_rss, worker)
        peaks.processes = max(peaks.processes, alive)
        peaks.samples += 1
        stop.wait(SAMPLE_EVERY)


def _busy_seconds() -> float:
    """CPU time the whole machine has spent busy (all cores, all processes)."""
    times = psutil.cpu_times()
    return sum(getattr(times, name, 0.0) for name in ("user", "nice", "system", "irq", "softirq"))


def _own_seconds() -> float:
    """CPU time of this process and of the children it has waited for (their workers
    included, once each CLI process has waited for its own)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def elsewhere_now(window: float = 1.0) -> float:
    """Cores other processes keep busy right now (nothing of ours runs meanwhile)."""
    busy, own = _busy_seconds(), _own_seconds()
    time.sleep(window)
    return max(0.0, (_busy_seconds() - busy) - (_own_seconds() - own)) / window


def settle(limit: float) -> None:
    """Before a step, wait up to ``limit`` seconds for the machine to go quiet, so a
    test run or a build beside the benchmark does not slow the step down."""
    if limit <= 0:
        return
    deadline = time.monotonic() + limit
    cores = elsewhere_now()
    if cores <= BUSY_ELSEWHERE:
        return
    console.print(f"      waiting up to {limit:.0f} s: other processes use {cores:.1f} cores")
    while time.monotonic() < deadline:
        cores = elsewhere_now()
        if cores <= BUSY_ELSEWHERE:
            return
    console.print(f"      [yellow]still busy ({cores:.1f} cores); measuring anyway[/]")


def run(
    command: Sequence[str | Path],
    peaks: Peaks | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> Ran:
    """Run a command to completion; a non-zero exit stops the benchmark.

    Output goes to temporary files, not pipes: nothing can block on a full pipe while
    the memory sampler runs, and stderr is not a terminal, so the CLI prints plain
    progress lines instead of drawing a bar.
    """
    args = [str(part) for part in command]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        # The machine may be shared (tests running beside the benchmark): what others
        # used of the CPU meanwhile says how far to trust the wall time.
        busy, own = _busy_seconds(), _own_seconds()
        started = time.perf_counter()
        proc = psutil.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=env or ENV or None,
            cwd=cwd,
        )
        sampler: threading.Thread | None = None
        stop = threading.Event()
        if peaks is not None:
            sampler = threading.Thread(target=_sample, args=(proc, stop, peaks), daemon=True)
            sampler.start()
        code = proc.wait()
        seconds = time.perf_counter() - started
        stop.set()
        if sampler is not None:
            sampler.join()
        elsewhere = max(0.0, (_busy_seconds() - busy) - (_own_seconds() - own))
        out.seek(0)
        err.seek(0)
        ran = Ran(args, seconds, out.read(), err.read(), elsewhere)
    if code != 0:
        raise BenchError(
            f"command failed with exit code {code}:\n  {shlex.join(args)}\n"
            + _tail("stderr", ran.stderr)
            + _tail("stdout", ran.stdout)
        )
    return ran


def _tail(name: str, text: str, lines: int = 25) -> str:
    kept = text.rstrip().splitlines()[-lines:]
    return f"--- last {len(kept)} lines of {name} ---\n" + "\n".join(kept) + "\n" if kept else ""


@dataclass
class Counts:
    built: int
    kept: int
    failed: int


def counts(ran: Ran) -> Counts:
    """The built / up-to-date / failed counts of the CLI's summary line."""
    lines = [line for line in ran.stdout.splitlines() if line.strip()]
    match = SUMMARY.match(lines[-1].strip()) if lines else None
    if match is None:
        raise BenchError(
            f"no summary line ('built N ...') at the end of the output of\n  "
            f"{shlex.join(ran.command)}\n" + _tail("stdout", ran.stdout)
        )
    return Counts(int(match["built"]), int(match["kept"] or 0), int(match["failed"] or 0))


def expect(ran: Ran, what: str, built: int, kept: int) -> Counts:
    found = counts(ran)
    if (found.built, found.kept, found.failed) != (built, kept, 0):
        raise BenchError(
            f"{what}: the CLI reported built {found.built}, {found.kept} up to date, "
            f"{found.failed} failed; expected built {built}, {kept} up to date, 0 failed\n"
            f"  {shlex.join(ran.command)}\n" + _tail("stdout", ran.stdout)
        )
    return found


# --- projects --------------------------------------------------------------------


def copy_project(target: Path, repo: Path = REPO) -> Path:
    """The bundled project (of ``repo``, a checkout) without binders: builds make exactly
    handouts and summaries, the documents plain WeasyPrint can be compared on (binders
    have no HTML form)."""
    target.mkdir(parents=True)
    for part in PROJECT_PARTS:
        source = repo / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    config = target / "handouts.toml"
    text = config.read_text()
    text, found = re.subn(r"(?m)^binder\s*=.*$", "binder = false  # benchmark", text)
    if not found:
        text += "\nbinder = false  # benchmark\n"
    # One language: the document set the figures in the README were measured on.
    text, found = re.subn(r"(?m)^languages\s*=.*$", 'languages = ["en"]  # benchmark', text)
    if not found:
        text += '\nlanguages = ["en"]  # benchmark\n'
    config.write_text(text)
    return config


def brand_names(project: Path) -> list[str]:
    brands = project / "styles" / "brands"
    return sorted(p.name for p in brands.iterdir() if (p / "brand.toml").is_file())


def condition_ids(project: Path) -> list[str]:
    folder = project / "conditions"
    return sorted(m["id"] for p in folder.iterdir() if (m := CONDITION_FILE.match(p.name)))


def split(total: int, least: int) -> tuple[int, int]:
    """Brands x conditions = total exactly, with at least ``least`` conditions: every
    source must stay cited by some condition, or validation fails. Preferred: at most
    CONDITIONS_PER_BRAND conditions, at least 3 brands like the bundled project, then
    the fewest brands (or, below 3, the most)."""
    pairs = [(b, total // b) for b in range(1, total + 1) if total % b == 0]
    usable = [(b, c) for b, c in pairs if c >= least]
    if not usable:
        raise BenchError(
            f"--synthetic {total}: the synthetic project needs at least {least} conditions "
            "(one copy of each, so every source stays cited); use a larger number"
        )
    return min(usable, key=lambda p: (p[1] > CONDITIONS_PER_BRAND, p[0] < 3, abs(p[0] - 3)))


def _set_key(text: str, key: str, value: str, path: Path) -> str:
    """Replace a top-level YAML key's line (``id:``, ``order:``)."""
    text, found = re.subn(rf"(?m)^{key}:.*$", f"{key}: {value}", text)
    if found != 1:
        raise BenchError(f"{path}: expected one top-level '{key}:' line, found {found}")
    return text


def make_synthetic(target: Path, total: int) -> tuple[Path, int, int]:
    """A copy of the project with ``total`` standard handouts: its brands copied under
    new names and its conditions repeated under new ids, each with a unique ``order``
    (the clinician summary sorts by it). Sources and the glossary are shared as they
    are, since the copies cite the same sources and use the same terms."""
    config = copy_project(target)
    brands, conditions = split(total, len(condition_ids(target)))

    originals = brand_names(target)
    folder = target / "styles" / "brands"
    names = [
        originals[i] if i < len(originals) else f"{originals[i % len(originals)]}-{i:02d}"
        for i in range(brands)
    ]
    for i in range(len(originals), brands):
        shutil.copytree(folder / originals[i % len(originals)], folder / names[i])
    for name in originals[brands:]:
        shutil.rmtree(folder / name)

    content = target / "conditions"
    sources = {cid: (content / f"{cid}.en.yaml").read_text() for cid in condition_ids(target)}
    for cid in sources:
        (content / f"{cid}.en.yaml").unlink()
    width = max(3, len(str(conditions)))
    for index in range(conditions):
        cid = list(sources)[index % len(sources)]
        new_id = f"{cid}-{index + 1:0{width}d}"
        path = content / f"{new_id}.en.yaml"
        text = _set_key(sources[cid], "id", new_id, path)
        path.write_text(_set_key(text, "order", str(index + 1), path))
    return config, brands, conditions


# --- measurements ----------------------------------------------------------------


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def per_doc_ms(seconds: float, documents: int) -> float:
    return 1000 * seconds / max(1, documents)


def spread(values: Sequence[float]) -> dict[str, float]:
    """Per-document milliseconds: the mean is what the ratios use, the rest shows
    whether a few documents (the summaries) dominate."""
    ms = [1000 * v for v in values]
    return {
        "mean_ms": statistics.fmean(ms),
        "median_ms": statistics.median(ms),
        "min_ms": min(ms),
        "max_ms": max(ms),
    }


def pdf_pages(path: Path) -> int | None:
    """Page count of a PDF, when pypdf (a dev dependency) is installed."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    return len(PdfReader(path).pages)


def page_check(ours_dir: Path, others: dict[str, Path], documents: list[str]) -> dict[str, Any]:
    """Documents whose page count differs between the CLI's PDF and a plain WeasyPrint
    render of its exported HTML: the comparison is only fair if they are the same
    documents. Not timed."""
    try:
        manifest = json.loads((ours_dir / "manifest.json").read_text())
        ours = {entry["path"]: entry["pages"] for entry in manifest["files"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return {"checked": 0, "mismatches": [f"no page counts in the manifest: {exc}"]}
    mismatches = []
    for relative in documents:
        pdf = str(Path(relative).with_suffix(".pdf"))
        for name, folder in others.items():
            pages = pdf_pages(folder / pdf)
            if pages is None:
                return {"checked": 0, "mismatches": [], "skipped": "pypdf is not installed"}
            if pages != ours.get(pdf):
                mismatches.append(f"{pdf}: {ours.get(pdf)} pages from the CLI, {pages} from {name}")
    return {"checked": len(documents), "against": list(others), "mismatches": mismatches}


def machine_info() -> dict[str, Any]:
    """Versions as the benchmarked install sees them, asked in a child process so a
    broken package fails as a checked step, not as an import error here."""
    probe = (
        "import json, sys, weasyprint, handouts\n"
        "from handouts.render import fast_subsetting\n"
        "print(json.dumps({'python': sys.version.split()[0],"
        " 'weasyprint': weasyprint.__version__, 'handouts': handouts.__version__,"
        " 'fast_subsetting': fast_subsetting()}))\n"
    )
    versions = json.loads(run([sys.executable, "-c", probe]).stdout)
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        **versions,
        "cpu_count": os.cpu_count(),
        "cores_available": len(os.sched_getaffinity(0)),
        "cpu_model": model,
        "memory_total_mb": round(psutil.virtual_memory().total / MIB),
        "platform": platform.platform(),
        **_git(),
    }


def _git() -> dict[str, Any]:
    """Which code was measured: the commit, and whether the tree had local changes."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {"git_commit": None, "git_dirty": None}
    return {"git_commit": commit, "git_dirty": bool(status.strip())}


@dataclass
class Bench:
    quick: bool
    cores: int
    synthetic: int
    work: Path
    settle: float = 0.0  # seconds to wait for a quiet machine before each step
    steps: int = 15
    step: int = 0
    figures: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # CLI findings that do not stop the run
    warnings: list[str] = field(default_factory=list)  # about the measurement, not the CLI
    elsewhere: dict[str, float] = field(default_factory=dict)  # step: cores used by others

    def say(self, text: str) -> None:
        self.step += 1
        console.print(f"[bold cyan][{self.step}/{self.steps}][/] {text}")
        settle(self.settle)

    def done(self, seconds: float, documents: int, extra: str = "") -> None:
        ms = per_doc_ms(seconds, documents)
        console.print(f"      {seconds:.2f} s, {documents} docs, {ms:.0f} ms/doc{extra}")

    def record(
        self,
        step: str,
        seconds: float,
        documents: int,
        runs: Sequence[Ran],
        note: str = "",
        **more: object,
    ) -> None:
        """Print and keep one timed way of rendering the documents, with how busy the
        rest of the machine was while it ran."""
        self.done(seconds, documents, note)
        self.interference(step, runs)
        self.figures[step] = {
            "seconds": seconds,
            "documents": documents,
            "per_document_ms": per_doc_ms(seconds, documents),
            **more,
        }

    def interference(self, step: str, runs: Sequence[Ran]) -> float:
        """Cores kept busy by other processes during a step, on average; flagged when
        high enough to inflate its timing."""
        wall = sum(ran.seconds for ran in runs)
        cores = sum(ran.elsewhere for ran in runs) / wall if wall > 0 else 0.0
        self.elsewhere[step] = round(cores, 3)
        if cores > BUSY_ELSEWHERE:
            message = (
                f"{step}: other processes kept {cores:.2f} of {os.cpu_count()} cores busy "
                "meanwhile; its time may be inflated"
            )
            self.warnings.append(message)
            console.print(f"      [yellow]warning:[/] {message}")
        return cores

    def handouts(self, config: Path, *args: str | Path) -> list[str | Path]:
        return [HANDOUTS, "-c", config, *args]

    def scope(self) -> list[str]:
        """The document set, spelled out rather than taken from handouts.toml."""
        if self.quick:
            return ["--brand", QUICK_BRAND, "--edition", "standard"]
        return ["--brand", "all", "--edition", "all"]

    def measure(self) -> dict[str, Any]:
        config = copy_project(self.work / "project")
        project = config.parent
        brands = [QUICK_BRAND] if self.quick else brand_names(project)
        editions = 1 if self.quick else 2
        conditions = condition_ids(project)
        # Handouts of every condition in every edition, and one summary per brand.
        documents = len(brands) * (len(conditions) * editions + 1)
        scope = self.scope()
        all_cores = ["--jobs", str(self.cores)]

        # 0. The HTML every other measurement renders (not timed as part of naive).
        self.say(f"exporting the HTML of {documents} documents (--format html)")
        html_dir = self.work / "html"
        ran = run(
            self.handouts(
                config, "build", "--format", "html", *all_cores, "--out", html_dir, *scope
            )
        )
        expect(ran, "HTML export", documents, 0)
        self.interference("html_export", [ran])
        html = sorted(str(p.relative_to(html_dir)) for p in html_dir.rglob("*.html"))
        html = [p for p in html if "/assets/" not in f"/{p}"]
        if len(html) != documents:
            raise BenchError(
                f"the HTML export reported {documents} documents but wrote {len(html)} "
                f"HTML files in {html_dir}"
            )
        self.done(ran.seconds, documents)
        self.figures["html_export"] = {"seconds": ran.seconds, "documents": documents}

        # 1. Naive: a new WeasyPrint process per document, one after another.
        self.say(f"naive: weasyprint CLI, one process per document ({documents} runs)")
        naive_dir = self.work / "naive"
        naive_runs: list[Ran] = []
        started = time.perf_counter()
        for relative in html:
            target = (naive_dir / relative).with_suffix(".pdf")
            target.parent.mkdir(parents=True, exist_ok=True)
            ran = run(
                [
                    WEASYPRINT,
                    "--pdf-variant",
                    PDF_VARIANT,
                    "--pdf-tags",
                    html_dir / relative,
                    target,
                ]
            )
            naive_runs.append(ran)
        naive = time.perf_counter() - started
        self.record(
            "naive", naive, documents, naive_runs, **spread([ran.seconds for ran in naive_runs])
        )

        # 2. Raw: plain WeasyPrint in one warm process, timed inside it.
        self.say("raw: plain WeasyPrint in one warm process")
        listing = html_dir / "raw-list.txt"
        listing.write_text("".join(f"{html_dir / p}\n" for p in html))
        raw_dir = self.work / "raw"
        ran = run([sys.executable, RAW_SCRIPT, listing, raw_dir])
        raw_out = json.loads(ran.stdout)
        raw = float(raw_out["seconds"])
        self.record(
            "raw",
            raw,
            documents,
            [ran],
            f" (warm-up {raw_out['warm_up_seconds']:.2f} s)",
            warm_up_seconds=raw_out["warm_up_seconds"],
            process_seconds=ran.seconds,
            **spread(list(raw_out["per_document_seconds"].values())),
        )

        # 2b. The text floor: the same HTML, a plain stylesheet and a static font.
        floor = self.text_floor(html_dir, html)

        # 3. Ours, one worker process, one brand at a time (the floor is per brand).
        self.say("ours: handouts build --jobs 1, each brand")
        one_runs = []
        ours_by_brand: dict[str, float] = {}
        for brand in brands:
            ran = run(
                self.handouts(
                    config,
                    "build",
                    "--jobs",
                    "1",
                    "--out",
                    self.work / "ours-1",
                    "--brand",
                    brand,
                    *scope[2:],
                )
            )
            brand_documents = sum(1 for p in html if p.startswith(f"{brand}/"))
            expect(ran, f"build --jobs 1 --brand {brand}", brand_documents, 0)
            one_runs.append(ran)
            ours_by_brand[brand] = per_doc_ms(ran.seconds, brand_documents)
        one = sum(ran.seconds for ran in one_runs)
        self.record("ours_1_worker", one, documents, one_runs, per_brand_ms=ours_by_brand)
        floor_ratios = {
            brand: ours_by_brand[brand] / floor[brand] for brand in brands if floor.get(brand)
        }
        self.figures["text_floor"]["ours_over_floor_by_brand"] = floor_ratios

        # 3b. The same documents built by the code before issue 17, one worker.
        before = self.before(documents, scope)

        # 4. Ours, every core.
        self.say(f"ours: handouts build --jobs {self.cores}")
        ours_dir = self.work / "ours-all"
        full_command = self.handouts(config, "build", *all_cores, "--out", ours_dir, *scope)
        ran = run(full_command)
        expect(ran, f"build --jobs {self.cores}", documents, 0)
        full = ran.seconds
        self.record("ours_all_cores", full, documents, [ran], jobs=self.cores)
        pages = page_check(ours_dir, {"naive": naive_dir, "raw": raw_dir}, html)
        self.figures["page_check"] = pages
        self.problems += pages["mismatches"]

        # 5. No-op: the same command on the same folder; nothing changed.
        self.say(f"no-op rebuild: the same command again ({NOOP_RUNS} runs, median)")
        noop_runs = []
        for _ in range(NOOP_RUNS):
            ran = run(full_command)
            expect(ran, "no-op rebuild", 0, documents)
            noop_runs.append(ran)
        noops = [ran.seconds for ran in noop_runs]
        noop = statistics.median(noops)
        console.print(f"      {noop:.2f} s (runs: {', '.join(f'{s:.2f}' for s in noops)})")
        self.interference("noop", noop_runs)
        self.figures["noop"] = {"seconds": noop, "runs_seconds": noops, "documents": documents}

        # 6. One condition edited: its handouts and every summary (which lists it).
        self.say(f"touch one condition ({TOUCHED}), rebuild")
        touched = project / "conditions" / f"{TOUCHED}.en.yaml"
        if not touched.is_file():
            raise BenchError(f"{touched.name} is not in the bundled project: set TOUCHED")
        with touched.open("a") as stream:
            stream.write("# benchmark: touched\n")
        ran = run(full_command)
        rebuilt = counts(ran)
        self.interference("touch_one_condition", [ran])
        expected = len(brands) * editions + len(brands)
        self.done(ran.seconds, rebuilt.built)
        if (rebuilt.built, rebuilt.kept) != (expected, documents - expected):
            self.problems.append(
                f"touching {touched.name} rebuilt {rebuilt.built} and kept {rebuilt.kept}; "
                f"expected {expected} rebuilt (its {len(brands) * editions} handouts and "
                f"{len(brands)} summaries) and {documents - expected} kept"
            )
        self.figures["touch_one_condition"] = {
            "condition": TOUCHED,
            "seconds": ran.seconds,
            "rebuilt": rebuilt.built,
            "kept": rebuilt.kept,
            "expected_rebuilt": expected,
        }

        # 7. Start-up: the command's answer to --version.
        startup = self.startup()

        # 8. Memory over a long batch.
        self.figures["synthetic"] = self.synthetic_batch()

        # 9. Patient packets: render-once against whole, and one at the point of care.
        count = PACKET_PATIENTS // 10 if self.quick else PACKET_PATIENTS
        self.say(f"packets: {count} made-up patients, render-once and whole")
        ran = run([sys.executable, PACKETS_SCRIPT, str(count)])
        packets = json.loads(ran.stdout)
        self.interference("packets", [ran])
        console.print(
            f"      once {packets['once']['packets_per_second']:.2f}/s, whole "
            f"{packets['whole']['packets_per_second']:.2f}/s, one packet (--one) "
            f"{packets['one_packet_seconds']:.2f} s"
        )
        self.figures["packets"] = packets

        # 10. The preview server: a save to the new page image, in Chromium.
        serve = self.serve_latency()

        return {
            "naive_over_ours": naive / full,
            "ours_1_worker_over_raw": per_doc_ms(one, documents) / per_doc_ms(raw, documents),
            "ours_over_text_floor": max(floor_ratios.values()),
            "ours_over_text_floor_by_brand": floor_ratios,
            "ours_now_over_before": one / before if before else None,
            "startup_s": startup,
            "speedup_all_cores": one / full,
            "noop_over_full": noop / full,
            "peak_rss_mb": self.figures["synthetic"]["peak_rss_mb"],
            "peak_pss_mb": self.figures["synthetic"]["peak_pss_mb"],
            "peak_worker_rss_mb": self.figures["synthetic"]["peak_worker_rss_mb"],
            "documents": documents,
            "document_set": {
                "brands": brands,
                "conditions": len(conditions),
                "editions": ["standard"] if self.quick else ["standard", "large-print"],
                "handouts": len(brands) * len(conditions) * editions,
                "summaries": len(brands),
                "binders": 0,
            },
            "packets_over_whole": packets["packets_over_whole"],
            "dask_over_local": self.figures["dask"]["dask_over_local"],
            "serve_save_to_image_s": serve.get("condition_file_to_image", {}).get("median_s"),
            "serve_stylesheet_to_image_s": serve.get("shared_stylesheet_to_image", {}).get(
                "median_s"
            ),
            "touch_rebuilt": rebuilt.built,
            "touch_seconds": self.figures["touch_one_condition"]["seconds"],
        }

    def dask_over_local(self, config: Path, local_seconds: float) -> dict[str, Any]:
        """The synthetic batch again on a local Dask cluster with as many workers as the
        local pool had: what the engine costs, and what crosses the network."""
        self.say(f"synthetic batch on a local Dask cluster of {self.cores} workers")
        out = self.work / "synthetic-dask-out"
        ran = run(
            self.handouts(
                config, "build", "--only", "handouts", "--edition", "standard",
                "--brand", "all", "--jobs", str(self.cores), "--executor", "dask",
                "--out", out,
            )
        )  # fmt: skip
        expect(ran, "synthetic build on dask", self.synthetic, 0)
        self.interference("dask", [ran])
        self.done(ran.seconds, self.synthetic)
        found = re.search(r"([\d.]+) KB sent and ([\d.]+) KB returned a document", ran.stderr)
        local_out = self.work / "synthetic-out"
        differ = [
            str(path.relative_to(out))
            for path in sorted(out.rglob("*.pdf"))
            if _sha256(path) != _sha256(local_out / path.relative_to(out))
        ]
        if differ:
            self.problems.append(f"{len(differ)} PDFs differ between local and dask: {differ[:3]}")
        figure = {
            "documents": self.synthetic,
            "workers": self.cores,
            "local_seconds": local_seconds,
            "dask_seconds": ran.seconds,
            "dask_over_local": ran.seconds / local_seconds,
            "kb_sent_per_document": float(found[1]) if found else None,
            "kb_returned_per_document": float(found[2]) if found else None,
            "identical": not differ,
        }
        console.print(
            f"      dask {ran.seconds:.1f} s / local {local_seconds:.1f} s = "
            f"{figure['dask_over_local']:.2f}; {figure['kb_sent_per_document']} KB sent a "
            f"document; identical: {not differ}"
        )
        return figure

    def serve_latency(self) -> dict[str, Any]:
        """The browser test of ``handouts serve``, alone on the machine: the seconds from
        a save to the new page image on screen, for one handout's condition file and for
        a stylesheet every document reads (tests/test_serve_browser.py measures them)."""
        self.say("serve: save -> new page image in Chromium (tests/test_serve_browser.py)")
        timings = self.work / "serve-timings.json"
        timings.unlink(missing_ok=True)
        env = {**(ENV or os.environ), "HANDOUTS_SERVE_TIMINGS": str(timings)}
        command = [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider",
                   str(SERVE_TEST)]  # fmt: skip
        ran = run(command, env=env, cwd=REPO)
        self.interference("serve", [ran])
        found: dict[str, Any] = json.loads(timings.read_text()) if timings.exists() else {}
        if not found:
            self.problems.append(
                f"the browser test measured nothing: {_tail('pytest', ran.stdout)}"
            )
        for name, figure in found.items():
            console.print(f"      {name}: median {figure['median_s']:.2f} s of {figure['each_s']}")
        self.figures["serve"] = found
        return found

    def text_floor(self, html_dir: Path, html: list[str]) -> dict[str, float]:
        """Each exported document with its stylesheets replaced by FLOOR_CSS, rendered by
        plain WeasyPrint in one warm process: what the text alone costs. Per brand, in
        ms per document."""
        self.say("text floor: the same HTML, one plain stylesheet, one static font")
        font = next(html_dir.rglob(FLOOR_FONT), None)
        if font is None:
            raise BenchError(f"{FLOOR_FONT} is not among the exported assets in {html_dir}")
        css = html_dir / "floor.css"
        css.write_text(FLOOR_CSS.replace("{font}", font.resolve().as_uri()))
        link = f'<link rel="stylesheet" href="{css.resolve().as_uri()}">'
        floors = []
        for relative in html:
            source = html_dir / relative
            text = STYLESHEET_LINK.sub("", source.read_text("utf-8"))
            text = text.replace("</head>", f"{link}\n</head>", 1)
            target = source.with_name(source.stem + ".floor.html")  # beside it: same assets
            target.write_text(text, "utf-8")
            floors.append(target)
        listing = html_dir / "floor-list.txt"
        listing.write_text("".join(f"{p}\n" for p in floors))
        ran = run([sys.executable, RAW_SCRIPT, listing, self.work / "floor"])
        out = json.loads(ran.stdout)
        by_brand: dict[str, list[float]] = {}
        for relative, seconds in out["per_document_seconds"].items():
            by_brand.setdefault(relative.split("/", 1)[0], []).append(seconds)
        floor_ms = {brand: 1000 * statistics.mean(times) for brand, times in by_brand.items()}
        self.record("text_floor", float(out["seconds"]), len(floors), [ran], per_brand_ms=floor_ms)
        return floor_ms

    def before(self, documents: int, scope: list[str]) -> float | None:
        """Seconds the commit before issue 17 takes to build the same documents with one
        worker, from a git worktree of it (its own templates, styles and code; the
        installed libraries are this run's). None, with a warning, without git."""
        self.say(f"before: the same build by commit {BEFORE_COMMIT}, --jobs 1")
        tree = self.work / "before-tree"
        added = subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), BEFORE_COMMIT],
            capture_output=True,
            text=True,
        )
        if added.returncode != 0:
            message = f"no worktree of {BEFORE_COMMIT}: {added.stderr.strip()}"
            self.warnings.append(message)
            console.print(f"      [yellow]warning:[/] {message}")
            return None
        try:
            config = copy_project(self.work / "before-project", repo=tree)
            # Run from the worktree: "python -m" puts the working folder first on the
            # path, ahead of PYTHONPATH, so from this checkout it would import today's code.
            env = {**os.environ, **ENV, "PYTHONPATH": str(tree)}
            where = run([sys.executable, "-c", "import handouts; print(handouts.__file__)"],
                        env=env, cwd=tree)  # fmt: skip
            if not Path(where.stdout.strip()).is_relative_to(tree):
                raise BenchError(f"the before build would import {where.stdout.strip()}")
            command = [sys.executable, "-m", "handouts", "-c", config, "build", "--jobs", "1",
                       "--out", self.work / "before-out", *scope]  # fmt: skip
            ran = run(command, env=env, cwd=tree)
            expect(ran, f"build by {BEFORE_COMMIT}", documents, 0)
            self.record("before_1_worker", ran.seconds, documents, [ran], commit=BEFORE_COMMIT)
            return ran.seconds
        finally:
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)],
                capture_output=True,
            )

    def startup(self) -> float:
        """``handouts --version``, wall clock from process start to exit: the median of
        STARTUP_RUNS runs."""
        self.say(f"start-up: handouts --version ({STARTUP_RUNS} runs, median)")
        runs = [run([HANDOUTS, "--version"]) for _ in range(STARTUP_RUNS)]
        seconds = statistics.median(ran.seconds for ran in runs)
        each = ", ".join(f"{r.seconds:.3f}" for r in runs)
        console.print(f"      {seconds:.3f} s (runs: {each})")
        self.interference("startup", runs)
        self.figures["startup"] = {"seconds": seconds, "runs_seconds": [r.seconds for r in runs]}
        return seconds

    def synthetic_batch(self) -> dict[str, Any]:
        self.say(f"synthetic batch: validating a project of {self.synthetic} handouts")
        config, brands, conditions = make_synthetic(self.work / "synthetic", self.synthetic)
        ran = run(self.handouts(config, "validate"))
        warnings = [line for line in ran.stderr.splitlines() if line.strip()]
        console.print(
            f"      {brands} brands x {conditions} conditions; "
            f"{ran.stdout.strip().splitlines()[-1]}"
        )
        if warnings:
            console.print(f"      {len(warnings)} warning lines, first: {warnings[0]}")

        self.say(f"synthetic batch: building {self.synthetic} handouts, sampling memory")
        peaks = Peaks()
        ran = run(
            self.handouts(
                config,
                "build",
                "--only",
                "handouts",
                "--edition",
                "standard",
                "--brand",
                "all",
                "--jobs",
                str(self.cores),
                "--out",
                self.work / "synthetic-out",
            ),
            peaks,
        )
        expect(ran, "synthetic build", self.synthetic, 0)
        self.interference("synthetic", [ran])
        self.done(ran.seconds, self.synthetic)
        console.print(
            f"      peak RSS {peaks.rss_sum / MIB:.0f} MB (sum), PSS {peaks.pss_sum / MIB:.0f} MB,"
            f" largest worker {peaks.worker_rss / MIB:.0f} MB, {peaks.samples} samples"
        )
        self.figures["dask"] = self.dask_over_local(config, ran.seconds)
        return {
            "documents": self.synthetic,
            "brands": brands,
            "conditions": conditions,
            "seconds": ran.seconds,
            "documents_per_second": self.synthetic / ran.seconds,
            "per_document_ms": per_doc_ms(ran.seconds, self.synthetic),
            "jobs": self.cores,
            "peak_rss_mb": peaks.rss_sum / MIB,
            "peak_pss_mb": peaks.pss_sum / MIB,
            "pss_measured": peaks.pss_available,
            "peak_parent_rss_mb": peaks.parent_rss / MIB,
            "peak_worker_rss_mb": peaks.worker_rss / MIB,
            "max_processes": peaks.processes,
            "samples": peaks.samples,
            "sample_every_seconds": SAMPLE_EVERY,
            "validate_warning_lines": len(warnings),
        }


# --- report ----------------------------------------------------------------------


def judge(ratios: dict[str, Any], cores: int) -> dict[str, Any]:
    targets = {}
    for target in TARGETS:
        if ratios.get(target.key) is None:
            targets[target.key] = {"value": None, "target": f"{target.op} {target.limit:g}",
                                   "met": False, "note": "not measured"}  # fmt: skip
            continue
        value = float(ratios[target.key])
        targets[target.key] = {
            "value": value,
            "target": f"{target.op} {target.limit:g}",
            "met": target.met(value),
            **({"note": target.note} if target.note else {}),
        }
    if cores != 2:
        targets["speedup_all_cores"]["note"] = f"target is for 2 cores; measured on {cores}"
    return targets


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value:.3f} s"
    return f"{value:.0f} MB" if unit == "MB" else f"{value:.3g}x"


def print_report(result: dict[str, Any]) -> None:
    table = Table(title="handouts benchmark" + (" (--quick)" if result["quick"] else ""))
    for column in ("Measure", "Value", "Target", "Result"):
        table.add_column(column, justify="left" if column == "Measure" else "right")
    for target in TARGETS:
        judged = result["targets"][target.key]
        limit = f"{target.op} {_value(target.limit, target.unit)}"
        if judged.get("note"):
            limit += f" ({judged['note']})"
        table.add_row(
            target.label,
            _value(judged["value"], target.unit),
            limit,
            "[green]met[/]" if judged["met"] else "[red]missed[/]",
        )
    console.print(table)

    figures = result["figures"]
    detail = Table(title="Figures")
    for column in ("Step", "Docs", "Seconds", "ms/doc"):
        detail.add_column(column, justify="left" if column == "Step" else "right")
    rows = [
        ("HTML export (not timed in naive)", figures["html_export"]),
        ("naive: weasyprint CLI per file", figures["naive"]),
        ("raw: WeasyPrint, one warm process", figures["raw"]),
        ("text floor: plain stylesheet, static font", figures["text_floor"]),
        ("ours, 1 worker", figures["ours_1_worker"]),
        *(
            [(f"before ({BEFORE_COMMIT}), 1 worker", figures["before_1_worker"])]
            if "before_1_worker" in figures
            else []
        ),
        (f"ours, {result['cores']} workers", figures["ours_all_cores"]),
        ("no-op rebuild (median)", figures["noop"]),
    ]
    for name, figure in rows:
        docs = figure["documents"]
        ms = per_doc_ms(figure["seconds"], docs)
        detail.add_row(name, str(docs), f"{figure['seconds']:.2f}", f"{ms:.0f}")
    touch = figures["touch_one_condition"]
    detail.add_row(
        f"touch {touch['condition']}: rebuilt",
        f"{touch['rebuilt']}",
        f"{touch['seconds']:.2f}",
        f"{per_doc_ms(touch['seconds'], touch['rebuilt']):.0f}",
    )
    synthetic = figures["synthetic"]
    detail.add_row(
        f"synthetic batch ({synthetic['documents_per_second']:.1f} docs/s)",
        str(synthetic["documents"]),
        f"{synthetic['seconds']:.1f}",
        f"{synthetic['per_document_ms']:.0f}",
    )
    console.print(detail)
    floor = figures["text_floor"]
    console.print(
        "Per brand, ms/doc (ours 1 worker / text floor = ratio): "
        + "; ".join(
            f"{brand} {figures['ours_1_worker']['per_brand_ms'][brand]:.0f} / {ms:.0f} = "
            f"{floor['ours_over_floor_by_brand'].get(brand, float('nan')):.2f}x"
            for brand, ms in floor["per_brand_ms"].items()
        )
    )
    console.print(
        f"Peak memory of the synthetic batch: RSS {synthetic['peak_rss_mb']:.0f} MB summed,"
        f" PSS {synthetic['peak_pss_mb']:.0f} MB, largest worker"
        f" {synthetic['peak_worker_rss_mb']:.0f} MB,"
        f" parent {synthetic['peak_parent_rss_mb']:.0f} MB"
    )
    for problem in result["problems"]:
        console.print(f"[yellow]CLI problem:[/] {problem}")
    for warning in result["warnings"]:
        console.print(f"[yellow]warning:[/] {warning}")


def write_atomic(path: Path, data: dict[str, Any]) -> None:
    """Temp file and rename: a reader never sees half a result."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
    ) as stream:
        json.dump(data, stream, indent=2)
        stream.write("\n")
        stream.flush()
        os.fsync(stream.fileno())
    Path(stream.name).replace(path)  # os.replace: atomic on one file system


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke run: one brand's standard edition ({QUICK_BRAND}) and "
        f"{QUICK_SYNTHETIC} synthetic documents",
    )
    parser.add_argument(
        "--jobs-all",
        type=int,
        default=None,
        metavar="N",
        help="worker processes of the all-cores builds (default: the cores available)",
    )
    parser.add_argument(
        "--synthetic",
        type=int,
        default=None,
        metavar="N",
        help=f"documents in the memory batch (default {DEFAULT_SYNTHETIC}; "
        f"--quick: {QUICK_SYNTHETIC})",
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=DEFAULT_SETTLE,
        metavar="S",
        help="before each step, wait up to S seconds for other processes to leave the CPU "
        f"(default {DEFAULT_SETTLE:g}; 0: do not wait)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary folder, to look at the outputs"
    )
    args = parser.parse_args(argv)
    if args.jobs_all is not None and args.jobs_all < 1:
        parser.error("--jobs-all must be at least 1")
    if args.synthetic is not None and args.synthetic < 1:
        parser.error("--synthetic must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    cores = args.jobs_all or len(os.sched_getaffinity(0))
    synthetic = args.synthetic or (QUICK_SYNTHETIC if args.quick else DEFAULT_SYNTHETIC)
    for tool in (HANDOUTS, WEASYPRINT):
        if not tool.is_file():
            console.print(f"[red]error:[/] {tool} not found; run make setup")
            return 1

    started = time.perf_counter()
    load_at_start = [round(load, 2) for load in os.getloadavg()]
    work = Path(tempfile.mkdtemp(prefix="handouts-bench-"))
    ENV.update({**os.environ, "HANDOUTS_CACHE_DIR": str(work / "cache")})
    try:
        split(synthetic, len(condition_ids(REPO)))  # a bad --synthetic fails now, not last
        machine = machine_info()
        if not machine["fast_subsetting"]:
            console.print("[yellow]note:[/] fonts are subset with fontTools (slow path)")
        bench = Bench(
            quick=args.quick, cores=cores, synthetic=synthetic, work=work, settle=args.settle
        )
        ratios = bench.measure()
    except BenchError as exc:
        # Plain print: the tails of the CLI's output may hold brackets rich would parse.
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            console.print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    result: dict[str, Any] = {
        **ratios,
        "targets": judge(ratios, cores),
        "cores": cores,
        "quick": args.quick,
        "figures": bench.figures,
        "problems": bench.problems,
        "warnings": bench.warnings,
        "other_processes_cores": bench.elsewhere,
        "load_average_at_start": load_at_start,
        "settle_seconds": args.settle,
        "machine": machine,
        "commands": {
            "html_export": "handouts -c <project>/handouts.toml build --format html "
            f"--jobs {cores} --out <html> {shlex.join(bench.scope())}",
            "naive": f"weasyprint --pdf-variant {PDF_VARIANT} --pdf-tags <in>.html <out>.pdf",
            "raw": "python benchmarks/raw_render.py <list> <out>",
            "text_floor": "python benchmarks/raw_render.py <list of HTML with FLOOR_CSS> <out>",
            "before_1_worker": f"PYTHONPATH=<worktree of {BEFORE_COMMIT}> python -m handouts "
            "-c <its project>/handouts.toml build --jobs 1 --out <new> "
            + shlex.join(bench.scope()),
            "startup": "handouts --version",
            "ours_1_worker": "handouts -c <project>/handouts.toml build --jobs 1 --out <new> "
            "--brand <each brand> " + shlex.join(bench.scope()[2:]),
            "ours_all_cores": f"handouts -c <project>/handouts.toml build --jobs {cores} "
            f"--out <new> {shlex.join(bench.scope())}",
            "synthetic": "handouts -c <synthetic>/handouts.toml build --only handouts "
            f"--edition standard --brand all --jobs {cores} --out <new>",
        },
        "total_seconds": time.perf_counter() - started,
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    write_atomic(RESULT, result)
    print_report(result)
    console.print(f"wrote {RESULT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
