"""OSV records as certifier uses them: validated minimally, withdrawn ones dropped, ranges pre-parsed.

OSV format: https://ossf.github.io/osv-schema/ . Only `affected[]` entries of the ecosystems certifier
matches (npm, PyPI) are kept; GIT ranges are ignored (lockfiles pin versions, not commits).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator

from certifier.collect.advisories.config import setting
from certifier.collect.advisories.model import normalise_name
from certifier.collect.advisories.severity import Rating, rate
from certifier.core.paths import rules_dir

SCHEMA_FILE = "advisories/osv-record.schema.json"
EVENT_KINDS = ("introduced", "last_affected", "fixed", "limit")  # also the order of equal versions
_VALIDATORS: dict[str, Draft202012Validator] = {}
_LOCK = threading.Lock()


class InvalidRecord(ValueError):
    """An OSV record that does not have the shape matching relies on."""


@dataclass(frozen=True)
class Event:
    kind: str  # introduced | fixed | last_affected | limit
    version: str


@dataclass(frozen=True)
class Range:
    type: str  # SEMVER | ECOSYSTEM
    events: tuple[Event, ...]


@dataclass(frozen=True)
class Affected:
    ecosystem: str
    name: str
    ranges: tuple[Range, ...]
    versions: tuple[str, ...]


@dataclass(frozen=True)
class Advisory:
    id: str
    modified: str
    aliases: tuple[str, ...]
    summary: str
    rating: Rating
    affected: tuple[Affected, ...]
    url: str | None = None

    @property
    def cve(self) -> str | None:
        return next((a for a in (self.id, *self.aliases) if a.startswith("CVE-")), None)

    def packages(self) -> set[tuple[str, str]]:
        return {(a.ecosystem, normalise_name(a.ecosystem, a.name)) for a in self.affected}


def validator() -> Draft202012Validator:
    path = rules_dir() / SCHEMA_FILE
    with _LOCK:
        if str(path) not in _VALIDATORS:
            _VALIDATORS[str(path)] = Draft202012Validator(json.loads(path.read_text(encoding="utf-8")))
        return _VALIDATORS[str(path)]


def check_record(data: Any) -> None:
    """Raise InvalidRecord with the first schema problem, if any."""
    if not isinstance(data, dict):
        raise InvalidRecord("an OSV record must be a JSON object")
    error = next(iter(validator().iter_errors(data)), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(record)"
        raise InvalidRecord(f"{data.get('id', '?')}: {where}: {error.message}"[:500])


def parse_record(data: Any, ecosystems: frozenset[str] | None = None) -> Advisory | None:
    """The Advisory of a validated record; None when withdrawn or when it affects no matched ecosystem."""
    check_record(data)
    if data.get("withdrawn"):
        return None
    wanted = ecosystems if ecosystems is not None else frozenset(setting("ecosystems"))
    affected = tuple(a for raw in data.get("affected") or () if (a := _affected(raw, wanted)) is not None)
    if not affected:
        return None
    return Advisory(
        id=data["id"],
        modified=data["modified"],
        aliases=tuple(data.get("aliases") or ()),
        summary=(data.get("summary") or _first_line(data.get("details")) or "")[:300],
        rating=rate(data),
        affected=affected,
        url=_advisory_url(data),
    )


def _affected(raw: dict[str, Any], wanted: frozenset[str]) -> Affected | None:
    package = raw.get("package") or {}
    ecosystem = package.get("ecosystem")
    if ecosystem not in wanted:
        return None
    ranges = tuple(
        Range(r["type"], tuple(Event(k, v) for e in r["events"] for k, v in e.items()))
        for r in raw.get("ranges") or ()
        if r["type"] in ("SEMVER", "ECOSYSTEM")
    )
    versions = tuple(raw.get("versions") or ())
    if not ranges and not versions:
        return None
    return Affected(ecosystem, package["name"], ranges, versions)


def _first_line(text: Any) -> str:
    return text.strip().splitlines()[0] if isinstance(text, str) and text.strip() else ""


def _advisory_url(data: dict[str, Any]) -> str | None:
    refs = [r for r in data.get("references") or () if isinstance(r.get("url"), str)]
    preferred = next((r["url"] for r in refs if r.get("type") == "ADVISORY"), None)
    return preferred or (refs[0]["url"] if refs else None)
