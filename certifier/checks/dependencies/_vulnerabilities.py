"""Findings of the vulnerability checks: one per (advisory, package@version, lockfile), plus what could
not be audited. Pure functions over the audit result; the checks only choose which lockfiles."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from certifier.collect.advisories.audit import AuditResult, audit
from certifier.collect.advisories.config import bounded, setting
from certifier.collect.advisories.matching import Match
from certifier.collect.advisories.online import OnlineError, OnlineSource
from certifier.collect.advisories.store import AdvisoryDBError, Snapshot
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


def audit_lockfiles(ctx: CheckContext, paths: list[str]) -> Iterator[Finding]:
    db = advisory_db(ctx)
    online = online_source()
    try:
        result = audit(db, parsed_all(ctx, paths), online)
    except (AdvisoryDBError, OnlineError) as error:
        raise CheckCannotRun(f"dependencies not audited: {error}") from None
    yield from decide(result, Source(db.snapshot, online))


def decide(result: AuditResult, source: Source) -> Iterator[Finding]:
    findings = [vulnerability(group, source) for group in _grouped(result.matches)]
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


def rule_for(level: str, fixable: bool) -> tuple[str, Severity]:
    table = setting("findings")
    rule, severity = table.get(level, table["UNKNOWN"])["fixed" if fixable else "unfixed"]
    return str(rule), Severity(severity)


def vulnerability(group: list[Match], source: Source) -> Finding:
    first = min(group, key=lambda m: (m.package.line or 0, m.package.path_in_lock))
    advisory, package = first.advisory, first.package
    fixed = next((m.fixed for m in group if m.fixed), None)
    rule, severity = rule_for(advisory.rating.level, fixed is not None)
    dev = all(m.package.dev for m in group)
    direct = any(m.package.direct for m in group)
    paths = sorted({m.package.path_in_lock for m in group})
    relation = ("direct" if direct else "transitive") + (" dev" if dev else "")
    score = f", CVSS {advisory.rating.score:g}" if advisory.rating.score is not None else ""
    alias = f" ({advisory.cve})" if advisory.cve and advisory.cve != advisory.id else ""
    where = "" if direct else f" via {bounded(paths)}"
    return Finding(
        message=f"{package.label} ({relation} dependency{where}) is affected by {advisory.id}{alias}: "
        f"{advisory.summary} [{advisory.rating.level}{score}]; "
        + (f"fixed in {fixed}" if fixed else "no fixed version exists"),
        severity=severity,
        location=Location(path=package.lockfile, line=first.package.line),
        rule=rule,
        key=f"{advisory.id} {package.ecosystem}:{package.name}@{package.version}",
        remediation=_remediation(package.name, fixed, direct, package.lockfile),
        properties={
            "advisory": advisory.id, "aliases": list(advisory.aliases), "url": advisory.url,
            "ecosystem": package.ecosystem, "package": package.name, "version": package.version,
            "osv_severity": advisory.rating.level, "cvss": advisory.rating.score,
            "cvss_vector": advisory.rating.vector, "fixed": fixed, "dev": dev, "direct": direct,
            "paths": paths[:50], "advisory_db": source.label,
        },
    )


def summary(result: AuditResult, source: Source, matched: int) -> Finding:
    packages = result.packages
    direct = sum(1 for p in packages if p.direct)
    dev = sum(1 for p in packages if p.dev)
    return Finding(
        message=f"Audited {len(packages)} locked packages ({direct} direct, {dev} dev) from "
        f"{bounded(result.lockfiles) or 'no lockfile'} against {source.label}: {matched} vulnerable",
        severity=Severity.INFO,
        location=Location(path=result.lockfiles[0]) if result.lockfiles else None,
        rule="audited", key="audited",
        properties={"advisory_db": source.snapshot.as_dict(), "online": source.online.label if source.online else None,
                    "lockfiles": result.lockfiles[:100], "packages": len(packages), "matches": matched,
                    "range_problems": result.problems[:20]},
    )


def _grouped(matches: list[Match]) -> list[list[Match]]:
    groups: dict[tuple, list[Match]] = {}
    for match in matches:
        p = match.package
        groups.setdefault((match.advisory.id, p.ecosystem, p.key, p.version, p.lockfile), []).append(match)
    return [groups[k] for k in sorted(groups)]


def _remediation(name: str, fixed: str | None, direct: bool, lockfile: str) -> str:
    if fixed is None:
        return (f"No release of {name} fixes this advisory: replace or remove {name} (or the package that "
                "pulls it in); a reviewer may waive it with a written justification.")
    if direct:
        return f"Upgrade {name} to {fixed} or later and regenerate {lockfile}."
    return (f"Upgrade the dependency that pulls in {name} so that it resolves to {fixed} or later (or pin it "
            f"with npm `overrides` / yarn `resolutions`), then regenerate {lockfile}.")
