"""One finding per vulnerable package version of an app: every advisory that affects it and every lockfile
that locks it, with ONE fix, the lowest release that fixes them all (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from certifier.collect.advisories.config import bounded, setting
from certifier.collect.advisories.matching import Match, lowest_common_fix
from certifier.collect.advisories.osv import Advisory
from certifier.core.file_kinds import file_kind
from certifier.core.model import Finding, Location, Severity

LEVELS = {"CRITICAL": 4, "HIGH": 3, "MODERATE": 2, "LOW": 1}


@dataclass(frozen=True)
class Affecting:
    """One advisory on the package version, with its own fix (None: no release fixes it)."""

    advisory: Advisory
    fixed: str | None
    rule: str
    severity: Severity

    @property
    def gate_rank(self) -> tuple:
        """The advisory that gates earliest first: the finding takes its rule, so merging never loosens a
        gate (fixable HIGH/CRITICAL block publish, unfixable CRITICAL certification, the rest advise)."""
        fixable = self.rule.startswith("fixable-")
        return (-self.severity.rank, not fixable, -LEVELS.get(self.advisory.rating.level, 0), self.advisory.id)

    def label(self) -> str:
        rating = self.advisory.rating
        score = f", CVSS {rating.score:g}" if rating.score is not None else ""
        alias = f" ({self.advisory.cve})" if self.advisory.cve and self.advisory.cve != self.advisory.id else ""
        return f"{self.advisory.id}{alias} [{rating.level}{score}]"


def rule_for(level: str, fixable: bool) -> tuple[str, Severity]:
    table = setting("findings")
    rule, severity = table.get(level, table["UNKNOWN"])["fixed" if fixable else "unfixed"]
    return str(rule), Severity(severity)


def affecting(group: list[Match]) -> list[Affecting]:
    """The advisories of one package version, each once, gating one first."""
    best: dict[str, Match] = {}
    for match in group:
        known = best.get(match.advisory.id)
        if known is None or (known.fixed is None and match.fixed is not None):
            best[match.advisory.id] = match
    found = [Affecting(m.advisory, m.fixed, *rule_for(m.advisory.rating.level, m.fixed is not None))
             for m in best.values()]
    return sorted(found, key=lambda a: a.gate_rank)


def package_finding(group: list[Match], source_label: str) -> Finding:
    """The finding of one package version (`group`: its matches, any advisory, any lockfile of the app)."""
    advisories = affecting(group)
    lead = advisories[0]
    package = min((m.package for m in group), key=lambda p: (p.lockfile, p.line or 0, p.path_in_lock))
    fix = common_fix(package.ecosystem, package.name, advisories)
    dev = all(m.package.dev for m in group)
    direct = any(m.package.direct for m in group)
    paths = sorted({m.package.path_in_lock for m in group})
    relation = ("direct" if direct else "transitive") + (" dev" if dev else "")
    where = "" if direct else f" via {bounded(paths)}"
    return Finding(
        message=f"{package.label} ({relation} dependency{where}) is affected by {_listed(advisories)}; "
        + _outcome(advisories, fix),
        severity=lead.severity,
        location=Location(path=package.lockfile, line=package.line),
        also_at=_also_at(group, package),
        rule=lead.rule,
        key=advisory_key(lead.advisory.id, package.ecosystem, package.name, package.version),
        remediation=remediation(package.name, package.ecosystem, fix, advisories, direct, package.lockfile),
        file_kind=file_kind(package.lockfile),
        properties={
            "advisory": lead.advisory.id, "aliases": list(lead.advisory.aliases), "url": lead.advisory.url,
            "advisories": [_summary(a) for a in advisories], "ecosystem": package.ecosystem,
            "package": package.name, "version": package.version, "osv_severity": lead.advisory.rating.level,
            "cvss": lead.advisory.rating.score, "cvss_vector": lead.advisory.rating.vector, "fixed": fix,
            "dev": dev, "direct": direct, "paths": paths[:50], "lockfiles": sorted({m.package.lockfile for m in group}),
            "advisory_db": source_label,
        },
    )


def advisory_key(advisory_id: str, ecosystem: str, name: str, version: str) -> str:
    return f"{advisory_id} {ecosystem}:{name}@{version}"


def common_fix(ecosystem: str, name: str, advisories: list[Affecting]) -> str | None:
    """The lowest release that fixes every advisory; None when one of them has no fix."""
    if any(a.fixed is None for a in advisories):
        return None
    return lowest_common_fix(ecosystem, name, [a.advisory for a in advisories], [a.fixed for a in advisories])


def _listed(advisories: list[Affecting]) -> str:
    if len(advisories) == 1:
        return f"{advisories[0].label()}: {advisories[0].advisory.summary}"
    return f"{len(advisories)} advisories: " + bounded([a.label() for a in advisories])


def _outcome(advisories: list[Affecting], fix: str | None) -> str:
    if fix is not None:
        return f"fixed in {fix}" if len(advisories) == 1 else f"{fix} fixes them all"
    unfixed = [a.advisory.id for a in advisories if a.fixed is None]
    if len(unfixed) == len(advisories):
        return "no fixed version exists"
    return f"no release fixes {bounded(unfixed)}" if unfixed else "no single release fixes them all"


def _also_at(group: list[Match], shown) -> tuple[Location, ...]:
    """The same version locked by the app's other lockfiles (package-lock.json and yarn.lock)."""
    others = {(m.package.lockfile, m.package.line) for m in group if m.package.lockfile != shown.lockfile}
    firsts: dict[str, int | None] = {}
    for lockfile, line in sorted(others, key=lambda o: (o[0], o[1] or 0)):
        firsts.setdefault(lockfile, line)
    return tuple(Location(path=path, line=line) for path, line in sorted(firsts.items()))


def _summary(item: Affecting) -> dict:
    rating = item.advisory.rating
    return {"id": item.advisory.id, "aliases": list(item.advisory.aliases), "level": rating.level,
            "cvss": rating.score, "fixed": item.fixed, "rule": item.rule, "url": item.advisory.url}


def remediation(name: str, ecosystem: str, fix: str | None, advisories: list[Affecting], direct: bool,
                lockfile: str) -> str:
    if fix is None:
        fixable = [a for a in advisories if a.fixed is not None]
        partial = common_fix(ecosystem, name, fixable) if fixable else None
        return (f"No release of {name} fixes {'every advisory' if fixable else 'this advisory'}: replace or remove "
                f"{name} (or the package that pulls it in); a reviewer may waive it with a written justification."
                + (f" Upgrading to {partial} fixes {bounded([a.advisory.id for a in fixable])}." if partial else ""))
    if direct:
        return f"Upgrade {name} to {fix} or later and regenerate {lockfile}."
    return (f"Upgrade the dependency that pulls in {name} so that it resolves to {fix} or later (or pin it "
            f"with npm `overrides` / yarn `resolutions`), then regenerate {lockfile}.")
