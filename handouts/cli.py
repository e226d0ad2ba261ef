"""Command line: parses options and calls the library. No pipeline logic lives here.

Only Click and the package's light modules (the shared vocabulary in jobs.py, the
error types) are imported at the top: each command imports what it runs when it runs,
so ``handouts --version`` and ``--help`` answer at once, and a no-op build never loads
the renderer, the content models or Rich.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from handouts import __version__
from handouts.errors import ContentError, HandoutsError, counted, display_path
from handouts.jobs import PDF_VARIANTS, BuildOptions, InitOptions, Kind

if TYPE_CHECKING:
    from rich.console import Console

    from handouts.builder import BuildResult
    from handouts.project import Project


class _Group(click.Group):
    """Turns unexpected exceptions into one line unless --debug asks for the traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            raise click.Abort() from None
        except BrokenPipeError:
            # The reader went away (``handouts list | head``): stop quietly, as a shell
            # tool does. Standard output goes to /dev/null, so that the interpreter's
            # last flush at exit cannot fail again and print a traceback.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise SystemExit(1) from None
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            raise HandoutsError(
                f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)"
            ) from exc


@contextlib.contextmanager
def _interrupts() -> Iterator[None]:
    """While a command writes (a build, an audit, font instances, a new project), Ctrl-C
    and SIGTERM (a service manager stopping the job, a CI timeout) raise
    KeyboardInterrupt, which the library answers by stopping its workers and leaving
    the output folder and its manifest in agreement; the command then ends with one
    "Aborted!". Before that, from the start of ``handouts`` (handouts/_entry.py)
    through the imports and the reading of the project, Ctrl-C ends the process at
    once with the same words: nothing has been written yet, and an interrupt raised
    inside an import is not one to recover from. Afterwards, what was there before
    comes back. The library never touches process-wide signals: it runs in
    any thread, where signal.signal() would raise, and so does a command (CliRunner in
    a thread) under a thread other than the main one, where this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {
        signum: signal.signal(signum, signal.default_int_handler)
        for signum in (signal.SIGINT, signal.SIGTERM)
        if signal.getsignal(signum) != signal.SIG_IGN  # ignored by the parent: stays so
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():
            if handler is not None:  # None: set outside Python, cannot be put back
                signal.signal(signum, handler)


def _scheduler_address(address: str | None, executor: str | None) -> str | None:
    """--scheduler, checked: an address Dask can dial, and only with the dask executor."""
    if address is None:
        return None
    from handouts.errors import OptionError

    if executor == "local":
        raise OptionError("--scheduler", "goes with --executor dask")
    if "://" not in address:
        address = f"tcp://{address}"
    return address


def _project(
    ctx: click.Context, *, stylesheets: Sequence[Path] = (), strict: bool | None = None
) -> Project:
    from handouts.project import load_project

    config = ctx.ensure_object(dict).get("config")
    project = load_project(config, stylesheets=stylesheets, strict=strict or None)
    for warning in project.warnings:
        click.echo(str(warning), err=True)
    return project


def _store_config(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    """--config is the same option before the command and after it: either stores the
    file where every command finds it. Given in both places, the two must agree."""
    if value is None:
        return
    settings = ctx.ensure_object(dict)
    earlier = settings.get("config")
    if earlier is not None and Path(earlier).absolute() != value.absolute():
        raise click.BadParameter(f"given twice, as {earlier} and as {value}", ctx, param)
    settings["config"] = value


# Options several commands share, defined once.
_config = click.option(
    "--config",
    "-c",
    type=click.Path(path_type=Path, dir_okay=True),
    default=None,
    expose_value=False,
    callback=_store_config,
    help="Project configuration file or folder (default: ./handouts.toml); "
    "before or after the command.",
)
_brands = click.option(
    "--brand",
    "brands",
    multiple=True,
    metavar="NAME",
    help="Brand to build (repeatable, or 'all'; default from handouts.toml).",
)
_languages = click.option(
    "--lang",
    "languages",
    multiple=True,
    metavar="LANG",
    help="Language to build (repeatable, or 'all'; default from handouts.toml).",
)
_output = click.option(
    "--out",
    "output",
    type=click.Path(path_type=Path, file_okay=False),
    help="Output folder (default from handouts.toml, normally ./output).",
)
_stylesheets = click.option(
    "--stylesheet",
    "-s",
    "stylesheets",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="Your own CSS, applied after the brand's (repeatable), like WeasyPrint's -s.",
)


def _editions(help: str) -> Callable[[Any], Any]:
    return click.option(
        "--edition",
        "editions",
        multiple=True,
        type=click.Choice(["standard", "large-print", "all"]),
        help=help,
    )


_executor = click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default=None,
    help="Where documents render: local worker processes (default), or dask: a Dask "
    "cluster (--scheduler, else a local cluster of one worker per core).",
)
_scheduler = click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="The Dask scheduler for --executor dask, e.g. tcp://10.0.0.5:8786 (default "
    "from handouts.toml; none: a local cluster).",
)


_strict = click.option(
    "--strict",
    is_flag=True,
    default=None,
    help="Treat warnings (brand contrast, fonts, logo quality, reading level past the "
    "limit, PEMAT below the pass line, overdue reviews) as errors.",
)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@_config
@click.option("--debug", is_flag=True, help="Show full tracebacks for unexpected errors.")
@click.version_option(__version__, prog_name="handouts")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Build branded, print-ready patient handouts and a clinician summary
    from the content files of a project."""
    ctx.ensure_object(dict)["debug"] = debug


