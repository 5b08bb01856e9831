"""`certifier advisories sync --from URL|PATH`: import OSV JSON into the local store, atomically.

Each source is a directory, a zip archive (an osv.dev ecosystem `all.zip`) or one record file, given
as a path or an http(s) URL (downloaded with a size bound). Every record is verified (JSON, minimal
OSV schema); invalid ones are skipped and counted, withdrawn ones counted and left out, records about
other ecosystems left out. The new store is written beside the old one and renamed over it, so a
failed or interrupted sync leaves the previous database in place.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from certifier.collect.advisories.config import limit
from certifier.collect.advisories.fetch import FetchError, download
from certifier.collect.advisories.osv import InvalidRecord, parse_record
from certifier.collect.advisories.sources import SourceProblem, content_digest, iter_records
from certifier.collect.advisories.store import STORE_FILE, Snapshot, cache_dir, open_db, store_keys

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE records (id TEXT PRIMARY KEY, modified TEXT NOT NULL, sha256 TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE affected (ecosystem TEXT NOT NULL, name TEXT NOT NULL, id TEXT NOT NULL);
"""
INDEX = "CREATE INDEX affected_package ON affected (ecosystem, name);"


class SyncError(Exception):
    """Nothing usable could be imported; the previous database is unchanged."""


@dataclass
class SyncReport:
    snapshot: Snapshot
    imported: int = 0
    withdrawn: int = 0
    other_ecosystems: int = 0
    invalid: int = 0
    invalid_examples: list[str] = field(default_factory=list)


def sync(sources: list[str], dest: Path | None = None, date: str | None = None) -> SyncReport:
    if not sources:
        raise SyncError("give at least one --from source")
    dest = dest or cache_dir()
    dest.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=".advisories-", suffix=".sqlite.tmp", dir=dest)
    os.close(handle)
    temp = Path(temp_name)
    try:
        report = _write_store(sources, temp, date)
        os.replace(temp, dest / STORE_FILE)  # atomic: readers see the old or the new store, never half
    finally:
        temp.unlink(missing_ok=True)
    report.snapshot = open_db(dest / STORE_FILE, "synced").snapshot
    return report


def _write_store(sources: list[str], temp: Path, date: str | None) -> SyncReport:
    counts = Counter()
    examples: list[str] = []
    latest = ""
    with sqlite3.connect(temp) as con:
        con.executescript(SCHEMA)
        for source in sources:
            with _materialised(source, temp.parent) as path:
                for item in _records(path):
                    outcome = _import_one(con, item)
                    counts[outcome[0]] += 1
                    if outcome[0] == "invalid" and len(examples) < 20:
                        examples.append(outcome[1])
                    if outcome[0] == "imported":
                        latest = max(latest, outcome[1])
        rows = con.execute("SELECT sha256 FROM records").fetchall()
        if not rows:
            raise SyncError(f"no usable advisory for the supported ecosystems in {', '.join(sources)}"
                            + (f" ({counts['invalid']} invalid, e.g. {examples[0]})" if examples else ""))
        con.execute(INDEX)
        ecosystems = dict(con.execute("SELECT ecosystem, COUNT(DISTINCT id) FROM affected GROUP BY ecosystem"))
        meta = {
            "source": ", ".join(sources),
            "date": date or latest[:10] or datetime.now(timezone.utc).strftime("%Y-%m-%d"),
            "records": str(len(rows)),
            "ecosystems": json.dumps(ecosystems, sort_keys=True),
            "sha256": content_digest([h for (h,) in rows]),
            "withdrawn": str(counts["withdrawn"]),
            "invalid": str(counts["invalid"]),
            "synced_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        con.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
    con.close()
    return SyncReport(snapshot=None, imported=len(rows), withdrawn=counts["withdrawn"],  # type: ignore[arg-type]
                      other_ecosystems=counts["other"], invalid=counts["invalid"], invalid_examples=examples)


def _records(path: Path):
    try:
        yield from iter_records(path)
    except SourceProblem as problem:
        raise SyncError(str(problem)) from None


def _import_one(con: sqlite3.Connection, item) -> tuple[str, str]:
    """('imported', modified) | ('withdrawn'|'other'|'invalid', detail)."""
    if isinstance(item, SourceProblem):
        return "invalid", str(item)
    try:
        data = json.loads(item.data)
        advisory = parse_record(data)
    except (ValueError, InvalidRecord, RecursionError) as bad:
        return "invalid", f"{item.name}: {bad}"[:300]
    if data.get("withdrawn"):
        return "withdrawn", data["id"]
    if advisory is None:
        return "other", data["id"]
    previous = con.execute("SELECT modified FROM records WHERE id = ?", (advisory.id,)).fetchone()
    if previous and previous[0] >= advisory.modified:
        return "duplicate", advisory.id
    con.execute("DELETE FROM affected WHERE id = ?", (advisory.id,))
    con.execute("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?)",
                (advisory.id, advisory.modified, item.sha256, item.data.decode("utf-8")))
    con.executemany("INSERT INTO affected VALUES (?, ?, ?)", [(e, n, advisory.id) for e, n in store_keys(advisory)])
    return "imported", advisory.modified


@contextmanager
def _materialised(source: str, scratch: Path) -> Iterator[Path]:
    """A local path for `source`: itself, or a bounded download of an http(s) URL."""
    if source.startswith(("http://", "https://")):
        suffix = ".zip" if source.split("?")[0].endswith(".zip") else ".json"
        handle, name = tempfile.mkstemp(prefix=".download-", suffix=suffix, dir=scratch)
        os.close(handle)
        target = Path(name)
        try:
            download(source, target, limit("download_bytes"), limit("download_timeout_s"))
            yield target
        except FetchError as error:
            raise SyncError(str(error)) from None
        finally:
            target.unlink(missing_ok=True)
        return
    path = Path(source[len("file://"):] if source.startswith("file://") else source)
    if not path.exists():
        raise SyncError(f"{source} does not exist")
    yield path
