"""Reading OSV JSON records from a directory, a zip archive (e.g. an osv.dev ecosystem `all.zip`) or one
file, with bounds: an archive is untrusted input until each record has been verified."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from certifier.collect.advisories.config import limit

SNAPSHOT_FILE = "snapshot.json"


class SourceProblem(Exception):
    """The source as a whole cannot be read (missing, not a directory/zip/JSON, over a bound)."""


@dataclass(frozen=True)
class RawRecord:
    name: str  # member or relative file name, for messages
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def iter_records(source: Path) -> Iterator[RawRecord | SourceProblem]:
    """Each record's bytes; a record over the per-record bound is yielded as a SourceProblem instead."""
    if source.is_dir():
        yield from _from_directory(source)
    elif zipfile.is_zipfile(source):
        yield from _from_zip(source)
    elif source.is_file() and source.suffix == ".json":
        yield from _from_directory_file(source.parent, source)
    else:
        raise SourceProblem(f"{source} is not a directory, a zip archive or a .json file of OSV records")


def read_snapshot_file(source: Path) -> dict[str, Any]:
    """snapshot.json of a directory or archive (source, date, description), or {} when absent/unreadable."""
    try:
        if source.is_dir():
            raw = (source / SNAPSHOT_FILE).read_bytes() if (source / SNAPSHOT_FILE).is_file() else b""
        elif zipfile.is_zipfile(source):
            with zipfile.ZipFile(source) as archive:
                names = set(archive.namelist())
                raw = archive.read(SNAPSHOT_FILE) if SNAPSHOT_FILE in names else b""
        else:
            raw = b""
        data = json.loads(raw) if raw and len(raw) < 65536 else {}
    except (OSError, ValueError, zipfile.BadZipFile):
        return {}
    return data if isinstance(data, dict) else {}


def _from_directory(root: Path) -> Iterator[RawRecord | SourceProblem]:
    total = 0
    count = 0
    for folder, dirs, names in os.walk(root, followlinks=False):
        dirs.sort()
        for name in sorted(names):
            if not name.endswith(".json") or (name == SNAPSHOT_FILE and Path(folder) == root):
                continue
            path = Path(folder) / name
            count += 1
            _check_count(root, count)
            item = _read_one(root, path)
            if isinstance(item, RawRecord):
                total += len(item.data)
                _check_total(root, total)
            yield item


def _from_directory_file(root: Path, path: Path) -> Iterator[RawRecord | SourceProblem]:
    yield _read_one(root, path)


def _read_one(root: Path, path: Path) -> RawRecord | SourceProblem:
    name = path.relative_to(root).as_posix()
    try:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode):
            return SourceProblem(f"{name}: not a regular file")
        if info.st_size > limit("osv_record_bytes"):
            return SourceProblem(f"{name}: larger than {limit('osv_record_bytes')} bytes")
        return RawRecord(name, path.read_bytes())
    except OSError as error:
        return SourceProblem(f"{name}: cannot be read ({error.strerror})")


def _from_zip(path: Path) -> Iterator[RawRecord | SourceProblem]:
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise SourceProblem(f"{path} is not a readable zip archive: {error}") from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir() and m.filename.endswith(".json")
                   and m.filename != SNAPSHOT_FILE]
        _check_count(path, len(members))
        _check_total(path, sum(m.file_size for m in members))
        for member in members:
            if member.file_size > limit("osv_record_bytes"):
                yield SourceProblem(f"{member.filename}: larger than {limit('osv_record_bytes')} bytes")
                continue
            try:
                with archive.open(member) as stream:  # file_size is declared: read at most one byte more
                    data = stream.read(limit("osv_record_bytes") + 1)
            except (OSError, zipfile.BadZipFile, EOFError) as error:
                yield SourceProblem(f"{member.filename}: cannot be extracted ({error})")
                continue
            if len(data) > limit("osv_record_bytes"):
                yield SourceProblem(f"{member.filename}: larger than declared")
                continue
            yield RawRecord(member.filename, data)


def _check_count(source: Path, count: int) -> None:
    if count > limit("osv_records"):
        raise SourceProblem(f"{source} holds more than {limit('osv_records')} records")


def _check_total(source: Path, total: int) -> None:
    if total > limit("osv_archive_bytes"):
        raise SourceProblem(f"{source} is larger than {limit('osv_archive_bytes')} bytes of records")


def content_digest(record_hashes: list[str]) -> str:
    """SHA-256 naming a set of records, whatever container (directory, zip, store) holds them."""
    digest = hashlib.sha256()
    for value in sorted(record_hashes):
        digest.update(value.encode() + b"\n")
    return digest.hexdigest()