@cli.command("build")
@_config
@click.option(
    "--condition",
    "conditions",
    multiple=True,
    metavar="ID",
    help="Build only this condition (repeatable). The summary is built when no "
    "condition is singled out.",
)
@_brands
@_stylesheets
@_languages
@_output
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pdf", "html"]),
    default="pdf",
    show_default=True,
    help="pdf, or html: the exact HTML WeasyPrint renders, with its assets, "
    "for preview and debugging.",
)
@click.option(
    "--paper",
    type=click.Choice(["letter", "a4"]),
    default=None,
    help="Paper size (default from handouts.toml, normally letter).",
)
@_editions("Edition to build (repeatable; default from handouts.toml, normally standard).")
@click.option(
    "--large-print",
    is_flag=True,
    help="Build the large-print edition: body 18 pt, one column, at most 4 pages "
    "(same as --edition large-print).",
)
@click.option(
    "--pdf-variant",
    type=click.Choice(PDF_VARIANTS),
    default=None,
    help="PDF variant, always tagged: pdf/ua-1 (default), PDF/A for archives, pdf/x-3.",
)
@click.option(
    "--only",
    type=click.Choice(["handouts", "summary", "binder"]),
    default=None,
    help="Build only the handouts, the clinician summary or the binder.",
)
@click.option(
    "--binder",
    "with_binder",
    is_flag=True,
    help="Also build the binder: cover, contents, every handout and the summary in one PDF.",
)
@click.option(
    "--print-shop/--no-print-shop",
    default=None,
    help="3 mm bleed, crop marks and PDF/X-3, into a print-shop/ folder.",
)
@click.option(
    "--jobs",
    "-j",
    "workers",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="Worker processes (default: one per core; 0 renders in this process).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Rebuild every document, even those up to date with their inputs.",
)
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Say each file written, with its pages and how it was fitted.",
)
@click.option(
    "--fail-fast",
    is_flag=True,
    help="Stop at the first document that fails (default: build all the others).",
)
@_executor
@_scheduler
@_strict
@click.pass_context
def build_command(
    ctx: click.Context,
    conditions: tuple[str, ...],
    brands: tuple[str, ...],
    stylesheets: tuple[Path, ...],
    languages: tuple[str, ...],
    output: Path | None,
    fmt: str,
    paper: str | None,
    editions: tuple[str, ...],
    large_print: bool,
    pdf_variant: str | None,
    print_shop: bool | None,
    only: str | None,
    with_binder: bool,
    workers: int | None,
    force: bool,
    verbose: bool,
    fail_fast: bool,
    executor: str | None,
    scheduler: str | None,
    strict: bool | None,
) -> None:
    """Render handouts and the clinician summary into the output folder.

    Documents whose inputs have not changed since the last build (see
    output/manifest.json) are kept; --force rebuilds them."""
    started = time.monotonic()
    started_ns = time.time_ns()  # before any input is read (stamp.py)
    stamp_key = None
    if not force and not verbose:  # verbose says each file: that takes the build
        from handouts.stamp import fresh_stamp, stamp_key_of

        stamp_key = stamp_key_of(ctx.params, ctx.obj.get("config"))
        if (stamp := fresh_stamp(stamp_key)) is not None:
            for message in stamp.messages:
                click.echo(message, err=True)
            click.echo(stamp.summary_line(time.monotonic() - started))
            return
    project = _project(ctx, stylesheets=stylesheets, strict=strict)
    if large_print:
        editions = (*editions, "large-print")
    options = BuildOptions(
        conditions=conditions,
        brands=brands,
        languages=languages,
        editions=editions,
        output=output,
        format=fmt,  # type: ignore[arg-type]
        paper=paper,  # type: ignore[arg-type]
        pdf_variant=pdf_variant,
        print_shop=print_shop,
        kinds=_kinds(only, with_binder, project),
        workers=workers,
        force=force,
        fail_fast=fail_fast,
        executor=executor,  # type: ignore[arg-type]
        scheduler=_scheduler_address(scheduler, executor),
    )
    result = _run_build(project, options, verbose, started)
    if stamp_key is not None:
        from handouts.stamp import stamp_build

        stamp_build(stamp_key, project, result, started_ns)


