"""Auditing a set of lockfile inventories against the advisory database (and the online adapter when
configured): the matches, and every part that could NOT be audited, with the reason."""

from __future__ import annotations

from dataclasses import dataclass, field

from certifier.collect.advisories.matching import AdvisoryIndex, Match, match_packages
from certifier.collect.advisories.model import LockfileError, LockfileInventory, Package
from certifier.collect.advisories.online import OnlineError, OnlineSource, osv_index
from certifier.collect.advisories.store import AdvisoryDB, AdvisoryDBError


@dataclass
class AuditResult:
    matches: list[Match] = field(default_factory=list)
    not_audited: list[str] = field(default_factory=list)
    packages: list[Package] = field(default_factory=list)
    lockfiles: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def audit(db: AdvisoryDB, parsed: list[LockfileInventory | LockfileError],
          online: OnlineSource | None = None) -> AuditResult:
    """Raises AdvisoryDBError / OnlineError when the sources themselves fail (nothing was audited)."""
    result = AuditResult()
    for item in parsed:
        if isinstance(item, LockfileError):
            result.not_audited.append(f"{item} (lockfile not parsed)")
            continue
        result.lockfiles.append(item.path)
        result.not_audited.extend(item.unaudited)
        covered = online is not None or db.covers(item.ecosystem) or not any(p.registry for p in item.packages)
        if not covered:
            result.not_audited.append(f"{item.path}: the advisory database ({db.snapshot.label()}) has no "
                                      f"{item.ecosystem} advisories")
            continue
        result.packages.extend(item.packages)
    index = db.index_for(result.packages)
    if online is not None:
        index = AdvisoryIndex.merged(index, osv_index(online, result.packages))
    report = match_packages(index, result.packages)
    result.matches = report.matches
    result.not_audited.extend(report.unaudited)
    result.problems = report.problems
    return result


__all__ = ["AuditResult", "audit", "AdvisoryDBError", "OnlineError"]
