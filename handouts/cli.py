"""Command line: parses options and calls the library. No pipeline logic lives here."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from handouts import __version__
from handouts.build import BuildOptions, BuildResult, build
from handouts.errors import HandoutsError
from handouts.progress import Progress
from handouts.project import Project, load_project


class _Group(click.Group):
    """Turns unexpected exceptions into one line unless --debug asks for the traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            raise click.Abort() from None
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            raise HandoutsError(
                f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)"
            ) from exc


def _project(ctx: click.Context) -> Project:
    return load_project(ctx.obj["config"])


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "-c",
    type=click.Path(path_type=Path, dir_okay=True),
    default=None,
    help="Project configuration file (default: ./handouts.toml).",
)
@click.option("--debug", is_flag=True, help="Show full tracebacks for unexpected errors.")
@click.version_option(__version__, prog_name="handouts")
@click.pass_context
def cli(ctx: click.Context, config: Path | None, debug: bool) -> None:
    """Build branded, print-ready patient handouts and a clinician summary
    from the content files of a project."""
    ctx.ensure_object(dict)
    ctx.obj.update(config=config, debug=debug)


@cli.command("build")
@click.option(
    "--condition",
    "conditions",
    multiple=True,
    metavar="ID",
    help="Build only this condition (repeatable). The summary is built when no "
    "condition is singled out.",
)
@click.option(
    "--brand",
    "brands",
    multiple=True,
    metavar="NAME",
    help="Brand to build (repeatable, or 'all'; default from handouts.toml).",
)
@click.option(
    "--lang",
    "languages",
    multiple=True,
    metavar="LANG",
    help="Language to build (repeatable, or 'all'; default from handouts.toml).",
)
@click.option(
    "--out",
    "output",
    type=click.Path(path_type=Path, file_okay=False),
    help="Output folder (default from handouts.toml, normally ./output).",
)
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
@click.pass_context
def build_command(
    ctx: click.Context,
    conditions: tuple[str, ...],
    brands: tuple[str, ...],
    languages: tuple[str, ...],
    output: Path | None,
    fmt: str,
    paper: str | None,
) -> None:
    """Render handouts and the clinician summary into the output folder."""
    project = _project(ctx)
    options = BuildOptions(
        conditions=conditions,
        brands=brands,
        languages=languages,
        output=output,
        format=fmt,  # type: ignore[arg-type]
        paper=paper,  # type: ignore[arg-type]
    )
    with Progress() as progress:
        result = build(project, options, on_start=progress.start, on_done=progress.done)
    _report(result)


def _report(result: BuildResult) -> None:
    for outcome in result.written:
        for warning in dict.fromkeys(outcome.warnings):
            click.echo(f"{outcome.job.output}: warning: {warning}", err=True)
    for outcome in result.failed:
        click.echo(f"{outcome.job.output}: error: {outcome.error}", err=True)
    written, failed = len(result.written), len(result.failed)
    line = f"{written} file{'s' if written != 1 else ''} written to {result.output_dir}"
    if failed:
        line += f", {failed} failed"
    click.echo(line)
    if failed:
        raise HandoutsError(f"{failed} document{'s' if failed != 1 else ''} failed")


@cli.command("validate")
@click.pass_context
def validate_command(ctx: click.Context) -> None:
    """Check all content, brands and configuration without rendering."""
    project = _project(ctx)
    conditions = len(project.conditions)
    click.echo(
        f"ok: {conditions} condition file{'s' if conditions != 1 else ''}, "
        f"{len(project.treatments)} shared text file(s), {len(project.sources)} sources, "
        f"{len(project.brands)} brand(s)"
    )


@cli.command("list")
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
        mark = " (default)" if name == settings.brand else ""
        click.echo(f"  {name:<32} {brand.clinic.name}{mark}")
    click.echo("Languages:")
    for lang in project.languages():
        mark = " (built by default)" if lang in settings.languages else ""
        click.echo(f"  {lang}{mark}")


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="handouts")


def build_main(argv: Sequence[str] | None = None, config: Path | None = None) -> None:
    """``python generate.py [build options]``: the build command of a given project."""
    args = list(sys.argv[1:] if argv is None else argv)
    prefix = ["--config", str(config)] if config and "--config" not in args else []
    main([*prefix, "build", *args])