def _run_build(
    project: Project, options: BuildOptions, verbose: bool = False, started: float | None = None
) -> BuildResult:
    """Build with a progress display, then report what was written and what failed."""
    from handouts.builder import BuildInterrupted, build
    from handouts.progress import Progress

    started = time.monotonic() if started is None else started
    try:
        with _interrupts(), Progress(verbose=verbose) as progress:
            result = build(
                project, options, on_start=progress.start, on_done=progress.done, on_fonts=progress
            )
    except BuildInterrupted as stop:  # what was built and removed, then "Aborted!"
        _report(stop.result, time.monotonic() - started, raise_on_failure=False)
        raise click.Abort() from None
    _report(result, time.monotonic() - started)
    return result


def _kinds(only: str | None, with_binder: bool, project: Project) -> tuple[Kind, ...] | None:
    if only:
        chosen: dict[str, tuple[Kind, ...]] = {
            "handouts": ("handout",),
            "summary": ("summary",),
            "binder": ("binder",),
        }
        return chosen[only]
    if with_binder:
        return ("handout", "summary", "binder")
    return None  # the project's settings


def _report(result: BuildResult, seconds: float, raise_on_failure: bool = True) -> None:
    from handouts.progress import summary_line

    for notice in result.notices:
        click.echo(f"note: {notice}", err=True)
    for outcome in result.built:
        for warning in dict.fromkeys(outcome.warnings):
            click.echo(f"{outcome.job.output}: warning: {warning}", err=True)
    for outcome in result.failed:
        click.echo(f"{outcome.job.output}: error: {outcome.error}", err=True)
    for job in result.removed_stopped:
        click.echo(
            f"{job.output}: not built, and its previous file was out of date: removed", err=True
        )
    click.echo(summary_line(result, seconds))
    failed = len(result.failed)
    if failed and raise_on_failure:
        raise HandoutsError(f"{counted(failed, 'document')} failed")


