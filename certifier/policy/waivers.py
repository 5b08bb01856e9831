"""Reviewer-owned waivers (`--waivers FILE`): findings accepted for a limited time, by a named approver.

A waiver only ever covers findings. It never turns an `error` or `skip` outcome into anything else:
a check that could not run stays "not audited". A waiver file that lies inside the connector
checkout is refused, so a connector can never waive its own findings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Iterable

from certifier.core.model import CheckResult, Finding
from certifier.policy.files import PolicyFileError, display_name, read_yaml, validate


class WaiverError(PolicyFileError):
    """The waiver file is unreadable or invalid (exit 2)."""


class WaiverRefused(WaiverError):
    """The waiver file lies inside the connector repository (exit 2): it must never change a decision."""


REFUSED = "waivers inside the connector repository never change a decision"


@dataclass(frozen=True)
class Waiver:
    id: str
    check: str
    reason: str
    approver: str
    expires: dt.date
    app: str | None = None
    path: str | None = None
    rule: str | None = None
    fingerprint: str | None = None
    created: dt.date | None = None

    def expired(self, today: dt.date) -> bool:
        """A waiver is valid through its `expires` day and ignored from the day after."""
        return self.expires < today

    def covers(self, result: CheckResult, finding: Finding) -> bool:
        """Does this waiver's scope include `finding` of `result`? (Expiry is the caller's business.)"""
        if self.fingerprint is not None and self.fingerprint in finding.properties.get("merged_fingerprints", ()):
            return True  # written for a finding since merged into this one, maybe of another app or check
        if not fnmatchcase(result.check_id, self.check):
            return False
        if self.app is not None and (result.app is None or not fnmatchcase(result.app, self.app)):
            return False
        if self.path is not None:
            where = finding.location.path if finding.location else None
            if where is None or not fnmatchcase(where, self.path):
                return False
        if self.rule is not None and not fnmatchcase(finding.rule or "", self.rule):
            return False
        return self.fingerprint is None or finding.fingerprint == self.fingerprint


def load_waivers(path: Path, *, connector_root: Path | Iterable[Path] | None) -> tuple[Waiver, ...]:
    """Read and validate a waiver file; refuse one inside the connector (`connector_root`: its checkout
    and, for a local run, the source directory too). Raises WaiverError / WaiverRefused."""
    path = Path(path)
    display = display_name(path)
    for root in _roots(connector_root):
        if _inside(path, root):
            raise WaiverRefused(display, [f"{REFUSED} (the file is inside {root})"])
    data = read_yaml(path, WaiverError)
    if isinstance(data, list):  # a bare list is accepted as the value of `waivers`
        data = {"waivers": data}
    validate(data, "waivers.schema.json", display, WaiverError)
    waivers = tuple(_waiver(entry) for entry in data["waivers"])
    _check_semantics(waivers, display)
    return waivers


def _waiver(entry: dict[str, Any]) -> Waiver:
    created = entry.get("created")
    return Waiver(
        id=entry["id"],
        check=entry["check"],
        reason=entry["reason"].strip(),
        approver=entry["approver"].strip(),
        expires=dt.date.fromisoformat(entry["expires"]),
        app=entry.get("app"),
        path=entry.get("path"),
        rule=entry.get("rule"),
        fingerprint=entry.get("fingerprint"),
        created=dt.date.fromisoformat(created) if created else None,
    )


def _check_semantics(waivers: tuple[Waiver, ...], display: str) -> None:
    problems = []
    seen: dict[str, int] = {}
    for index, waiver in enumerate(waivers):
        if waiver.id in seen:
            problems.append(f"waivers[{index}].id: duplicate id {waiver.id!r} (also waivers[{seen[waiver.id]}])")
        seen.setdefault(waiver.id, index)
        if waiver.created and waiver.created > waiver.expires:
            problems.append(f"waivers[{index}].created: {waiver.created} is after expires {waiver.expires}")
    if problems:
        raise WaiverError(display, problems)


def _roots(connector_root: Path | Iterable[Path] | None) -> list[Path]:
    if connector_root is None:
        return []
    if isinstance(connector_root, (str, Path)):
        return [Path(connector_root)]
    return [Path(root) for root in connector_root]


def _inside(path: Path, root: Path) -> bool:
    # resolve both: a symlink or '..' must not smuggle a connector's file past the check
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True
