"""Findings of the vulnerability checks: one per vulnerable package version (every advisory and every
lockfile of it in one finding), plus what could not be audited. Pure functions over the audit result; the
checks only choose which lockfiles."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from certifier.collect.advisories.audit import AuditResult, audit
from certifier.collect.advisories.config import bounded
from certifier.collect.advisories.matching import Match
from certifier.collect.advisories.online import OnlineError, OnlineSource
from certifier.collect.advisories.store import AdvisoryDBError, Snapshot
from certifier.checks.dependencies._package_advisories import advisory_key, affecting, package_finding, rule_for
from certifier.checks.dependencies._shared import advisory_db, online_source, parsed_all
from certifier.checks.registry import CheckCannotRun
from certifier.collect.context import CheckContext
from certifier.core.model import Finding, Location, Severity


@dataclass(frozen=True)
class Source:
    """What the packages were matched against, as every finding states it."""

    snapshot: Snapshot
    online: OnlineSource | None = None

    @property
    def label(self) -> str:
        return self.snapshot.label() + (f" + {self.online.label}" if self.online else "")


def audit_lockfiles(ctx: CheckContext, paths: list[str], check_id: str) -> Iterator[Finding]:
    db = advisory_db(ctx)
    online = online_source()
    try:
        result = audit(db, parsed_all(ctx, paths), online)
    except (AdvisoryDBError, OnlineError) as error:
        raise CheckCannotRun(f"dependencies not audited: {error}") from None
    app = ctx.app.name if ctx.app else None
    yield from findings_from(result, Source(db.snapshot, online), (check_id, app))


def findings_from(result: AuditResult, source: Source, owner: tuple[str, str | None] | None = None
                  ) -> Iterator[Finding]:
    """`owner` (check id, app) fingerprints what a package finding merged, so waivers of it still match."""
    findings = [_with_merged(package_finding(group, source.label), group, owner)
                for group in by_package_version(result.matches)]
    blocking = any(f.severity is Severity.ERROR for f in findings)
    if result.not_audited and not blocking:
        raise CheckCannotRun("not audited: " + bounded(result.not_audited))
    yield from findings
    if result.not_audited:  # a definite Error already decides; say what else was not audited
        yield Finding(
            message="Some dependencies were not audited: " + bounded(result.not_audited),
            severity=Severity.WARNING, location=Location(path=result.lockfiles[0]) if result.lockfiles else None,
            rule="not-audited", key="not-audited",
            remediation="Commit a lockfile that pins every dependency and regenerate it if it does not parse.",
        )
    yield summary(result, source, len(findings))


def by_package_version(matches: list[Match]) -> list[list[Match]]:
    """Matches of one package version, whatever the advisory or the lockfile (an app may lock it twice)."""
    groups: dict[tuple, list[Match]] = {}
    for match in matches:
        p = match.package
        groups.setdefault((p.ecosystem, p.key, p.version), []).append(match)
    return [groups[k] for k in sorted(groups)]


def _with_merged(finding: Finding, group: list[Match], owner: tuple[str, str | None] | None) -> Finding:
    """The fingerprints the group's other (advisory, lockfile) findings had when each was its own."""
    if owner is None:
        return finding
    check_id, app = owner
    fixed = {a.advisory.id: a.fixed for a in affecting(group)}
    own = finding.with_fingerprint(check_id, app).fingerprint
    merged = set()
    for match in group:
        rule, _severity = rule_for(match.advisory.rating.level, fixed[match.advisory.id] is not None)
        p = match.package
        alone = Finding(message="", severity=Severity.INFO, location=Location(path=p.lockfile), rule=rule,
                        key=advisory_key(match.advisory.id, p.ecosystem, p.name, p.version))
        merged.add(alone.with_fingerprint(check_id, app).fingerprint)
    merged.discard(own)
    if not merged:
        return finding
    return finding.model_copy(update={"properties": {**finding.properties, "merged_fingerprints": sorted(merged)}})


def summary(result: AuditResult, source: Source, matched: int) -> Finding:
    packages = result.packages
    direct = sum(1 for p in packages if p.direct)
    dev = sum(1 for p in packages if p.dev)
    return Finding(
        message=f"Audited {len(packages)} locked packages ({direct} direct, {dev} dev) from "
        f"{bounded(result.lockfiles) or 'no lockfile'} against {source.label}: {matched} vulnerable package "
        f"version{'' if matched == 1 else 's'}",
        severity=Severity.INFO,
        location=Location(path=result.lockfiles[0]) if result.lockfiles else None,
        rule="audited", key="audited",
        properties={"advisory_db": source.snapshot.as_dict(), "online": source.online.label if source.online else None,
                    "lockfiles": result.lockfiles[:100], "packages": len(packages), "matches": matched,
                    "range_problems": result.problems[:20]},
    )