@cli.command("languages")
@_config
@click.pass_context
def languages_command(ctx: click.Context) -> None:
    """Each language: conditions translated, shared text, glossary, catalog
    completeness, stale translations and those that do not say what they translate
    (untracked), and whether it is built by default."""
    from rich import box
    from rich.table import Table

    from handouts.languages import language_rows

    project = _project(ctx)
    table = Table(box=box.SIMPLE_HEAD)
    for heading in ("lang", "language", "conditions", "shared text", "glossary", "catalog",
                    "stale", "untracked", "built", "ready"):  # fmt: skip
        table.add_column(heading)
    for row in language_rows(project):
        catalog = f"{row.catalog.translated}/{row.catalog.total}"
        if row.catalog.fuzzy:
            catalog += f" ({row.catalog.fuzzy} fuzzy)"
        table.add_row(
            row.lang,
            row.name,
            f"{row.conditions}/{row.of}",
            "yes" if row.shared_text else "no",
            "yes" if row.glossary else "no",
            catalog,
            str(row.stale),
            str(row.untracked),
            "yes" if row.built else "no",
            "yes" if row.ready else "no",
        )
    _console().print(table)


@cli.command("validate")
@_config
@_strict
@click.pass_context
def validate_command(ctx: click.Context, strict: bool | None) -> None:
    """Check all content, brands and configuration, and run the audit's checks, without
    rendering pages."""
    project = _project(ctx, strict=strict)
    from handouts.audit.run import audit_project  # loads textstat: only for this command

    report = audit_project(project, pages=False, strict=strict or None)
    problems = report.all_problems()
    if any(p.severity == "error" for p in problems):
        raise ContentError(problems)
    for problem in problems:
        click.echo(str(problem), err=True)
    conditions = len(project.conditions)
    warnings = len(project.warnings) + len(problems)
    click.echo(
        f"ok: {counted(conditions, 'condition file')}, "
        f"{len(project.treatments)} shared text file(s), {len(project.sources)} sources, "
        f"{len(project.brands)} brand(s)"
        + (f"; {counted(warnings, 'warning')}" if warnings else "")
    )


@cli.command("audit")
@_config
@click.option(
    "--condition",
    "conditions",
    multiple=True,
    metavar="ID",
    help="Audit only this condition (repeatable).",
)
@click.option(
    "--lang",
    "languages",
    multiple=True,
    metavar="LANG",
    help="Audit only this language (repeatable, or 'all'; the default).",
)
@click.option(
    "--brand",
    "brands",
    multiple=True,
    metavar="NAME",
    help="Brand whose layouts are counted (repeatable; default the brands built by default).",
)
@_output
@click.option("--pages/--no-pages", default=True, help="Lay out each handout to count pages.")
@click.option(
    "--markdown",
    is_flag=True,
    help="Print only the summary table, as Markdown (the README's audit table).",
)
@_strict
@click.pass_context
def audit_command(
    ctx: click.Context,
    conditions: tuple[str, ...],
    languages: tuple[str, ...],
    brands: tuple[str, ...],
    output: Path | None,
    pages: bool,
    markdown: bool,
    strict: bool | None,
) -> None:
    """Measure reading level, PEMAT-P items, length, review state, citations and terms;
    write audit.html and audit.json to the output folder."""
    project = _project(ctx, strict=strict)
    from handouts.audit.report import markdown_table, print_table, to_json, write_reports
    from handouts.audit.run import audit_project
    from handouts.destination import checked_output_folder

    with _interrupts():
        report = audit_project(
            project,
            languages=languages,
            conditions=conditions,
            brands=brands,
            pages=pages,
            strict=strict or None,
        )
    data = to_json(report)
    if markdown:
        click.echo(markdown_table(data), nl=False)
        return
    print_table(data, _console())
    problems = report.all_problems()
    for problem in problems:
        click.echo(str(problem), err=True)
    with _interrupts():
        written = write_reports(report, checked_output_folder(project, output))
    click.echo("wrote " + ", ".join(display_path(p) for p in written))
    errors = sum(p.severity == "error" for p in problems)
    if errors:
        raise HandoutsError(f"{counted(errors, 'error')} found by the audit")


