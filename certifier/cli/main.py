"""Command line: click commands only. The work is done by certifier.certify and friends."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import click

STAGE_CHOICE = click.Choice(["preview", "publish", "certification"])


def _show_version(ctx: click.Context, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        from certifier import __version__  # read on demand: the manifest hook never pays for the metadata

        click.echo(f"certifier, version {__version__}")
        ctx.exit()


class _Group(click.Group):
    """The command groups of their own modules are registered on first need, not at import: `certifier
    manifest` (a pre-commit hook) imports none of them."""

    _extended = False

    def _extend(self) -> None:
        if not self._extended:
            type(self)._extended = True
            _register_extensions()

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._extend()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands:
            self._extend()
        return super().get_command(ctx, name)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, help="Show the version and exit.",
              callback=lambda ctx, _param, value: _show_version(ctx, value))
def cli() -> None:
    """Certify commerce Connectors: fetch at a tag, check, decide, report."""


@cli.command()
@click.argument("source")
@click.option("--tag", help="Git tag to certify. Without it a local working tree is certified as it is.")
@click.option("--stage", type=STAGE_CHOICE, default="preview", show_default=True, help="Decision to make.")
@click.option("--profile", help="Profile name in rules/profiles or a path to a profile YAML (default: the stage's).")
@click.option("--waivers", type=click.Path(dir_okay=False, path_type=Path), help="Reviewer waiver file.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("certifier-report"), show_default=True, help="Directory for the reports.")
@click.option("--static-only", is_flag=True, help="Run only the static stages (no connector code runs).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json prints the report on stdout and nothing else.")
@click.option("--keep-workspace", is_flag=True, help="Keep the run's workspace (checkout, build logs).")
@click.option("--no-cache", is_flag=True,
              help="Run every check and fetch the tag afresh, even if the same content was certified before.")
@click.option("--deployment", type=click.Path(dir_okay=False, path_type=Path),
              help="Deployment descriptor of a remote preview: probe its URLs instead of deploying locally.")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path),
              help="An earlier report.json (e.g. the last certified tag's): mark each finding new, unchanged, "
                   "fixed or waived. It informs; it never changes the decision.")
def run(source, tag, stage, profile, waivers, out_dir, static_only, fmt, keep_workspace, no_cache, deployment,
        baseline) -> None:
    """Certify SOURCE (a path or git URL) at --tag and write JSON, HTML, Markdown and Connect reports."""
    from certifier.cli import console
    from certifier.certify import RunRequest
    from certifier.core.model import Stage

    request = RunRequest(source=source, tag=tag, stage=stage, profile=profile, waivers=waivers, out_dir=out_dir,
                         stages=Stage.static() if static_only else None, keep_workspace=keep_workspace,
                         use_cache=not no_cache, deployment=deployment, baseline=baseline)
    sys.exit(console.certify_and_print(request, fmt))


@cli.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def manifest(directory, fmt) -> None:
    """Validate DIRECTORY/connect.yaml only (the specification stage). Exit 0 when valid, 1 when not."""
    from certifier.cli.manifest_summary import manifest_and_print  # only what the specification stage needs

    sys.exit(manifest_and_print(directory, fmt))


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
def checks(fmt) -> None:
    """List the check catalogue: id, version, stage, severity, title, remediation."""
    from certifier.checks import catalogue

    click.echo(catalogue.render(fmt), nl=False)


@cli.group()
def report() -> None:
    """Work with a stored report.json."""


@report.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify(file) -> None:
    """Check the digest and schema of FILE. Exit 0 when intact, 1 when not."""
    from certifier.cli import console

    sys.exit(console.verify_and_print(file))


@report.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--profile", required=True, help="Profile name or path, e.g. certification.")
@click.option("--waivers", type=click.Path(dir_okay=False, path_type=Path), help="Reviewer waiver file.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json prints the new decision (with its verdict per finding) and nothing else.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write the re-decided, re-sealed report.json and its renderings into this directory.")
def decide(file, profile, waivers, fmt, out_dir) -> None:
    """Recompute the decision of a stored report under --profile (and --waivers). Exits with its code."""
    from certifier.cli import console

    sys.exit(console.redecide_and_print(file, profile, waivers, fmt, out_dir))


@report.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
def render(file, out_dir) -> None:
    """Render every output again from a stored report.json: the same bytes as the run wrote."""
    from certifier.cli import console

    sys.exit(console.render_and_print(file, out_dir))


def _register_extensions() -> None:
    """Command groups that live in their own modules (the service ones need the `service` extra)."""
    from certifier.cli.advisories import advisories
    from certifier.cli.tools import tools

    cli.add_command(advisories)
    cli.add_command(tools)
    if importlib.util.find_spec("fastapi") is None:  # installed without the `service` extra
        return
    from certifier.cli.service import serve, tokens, worker

    for command in (serve, worker, tokens):
        cli.add_command(command)



def _exit_code(kind: str) -> int:
    # the data model (pydantic) is imported when an exit code is needed, not at start: `certifier manifest`
    from certifier.core.decision import EXIT_CODES, EXIT_USAGE, DecisionKind

    return EXIT_USAGE if kind == "usage" else EXIT_CODES[DecisionKind.UNDECIDED]


def main() -> None:
    """Entry point: usage and configuration errors exit 2; an internal crash exits 3, never silently."""
    from certifier.core.errors import ConfigError

    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(_exit_code("usage"))
    except click.ClickException as error:
        error.show()
        sys.exit(_exit_code("usage") if error.exit_code not in (0, 1) else error.exit_code)
    except ConfigError as error:
        click.echo(f"certifier: {error}", err=True)
        sys.exit(_exit_code("usage"))
    except Exception as crash:  # a bug of ours: say so plainly and exit "could not decide"
        if os.environ.get("CERTIFIER_DEBUG"):
            raise
        click.echo(f"certifier: internal error: {type(crash).__name__}: {crash} (set CERTIFIER_DEBUG=1 for details)",
                   err=True)
        sys.exit(_exit_code("undecided"))


if __name__ == "__main__":
    main()
