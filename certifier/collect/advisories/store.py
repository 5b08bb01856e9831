"""The advisory database in use, and its snapshot metadata (source, date, digest) for every report.

Which database: CERTIFIER_ADVISORY_DB when set (a directory or zip of OSV JSON, a synced store, or the
word `seed`); else the store `certifier advisories sync` wrote to ~/.cache/certifier/collect/advisories/
(CERTIFIER_CACHE_DIR moves ~/.cache/certifier); else the curated seed shipped in rules/advisories/db.
A configured database that cannot be read is an error, never an empty (clean) database.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from certifier.collect.advisories.matching import AdvisoryIndex
from certifier.collect.advisories.model import Package, normalise_name
from certifier.collect.advisories.osv import InvalidRecord, parse_record
from certifier.collect.advisories.sources import SourceProblem, content_digest, iter_records, read_snapshot_file
from certifier.core.paths import rules_dir

STORE_FILE = "advisories.sqlite"
ENV_DB = "CERTIFIER_ADVISORY_DB"
_CACHE: dict[tuple, "AdvisoryDB"] = {}
_LOCK = threading.Lock()


class AdvisoryDBError(Exception):
    """The advisory database cannot be used: nothing can be audited against it."""


@dataclass(frozen=True)
class Snapshot:
    kind: str  # seed | synced | custom
    source: str
    date: str
    records: int
    ecosystems: dict[str, int]
    digest: str
    location: str
    withdrawn: int = 0
    invalid: int = 0

    def label(self) -> str:
        return f"{self.kind} {self.date} sha256:{self.digest[:16]}"

    def as_dict(self) -> dict:
        return {"kind": self.kind, "source": self.source, "date": self.date, "records": self.records,
                "ecosystems": dict(sorted(self.ecosystems.items())), "sha256": self.digest,
                "location": self.location, "withdrawn": self.withdrawn, "invalid": self.invalid}


@dataclass
class AdvisoryDB:
    snapshot: Snapshot
    index: AdvisoryIndex | None = None  # in memory (directory / zip)
    store: Path | None = None  # synced SQLite store, queried per package name
    problems: list[str] = field(default_factory=list)

    def covers(self, ecosystem: str) -> bool:
        return self.snapshot.ecosystems.get(ecosystem, 0) > 0

    def index_for(self, packages: Iterable[Package]) -> AdvisoryIndex:
        """An index holding at least every advisory about these packages."""
        if self.index is not None:
            return self.index
        return _query_store(self.store, {(p.ecosystem, p.key) for p in packages if p.registry})


def seed_dir() -> Path:
    return rules_dir() / "advisories" / "db"


def cache_dir() -> Path:
    configured = os.environ.get(ENV_DB)
    if configured and configured != "seed":
        return Path(configured)
    base = Path(os.environ.get("CERTIFIER_CACHE_DIR", Path.home() / ".cache" / "certifier"))
    return base / "advisories"


def configured_location() -> tuple[Path, str]:
    configured = os.environ.get(ENV_DB)
    if configured == "seed":
        return seed_dir(), "seed"
    if configured:
        return Path(configured), "custom"
    synced = cache_dir() / STORE_FILE
    if synced.is_file():
        return synced, "synced"
    return seed_dir(), "seed"


def open_db(location: Path | None = None, kind: str | None = None) -> AdvisoryDB:
    """The database at `location` (default: the configured one), loaded once per content version."""
    if location is None:
        location, kind = configured_location()
    kind = kind or "custom"
    if location.is_dir() and (location / STORE_FILE).is_file():
        location = location / STORE_FILE
    if not location.exists():
        raise AdvisoryDBError(f"advisory database {location} does not exist")
    key = (str(location), kind, _version_of(location))
    with _LOCK:
        if key not in _CACHE:
            if len(_CACHE) > 4:
                _CACHE.clear()
            _CACHE[key] = _open_store(location, kind) if location.suffix == ".sqlite" else _load(location, kind)
        return _CACHE[key]


def advisory_db_label() -> str:
    """What the report's tools map says about the database, e.g. 'seed 2026-11-22 sha256:0123…'."""
    try:
        return open_db().snapshot.label()
    except AdvisoryDBError as error:
        return f"unavailable ({error})"[:200]