@cli.command("list")
@_config
@click.pass_context
def list_command(ctx: click.Context) -> None:
    """Show the conditions, brands and languages of the project."""
    project = _project(ctx)
    settings = project.config.settings
    click.echo("Conditions:")
    for lang in project.languages():
        for cid in project.condition_ids(lang):
            c = project.conditions[(lang, cid)]
            click.echo(f"  {cid:<32} {lang}  {c.status:<8} {c.name}")
    click.echo("Brands:")
    for name, brand in sorted(project.brands.items()):
        mark = " (built by default)" if name in project.default_brands() else ""
        click.echo(f"  {name:<32} {brand.clinic.name}{mark}")
    click.echo("Languages:")
    for lang in project.languages():
        mark = " (built by default)" if lang in settings.languages else ""
        click.echo(f"  {lang}{mark}")


@cli.command("binder")
@_config
@_brands
@_languages
@_output
@_strict
@click.pass_context
def binder_command(
    ctx: click.Context,
    brands: tuple[str, ...],
    languages: tuple[str, ...],
    output: Path | None,
    strict: bool | None,
) -> None:
    """Write one binder PDF per brand and language: a cover, the contents with page
    numbers, every handout and the clinician summary, with bookmarks for each part.

    The same as 'handouts build --only binder'.
    """
    project = _project(ctx, strict=strict)
    options = BuildOptions(brands=brands, languages=languages, output=output, kinds=("binder",))
    _run_build(project, options, verbose=True)


@cli.command("fonts")
@_config
@click.option("--verbose", "-v", is_flag=True, help="Say each font instance made.")
@click.pass_context
def fonts_command(ctx: click.Context, verbose: bool) -> None:
    """Make the static instances of the variable fonts that the project's stylesheets
    use, ahead of a build.

    PDF has no variable fonts: each weight used is made once per machine and kept in
    the per-user cache (HANDOUTS_CACHE_DIR, if set), where every later build and its
    workers find it. A build makes those missing itself; this does it beforehand (a
    new machine, a CI image, after upgrading fontTools or a font).
    """
    from handouts.batch import default_workers
    from handouts.font_instances import font_cache_folder, prepare
    from handouts.progress import Progress

    project = _project(ctx)
    with _interrupts(), Progress(verbose=verbose) as progress:
        prepared = prepare(project, progress, workers=default_workers())
    made = f"{len(prepared.made)} made now" if prepared.made else "all made before"
    click.echo(
        f"{counted(len(prepared.instances), 'font instance')} ready in "
        f"{display_path(font_cache_folder())} ({made})"
    )


