"""What the CLI commands print, and terminal progress. Returns exit codes; never decides anything."""

from __future__ import annotations

import os
import sys
import time
from datetime import date
from pathlib import Path

import click

from certifier.core.model import CheckResult, Stage
from certifier.core.report import StageRun
from certifier.certify import RunRequest, certify


def certify_and_print(request: RunRequest, fmt: str) -> int:
    progress = _progress_for(fmt)
    with progress or _nothing():
        outcome = certify(request, progress.hook if progress else None)
    if fmt == "json":
        click.echo(outcome.paths["json"].read_text() if "json" in outcome.paths else outcome.report.model_dump_json())
    else:
        from certifier.report.text import render_text

        click.echo(render_text(outcome.report, paths={k: str(v) for k, v in outcome.paths.items()}))
    _warn_if_not_contained(outcome.report.provenance.isolation)
    return outcome.exit_code


def _progress_for(fmt: str) -> "_LiveLine | _StageLines | None":
    """On an interactive terminal, one live line; otherwise (CI, a log file) one line per stage start and end,
    so that a long build never looks hung. Only for text output: `--format json` keeps stderr quiet too."""
    if fmt != "text":
        return None
    return _LiveLine() if _interactive() else _StageLines()


def _warn_if_not_contained(isolation: dict[str, str] | None) -> None:
    """Connector code that ran without namespaces could reach this machine's network and files: say so loudly
    (on stderr, so that --format json stays one document)."""
    if isolation and isolation.get("level") != "namespaces":
        click.secho(f"WARNING: connector code ran without namespace isolation (level {isolation.get('level')}): it "
                    "could reach services on this machine's network. Install bubblewrap (docs/sandbox.md).",
                    fg="red", bold=True, err=True)


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


class _StageLines:
    """Plain lines on stderr, one when a stage starts and one when it ends, with the elapsed time:
    `[   3.2s] security: started` / `[  41.0s] security: fail in 37.8 s (2 fail, 4 pass)`."""

    def __init__(self, stream=None, clock=time.monotonic) -> None:
        self._stream = stream
        self._clock = clock
        self._t0 = clock()

    def __enter__(self):
        self._line("fetching the connector and reading connect.yaml")
        return self

    def __exit__(self, kind, *exc):
        self._line("done: decided, reports written" if kind is None else f"stopped: {kind.__name__}")
        return False

    def hook(self, kind: str, item: object) -> None:
        if kind == "stage-start" and isinstance(item, Stage):
            self._line(f"{item.value}: started")
        elif kind == "stage-end" and isinstance(item, StageRun):
            self._line(f"{item.stage.value}: {item.outcome.value} in {item.duration_s:.1f} s ({item.summary})")

    def _line(self, text: str) -> None:
        click.echo(f"[{self._clock() - self._t0:7.1f}s] {text}", err=self._stream is None, file=self._stream)


class _LiveLine:
    """One line on an interactive terminal, updated in place (rich, transient): the stages done with their
    outcome, the running ones with their count of results, and the elapsed time."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                                  console=Console(stderr=True), transient=True)
        self._task = None
        self._running: dict[Stage, int] = {}
        self._done: list[str] = []

    def __enter__(self):
        self._progress.__enter__()
        self._task = self._progress.add_task("fetching the connector")
        return self

    def __exit__(self, *exc):
        return self._progress.__exit__(*exc)

    def hook(self, kind: str, item: object) -> None:
        if kind == "stage-start" and isinstance(item, Stage):
            self._running[item] = 0
        elif kind == "result" and isinstance(item, CheckResult) and item.stage in self._running:
            self._running[item.stage] += 1
        elif kind == "stage-end" and isinstance(item, StageRun):
            self._running.pop(item.stage, None)
            self._done.append(f"{item.stage.value} {item.outcome.value}")
        else:
            return
        running = [f"{stage.value} ({n} results)" for stage, n in self._running.items()]
        parts = ([", ".join(self._done)] if self._done else []) + ([f"running: {', '.join(running)}"] if running else [])
        self._progress.update(self._task, description=" \u00b7 ".join(parts))
