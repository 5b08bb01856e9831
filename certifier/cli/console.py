"""What the CLI commands print, and terminal progress. Returns exit codes; never decides anything."""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path

import click

from certifier.core.model import CheckResult, Outcome, Stage
from certifier.certify import RunRequest, certify


def certify_and_print(request: RunRequest, fmt: str) -> int:
    progress = _progress_bar() if fmt == "text" and _interactive() else None
    with progress or _nothing():
        outcome = certify(request, progress.hook if progress else None)
    if fmt == "json":
        click.echo(outcome.paths["json"].read_text() if "json" in outcome.paths else outcome.report.model_dump_json())
    else:
        from certifier.report.text import render_text

        click.echo(render_text(outcome.report, paths={k: str(v) for k, v in outcome.paths.items()}))
    _warn_if_not_contained(outcome.report.provenance.isolation)
    return outcome.exit_code


def _warn_if_not_contained(isolation: dict[str, str] | None) -> None:
    """Connector code that ran without namespaces could reach this machine's network and files: say so loudly
    (on stderr, so that --format json stays one document)."""
    if isolation and isolation.get("level") != "namespaces":
        click.secho(f"WARNING: connector code ran without namespace isolation (level {isolation.get('level')}): it "
                    "could reach services on this machine's network. Install bubblewrap (docs/sandbox.md).",
                    fg="red", bold=True, err=True)


def manifest_and_print(directory: Path, fmt: str) -> int:
    from certifier.cli.manifest_summary import summarize_manifest

    summary = summarize_manifest(directory)
    if fmt == "json":
        click.echo(json.dumps(summary, indent=2, sort_keys=True))
    else:
        state = "valid" if summary["manifest"]["valid"] else "INVALID"
        click.echo(f"{summary['manifest']['file']}: {state}")
        for f in summary["findings"]:
            where = f"{f['path']}:{f['line']}" if f.get("line") else f.get("path") or ""
            click.echo(f"  {f['severity']:<7} {where:<22} {f['message']}")
    return 0 if summary["manifest"]["ok"] else 1


def verify_and_print(file: Path) -> int:
    from certifier.report.canonical import verify

    outcome = verify(file.read_bytes())
    click.echo(("OK " if outcome.ok else "TAMPERED OR INVALID ") + f"{file}: {outcome.message}")
    return 0 if outcome.ok else 1


def redecide_and_print(file: Path, profile_name: str, waivers_file: Path | None, fmt: str,
                       out_dir: Path | None = None) -> int:
    """Decide a stored report again; with `out_dir`, write the re-sealed report and its renderings there."""
    from certifier.certify import redecide
    from certifier.policy.profiles import load_profile
    from certifier.policy.waivers import load_waivers
    from certifier.report.canonical import load_report
    from certifier.report.write import write_all

    profile = load_profile(profile_name)
    waivers = load_waivers(waivers_file, connector_root=None) if waivers_file else []
    report = redecide(load_report(file), profile, waivers, today=date.today())
    decision = report.decision
    paths = write_all(report, out_dir) if out_dir else {}
    if fmt == "json":
        click.echo(decision.model_dump_json(indent=2))
    else:
        click.echo(f"{decision.verdict.value} ({profile.id} {profile.version}): {decision.summary}")
        for step in decision.trace:
            click.echo(f"  - [{step.rule}] {step.message}")
        for kind, path in sorted(paths.items()):
            click.echo(f"{kind:<8} {path}")
    return decision.exit_code


def render_and_print(file: Path, out_dir: Path) -> int:
    from certifier.report.canonical import load_report
    from certifier.report.write import write_all

    for kind, path in sorted(write_all(load_report(file), out_dir).items()):
        click.echo(f"{kind:<8} {path}")
    return 0


def _interactive() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


class _progress_bar:
    """A rich progress display on stderr: one line per stage, advanced as results arrive."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn

        self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                  console=Console(stderr=True), transient=True)
        self._tasks: dict[Stage, int] = {}
        self._counts: dict[Stage, int] = {}

    def __enter__(self):
        self._progress.__enter__()
        return self

    def __exit__(self, *exc):
        return self._progress.__exit__(*exc)

    def hook(self, kind: str, item: object) -> None:
        if kind == "stage-start" and isinstance(item, Stage):
            self._tasks[item] = self._progress.add_task(f"{item.value}: running")
            self._counts[item] = 0
        elif kind == "result" and isinstance(item, CheckResult) and item.stage in self._tasks:
            self._counts[item.stage] += 1
            mark = "" if item.outcome in (Outcome.PASS, Outcome.NOT_APPLICABLE) else f" (last: {item.check_id} {item.outcome.value})"
            self._progress.update(self._tasks[item.stage],
                                  description=f"{item.stage.value}: {self._counts[item.stage]} results{mark}")