@cli.command("packets")
@_config
@click.argument("patients", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@click.option("--brand", default=None, metavar="NAME", help="Brand of rows that name none.")
@_output
@click.option(
    "--one",
    is_flag=True,
    help="One patient as a JSON object on standard input (PATIENTS is -), the PDF on "
    "standard output: for the point of care (| lp), nothing written to disk.",
)
@click.option(
    "--names",
    default="packet-{id}",
    show_default=True,
    metavar="PATTERN",
    help="File names: {row}, {id} (the packet_id column, else the row), {condition}, "
    "{lang}, {edition}; {name} and {first_appointment} only with --phi-in-names.",
)
@click.option(
    "--phi-in-names",
    is_flag=True,
    help="Allow a --names pattern that puts the patient's details in file names.",
)
@click.option(
    "--prepared-by",
    default=None,
    metavar="NAME",
    help="Who prepared the packets, for a FHIR Bundle (its resources do not say).",
)
@click.option(
    "--edition",
    type=click.Choice(["standard", "large-print"]),
    default="standard",
    show_default=True,
    help="The edition of a FHIR Bundle's packets (a CSV or JSON Lines row has its own).",
)
@click.option(
    "--prepared-on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The date the packets say they were prepared, for a FHIR Bundle (default: today).",
)
@_executor
@_scheduler
@click.pass_context
def packets_command(
    ctx: click.Context,
    patients: Path,
    brand: str | None,
    output: Path | None,
    one: bool,
    names: str,
    phi_in_names: bool,
    prepared_by: str | None,
    edition: str,
    prepared_on: Any,
    executor: str | None,
    scheduler: str | None,
) -> None:
    """One PDF per patient: "My IVIG plan" (appointments, medicine as prescribed, care
    team, a wallet card), then the handout of the patient's condition in their language
    and edition. PATIENTS is a CSV or JSON Lines file, or a FHIR R4 Bundle (.json; see
    the README).

    Files are named by row number or by the packet_id column, written readable by you
    only into packets/ of the output folder; nothing personal is printed or logged."""
    from handouts.errors import OptionError
    from handouts.packets import PacketMaker, PacketOutcome, check_name_pattern, make_packets
    from handouts.patients import patient_from, read_patients
    from handouts.readers import InputError

    if one != (str(patients) == "-"):
        raise click.BadParameter("--one reads standard input: give - as PATIENTS", ctx)
    try:
        personal = check_name_pattern(names, phi_in_names)
    except ValueError as error:
        raise OptionError("--names", str(error)) from None
    if personal:
        click.echo(
            "warning: --names puts "
            + " and ".join("{" + f + "}" for f in personal)
            + " in file names: anyone who can list the folder sees them",
            err=True,
        )
    project = _project(ctx)
    if one:
        import json

        from handouts.errors import Location

        try:
            data = json.loads(sys.stdin.read(1024 * 1024))
        except ValueError:
            raise HandoutsError("standard input: not a JSON object") from None
        row = patient_from(data, Location(Path("<stdin>")))
        if row.patient is None:
            raise ContentError(row.problems)
        from handouts.packets import PacketError

        try:
            pdf, _pages = PacketMaker(project, brand).pdf(row.patient)
        except PacketError as error:
            raise HandoutsError(f"<stdin>: {error}") from None
        sys.stdout.buffer.write(pdf)
        sys.stdout.buffer.flush()
        return
    try:
        if patients.suffix.lower() == ".json":  # a FHIR R4 Bundle
            import datetime as dt

            from handouts.fhir_patients import read_bundle
            from handouts.packets import condition_for

            if not prepared_by:
                raise click.BadParameter("a FHIR Bundle needs --prepared-by", ctx)
            day = prepared_on.date() if prepared_on else dt.date.today()
            rows = read_bundle(
                patients, lambda system, code: condition_for(project, code, system),
                prepared_by, day, edition=edition,
            )  # fmt: skip
        else:
            rows = read_patients(patients)
    except InputError as error:
        raise ContentError([error.problem]) from None
    folder = (output or project.config.output_dir) / "packets"
    started = time.monotonic()

    from handouts.progress import Progress

    with _interrupts(), Progress() as progress:
        progress.start(len(rows), "packets", "Packets")

        def said(outcome: PacketOutcome) -> None:
            for problem in outcome.problems:
                progress.say(str(problem))
            progress.tick(failed=bool(outcome.problems))

        where = BuildOptions(
            executor=executor,  # type: ignore[arg-type]
            scheduler=_scheduler_address(scheduler, executor),
        )
        outcomes = make_packets(
            project, rows, folder, brand, on_done=said, source=patients, names=names,
            options=where,
        )  # fmt: skip
    made = [o for o in outcomes if o.path is not None]
    skipped = len(outcomes) - len(made)
    line = f"made {counted(len(made), 'packet')}"
    if skipped:
        line += f", {counted(skipped, 'row')} skipped"
    click.echo(f"{line}: {display_path(folder)} ({time.monotonic() - started:.1f} s)")
    if skipped:
        raise HandoutsError(f"{counted(skipped, 'row')} not made into a packet")


@cli.command("serve")
@_config
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Any address but loopback needs the access token printed at start.",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
    help="Port (0: any free port).",
)  # fmt: skip
@_brands
@_languages
@_editions("Edition to preview (repeatable; default: all).")
@_stylesheets
@click.option(
    "--jobs", "-j", "workers", type=click.IntRange(min=0), default=None,
    help="Worker processes for rebuilds, as in build (default: one per core).",
)  # fmt: skip
@_strict
@click.pass_context
def serve_command(
    ctx: click.Context,
    host: str,
    port: int,
    brands: tuple[str, ...],
    languages: tuple[str, ...],
    editions: tuple[str, ...],
    stylesheets: tuple[Path, ...],
    workers: int | None,
    strict: bool | None,
) -> None:
    """Preview every document live while you edit, and print patient packets.

    Rebuilds what a saved file changes into a private preview folder (never the
    output folder) and updates every open page. The print desk (/desk) makes one
    patient's packet in memory. Listens on this computer only unless --host says
    otherwise; then every request needs the token printed at start.
    """
    from handouts.preview.engine import PreviewOptions
    from handouts.preview.server import ServeOptions, serve

    config = ctx.ensure_object(dict).get("config")
    preview = PreviewOptions(
        config=config, stylesheets=stylesheets, strict=strict,
        brands=brands or ("all",), languages=languages or ("all",),
        editions=editions or ("all",), workers=workers,
    )  # fmt: skip

    def announce(address: str) -> None:
        click.echo(f"Preview and print desk at {address}", err=True)
        click.echo("Rebuilds on every save; Ctrl-C to stop.", err=True)

    serve(preview, ServeOptions(host=host, port=port), announce=announce)


