"""Which locked packages an advisory affects, and the version that fixes them.

OSV range semantics (https://ossf.github.io/osv-schema/#evaluation): the events of a range are
sorted by version; a version is affected when the latest `introduced` at or below it is not followed
by a `fixed` at or below it or a `last_affected` below it; `limit` caps the range. Explicit
`versions` lists are matched exactly. A fix exists when the event closing the interval the installed
version lies in is `fixed` (a `last_affected` close means no fixed release exists).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from certifier.collect.advisories.model import Package, normalise_name
from certifier.collect.advisories.osv import EVENT_KINDS, Advisory, Affected, Range
from certifier.collect.advisories.versions import UnorderedVersion, same_version, sort_key

_ORDER = {kind: n for n, kind in enumerate(EVENT_KINDS)}
_BEGINNING = object()  # introduced "0": before every version


@dataclass(frozen=True)
class Match:
    advisory: Advisory
    package: Package
    fixed: str | None  # lowest release that is no longer affected, None when none exists

    @property
    def fixable(self) -> bool:
        return self.fixed is not None


@dataclass
class MatchReport:
    matches: list[Match] = field(default_factory=list)
    unaudited: list[str] = field(default_factory=list)  # packages whose version cannot be ordered
    problems: list[str] = field(default_factory=list)  # advisory ranges that could not be evaluated


class AdvisoryIndex:
    """Advisories by (ecosystem, normalised package name): one dictionary lookup per package."""

    def __init__(self, advisories: Iterable[Advisory] = ()) -> None:
        self._by_package: dict[tuple[str, str], list[tuple[Advisory, Affected]]] = defaultdict(list)
        self.count = 0
        self.ecosystems: dict[str, int] = defaultdict(int)
        for advisory in advisories:
            self.add(advisory)

    def add(self, advisory: Advisory) -> None:
        self.count += 1
        for ecosystem in {a.ecosystem for a in advisory.affected}:
            self.ecosystems[ecosystem] += 1
        for affected in advisory.affected:
            self._by_package[(affected.ecosystem, normalise_name(affected.ecosystem, affected.name))].append(
                (advisory, affected)
            )

    @classmethod
    def merged(cls, *indexes: "AdvisoryIndex") -> "AdvisoryIndex":
        """One index over several (offline + online): matching counts an advisory id once."""
        out = cls()
        for index in indexes:
            out.count += index.count
            for ecosystem, n in index.ecosystems.items():
                out.ecosystems[ecosystem] += n
            for key, items in index._by_package.items():
                out._by_package[key].extend(items)
        return out

    def candidates(self, ecosystem: str, name: str) -> list[tuple[Advisory, Affected]]:
        return self._by_package.get((ecosystem, normalise_name(ecosystem, name)), [])


def match_packages(index: AdvisoryIndex, packages: Iterable[Package]) -> MatchReport:
    """Every (advisory, package) match; each distinct name@version is evaluated once."""
    report = MatchReport()
    verdicts: dict[tuple[str, str, str], list[tuple[Advisory, str | None]]] = {}
    for package in packages:
        if not package.registry:
            continue
        identity = (package.ecosystem, package.key, package.version)
        if identity not in verdicts:
            verdicts[identity] = _evaluate(index, package, report)
        report.matches.extend(Match(advisory, package, fixed) for advisory, fixed in verdicts[identity])
    return report


def _evaluate(index: AdvisoryIndex, package: Package, report: MatchReport) -> list[tuple[Advisory, str | None]]:
    candidates = index.candidates(package.ecosystem, package.name)
    if not candidates:
        return []
    try:
        installed = sort_key(package.ecosystem, package.version)
    except UnorderedVersion as bad:
        report.unaudited.append(f"{package.label} in {package.lockfile}: {bad}")
        return []
    found: dict[str, tuple[Advisory, str | None]] = {}
    for advisory, affected in candidates:
        hit = affected_version(affected, package.version, installed, report.problems, advisory.id)
        if hit is not None:
            previous = found.get(advisory.id)
            # an advisory with several matching entries is fixable only if one of them has a fix
            if previous is None or (previous[1] is None and hit[1] is not None):
                found[advisory.id] = (advisory, hit[1])
    return sorted(found.values(), key=lambda item: item[0].id)


def affected_version(
    affected: Affected, version: str, installed=None, problems: list[str] | None = None, advisory_id: str = ""
) -> tuple[bool, str | None] | None:
    """(True, fixed version or None) when `version` is affected, else None."""
    if installed is None:
        installed = sort_key(affected.ecosystem, version)
    result: tuple[bool, str | None] | None = None
    for range_ in affected.ranges:
        try:
            hit = _in_range(range_, affected.ecosystem, installed)
        except UnorderedVersion as bad:
            if problems is not None:
                problems.append(f"{advisory_id} ({affected.name}): {bad}")
            continue
        if hit is not None and (result is None or (result[1] is None and hit[1] is not None)):
            result = hit
    if result is None and any(same_version(affected.ecosystem, version, v) for v in affected.versions):
        result = (True, None)  # an explicit list names no fix
    return result


def _in_range(range_: Range, ecosystem: str, installed) -> tuple[bool, str | None] | None:
    events = sorted(range_.events, key=lambda e: _sortable(e, ecosystem, range_.type))
    included = False
    closing: str | None = None
    for position, event in enumerate(events):
        at = _event_key(event, ecosystem, range_.type)
        if event.kind == "introduced" and (at is _BEGINNING or installed >= at):
            included = True
            closing = _closing_fix(events[position + 1 :])
        elif event.kind == "fixed" and installed >= at:
            included = False
        elif event.kind == "last_affected" and installed > at:
            included = False
        elif event.kind == "limit" and installed >= at:
            included = False
    return (True, closing) if included else None


def _closing_fix(after: list) -> str | None:
    """The version of the first event that ends the interval: `fixed` gives a fix, anything else none."""
    for event in after:
        if event.kind == "fixed":
            return event.version
        if event.kind in ("last_affected", "limit"):
            return None
    return None


def _sortable(event, ecosystem: str, range_type: str) -> tuple:
    at = _event_key(event, ecosystem, range_type)
    return ((0,) if at is _BEGINNING else (1, at), _ORDER[event.kind])


def _event_key(event, ecosystem: str, range_type: str):
    if event.kind == "introduced" and event.version == "0":
        return _BEGINNING
    return sort_key(ecosystem, event.version, range_type)


MAX_FIX_STEPS = 20  # each step moves past one more affected interval; real advisories need one or two


def lowest_common_fix(ecosystem: str, name: str, advisories: Iterable[Advisory], fixes: Iterable[str]) -> str | None:
    """The lowest release that none of `advisories` affects, for one package: the highest of their fixes,
    moved past any interval of another advisory it still falls in. None when no such release is known (an
    interval with no fix, or versions that cannot be ordered)."""
    entries = [a for advisory in advisories for a in advisory.affected
               if a.ecosystem == ecosystem and normalise_name(ecosystem, a.name) == normalise_name(ecosystem, name)]
    try:
        candidate = max(fixes, key=lambda v: sort_key(ecosystem, v), default=None)
        for _ in range(MAX_FIX_STEPS):
            if candidate is None:
                return None
            later = [hit[1] for entry in entries if (hit := affected_version(entry, candidate)) is not None]
            if not later:
                return candidate
            candidate = None if None in later else max(later, key=lambda v: sort_key(ecosystem, v))
    except UnorderedVersion:
        return None
    return None
