"""`certifier advisories sync|info`: the offline advisory database. Click commands only."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from certifier.core.decision import EXIT_USAGE


@click.group()
def advisories() -> None:
    """The offline OSV advisory database the dependencies stage matches lockfiles against."""


@advisories.command()
@click.option("--from", "sources", multiple=True, required=True, metavar="URL|PATH",
              help="A directory, zip (e.g. an osv.dev ecosystem all.zip) or .json of OSV records; repeatable.")
@click.option("--date", help="Snapshot date to record (default: the newest record's `modified` date).")
@click.option("--dest", type=click.Path(file_okay=False, path_type=Path),
              help="Store directory (default: CERTIFIER_ADVISORY_DB or ~/.cache/certifier/collect/advisories).")
def sync(sources, date, dest) -> None:
    """Import OSV records into the local store, replacing the previous snapshot atomically."""
    from certifier.collect.advisories.sync import SyncError
    from certifier.collect.advisories.sync import sync as run_sync

    try:
        report = run_sync(list(sources), dest, date)
    except SyncError as error:
        click.echo(f"advisories sync failed (the previous database is unchanged): {error}", err=True)
        sys.exit(EXIT_USAGE)
    snap = report.snapshot
    click.echo(f"synced {report.imported} advisories ({_ecosystems(snap.ecosystems)}) into {snap.location}")
    click.echo(f"snapshot {snap.date} sha256:{snap.digest}")
    skipped = f"{report.withdrawn} withdrawn, {report.other_ecosystems} other ecosystems, {report.invalid} invalid"
    click.echo(f"skipped: {skipped}")
    for example in report.invalid_examples[:5]:
        click.echo(f"  invalid: {example}", err=True)


@advisories.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def info(fmt) -> None:
    """Which database is in use: kind, source, snapshot date, SHA-256 digest, records per ecosystem."""
    from certifier.collect.advisories.store import AdvisoryDBError, open_db

    try:
        snapshot = open_db().snapshot
    except AdvisoryDBError as error:
        click.echo(f"advisory database unavailable: {error}", err=True)
        sys.exit(EXIT_USAGE)
    if fmt == "json":
        click.echo(json.dumps(snapshot.as_dict(), indent=2, sort_keys=True))
        return
    click.echo(f"advisory database: {snapshot.kind} ({snapshot.location})")
    click.echo(f"source: {snapshot.source}")
    click.echo(f"snapshot: {snapshot.date} sha256:{snapshot.digest}")
    click.echo(f"records: {snapshot.records} ({_ecosystems(snapshot.ecosystems)}), {snapshot.withdrawn} withdrawn")


def _ecosystems(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "no supported ecosystem"