@cli.command("brands")
@_config
@_strict
@click.pass_context
def brands_command(ctx: click.Context, strict: bool | None) -> None:
    """List the brands with their clinic, colors, fonts and checks.

    A brand is a folder styles/brands/<name>/ with brand.toml, brand.css and a logo;
    copy one to add a brand. Contrast and font warnings are printed above the list.
    """
    from handouts.brand import brand_rows

    project = _project(ctx, strict=strict)
    by_brand: dict[str, int] = {}
    for warning in project.warnings:
        for name, brand in project.brands.items():
            if warning.location.path.is_relative_to(brand.folder):
                by_brand[name] = by_brand.get(name, 0) + 1
    for row in brand_rows(project.brands):
        count = by_brand.get(row.name, 0)
        checks = counted(count, "warning") if count else "checks passed"
        click.echo(f"{row.name}  ({checks})")
        click.echo(f"  clinic   {row.clinic}")
        click.echo(f"  phone    {row.phone}")
        click.echo(f"  colors   {row.colors}")
        click.echo(f"  fonts    {row.fonts}")
        click.echo(f"  logo     {row.logo}")
        click.echo(f"           {row.logo_shape}")
        click.echo(f"  online   {row.online or 'no online copies (no QR code)'}")


@cli.command("init")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--brand", default=InitOptions.brand, show_default=True, help="Folder name of the brand."
)
@click.option(
    "--clinic", default=InitOptions.clinic, show_default=True, help="Clinic name on every page."
)
@click.option(
    "--condition",
    default=InitOptions.condition,
    show_default=True,
    metavar="ID",
    help="Example condition to start from (any condition the package ships).",
)
@click.option("--title", default=InitOptions.title, show_default=True, help="Project title.")
def init_command(directory: Path, brand: str, clinic: str, condition: str, title: str) -> None:
    """Create a clinic's own handout project in DIRECTORY (new or empty).

    It holds a handouts.toml, one brand, one example condition and an empty templates
    folder, and builds at once with the package's templates and styles.
    """
    from handouts.scaffold import init_project

    options = InitOptions(brand=brand, clinic=clinic, condition=condition, title=title)
    with _interrupts():
        written = init_project(directory, options)
    click.echo(f"Created {directory} ({len(written)} files). Next:")
    click.echo(f"  cd {directory}")
    click.echo(f"  edit styles/brands/{brand}/brand.toml   (name, phones, logo)")
    click.echo("  handouts build")


def _console() -> Console:
    """Rich output, wide enough for a table in a log file or CI, where there is no
    terminal width."""
    from rich.console import Console

    return Console(width=None if sys.stdout.isatty() else 120)


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="handouts")


def build_main(argv: Sequence[str] | None = None, config: Path | None = None) -> None:
    """``python generate.py [build options]``: the build command of a given project."""
    args = list(sys.argv[1:] if argv is None else argv)
    given = "--config" in args or "-c" in args  # before or after "build": either works
    prefix = ["--config", str(config)] if config and not given else []
    main([*prefix, "build", *args])