def _version_of(location: Path) -> tuple:
    """A cheap identity of the content: (name, size, mtime) of every file."""
    if location.is_file():
        info = location.stat()
        return ((location.name, info.st_size, info.st_mtime_ns),)
    out = []
    for folder, dirs, names in os.walk(location, followlinks=False):
        dirs.sort()
        for name in sorted(names):
            info = os.lstat(os.path.join(folder, name))
            out.append((os.path.join(folder, name), info.st_size, info.st_mtime_ns))
    return tuple(out)


# --- directory / zip of OSV JSON, in memory ----------------------------------------------------------


def _load(location: Path, kind: str) -> AdvisoryDB:
    index = AdvisoryIndex()
    hashes: list[str] = []
    problems: list[str] = []
    withdrawn_count, latest_modified = 0, ""
    try:
        for item in iter_records(location):
            if isinstance(item, SourceProblem):
                problems.append(str(item))
                continue
            try:
                data = json.loads(item.data)
                advisory = parse_record(data)
            except (ValueError, InvalidRecord, RecursionError) as bad:
                problems.append(f"{item.name}: {bad}"[:300])
                continue
            hashes.append(item.sha256)
            latest_modified = max(latest_modified, str(data.get("modified", "")))
            if data.get("withdrawn"):
                withdrawn_count += 1
            elif advisory is not None:
                index.add(advisory)
    except SourceProblem as problem:
        raise AdvisoryDBError(str(problem)) from None
    if problems:
        raise AdvisoryDBError(f"advisory database {location} has {len(problems)} unusable record(s): {problems[0]}")
    meta = read_snapshot_file(location)
    declared = meta.get("records")
    if isinstance(declared, int) and declared != len(hashes):
        raise AdvisoryDBError(f"{location}: snapshot.json declares {declared} records but {len(hashes)} were found")
    snapshot = Snapshot(
        kind=kind,
        source=str(meta.get("source") or location),
        date=str(meta.get("date") or latest_modified[:10] or "unknown"),
        records=len(hashes),
        ecosystems=dict(index.ecosystems),
        digest=content_digest(hashes),
        location=str(location),
        withdrawn=withdrawn_count,
    )
    return AdvisoryDB(snapshot=snapshot, index=index)


# --- synced SQLite store -----------------------------------------------------------------------------


def _connect(store: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=10)


def _open_store(store: Path, kind: str) -> AdvisoryDB:
    try:
        with _connect(store) as con:
            meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.Error as error:
        raise AdvisoryDBError(f"advisory store {store} cannot be read: {error}") from None
    try:
        snapshot = Snapshot(
            kind="synced" if kind == "synced" else kind,
            source=meta["source"],
            date=meta["date"],
            records=int(meta["records"]),
            ecosystems={k: int(v) for k, v in json.loads(meta["ecosystems"]).items()},
            digest=meta["sha256"],
            location=str(store),
            withdrawn=int(meta.get("withdrawn", 0)),
            invalid=int(meta.get("invalid", 0)),
        )
    except (KeyError, ValueError, TypeError, AttributeError) as error:
        raise AdvisoryDBError(f"advisory store {store} has no valid snapshot metadata ({error})") from None
    return AdvisoryDB(snapshot=snapshot, store=store)


def _query_store(store: Path | None, keys: set[tuple[str, str]]) -> AdvisoryIndex:
    index = AdvisoryIndex()
    if store is None or not keys:
        return index
    seen: set[str] = set()
    ordered = sorted(keys)
    try:
        with _connect(store) as con:
            for start in range(0, len(ordered), 400):
                chunk = ordered[start : start + 400]
                clause = " OR ".join("(a.ecosystem = ? AND a.name = ?)" for _ in chunk)
                rows = con.execute(
                    f"SELECT DISTINCT r.id, r.body FROM affected a JOIN records r ON r.id = a.id WHERE {clause}",
                    [v for key in chunk for v in key],
                ).fetchall()
                for record_id, body in rows:
                    if record_id not in seen:
                        seen.add(record_id)
                        advisory = parse_record(json.loads(body))
                        if advisory is not None:
                            index.add(advisory)
    except (sqlite3.Error, ValueError, InvalidRecord) as error:
        raise AdvisoryDBError(f"advisory store {store} cannot be queried: {error}") from None
    return index


def store_keys(advisory) -> set[tuple[str, str]]:
    return {(a.ecosystem, normalise_name(a.ecosystem, a.name)) for a in advisory.affected}
