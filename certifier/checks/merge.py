"""One problem, one finding, across every result of a run (pure: results in, results out).

Checks report what they see; the same problem is often seen more than once: a common module's file by the
SAST check of every app built from it, one line by two rules or two tools, one secret by several scanners
(which problems are one: certifier.core.dedup). Each group becomes ONE finding, kept in the result of its
most severe (then most confident) member, listing every other place (`also_at`) and every check, tool and
rule that saw it (`seen_by`). The kept finding keeps its fingerprint, so waivers of it still match; the
fingerprints merged into it are listed (`properties.merged_fingerprints`), and the apps when it was seen in
several. A result that gave a finding away is re-summarised from what it still holds, and says where it went.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from certifier.checks.execute import outcome_of, summary_of
from certifier.core.dedup import groups, identity_keys
from certifier.core.model import CheckResult, Confidence, Finding, Location, Outcome

MAX_ALSO_AT = 50
MAX_MERGED_NOTES = 20
_CONFIDENCE_RANK = {Confidence.HIGH: 0, Confidence.MEDIUM: 1, Confidence.LOW: 2}
_JUDGED = (Outcome.PASS, Outcome.WARN, Outcome.FAIL)  # results whose outcome follows from their findings


@dataclass(frozen=True)
class _Seen:
    result: int  # index into the results
    position: int  # index into that result's findings
    finding: Finding
    check_id: str
    app: str | None

    @property
    def rank(self) -> tuple:
        """Kept first: most severe, most confident; the rest only makes the choice independent of order."""
        loc = self.finding.location
        return (-self.finding.severity.rank, _CONFIDENCE_RANK[self.finding.confidence], self.check_id,
                self.app or "", loc.path if loc else "", (loc.line or 0) if loc else 0, self.finding.fingerprint)

    @property
    def label(self) -> str:
        """Who saw it: check (and app), tool and rule, e.g. "sec.sast@hello-service/semgrep:eval-dynamic"."""
        where = f"{self.check_id}@{self.app}" if self.app else self.check_id
        return f"{where}/{self.finding.tool}:{self.finding.rule or '-'}"


def merged(results: Sequence[CheckResult]) -> list[CheckResult]:
    """`results` with every problem reported once (see the module doc); unrelated results are untouched."""
    seen = [_Seen(r, p, f, results[r].check_id, results[r].app)
            for r, result in enumerate(results) if result.outcome in _JUDGED
            for p, f in enumerate(result.findings)]
    replaced: dict[tuple[int, int], Finding | None] = {}
    given_away: dict[int, list[tuple[_Seen, _Seen]]] = {}
    for group in groups([identity_keys(s.finding, s.check_id) for s in seen]):
        if len(group) < 2:
            continue
        members = sorted((seen[i] for i in group), key=lambda s: s.rank)
        kept = members[0]
        replaced[(kept.result, kept.position)] = one_finding(kept, members[1:])
        for other in members[1:]:
            replaced[(other.result, other.position)] = None
            if other.result != kept.result:
                given_away.setdefault(other.result, []).append((other, kept))
    return [_rebuilt(result, index, replaced, given_away.get(index, []))
            if any(key[0] == index for key in replaced) else result
            for index, result in enumerate(results)]


def one_finding(kept: _Seen, others: Sequence[_Seen]) -> Finding:
    """The kept finding, carrying the places, reporters and fingerprints of the others."""
    finding = kept.finding
    places = [*finding.also_at]
    for other in others:
        places += [other.finding.location, *other.finding.also_at] if other.finding.location else []
    also_at = _distinct(places, exclude=finding.location)[:MAX_ALSO_AT]
    seen_by = sorted({*finding.seen_by, kept.label, *(o.label for o in others), *(s for o in others
                                                                                 for s in o.finding.seen_by)})
    merged_prints = {*finding.properties.get("merged_fingerprints", ())}
    for other in others:
        merged_prints |= {other.finding.fingerprint, *other.finding.properties.get("merged_fingerprints", ())}
    merged_prints.discard(finding.fingerprint)
    properties = {**finding.properties, "merged_fingerprints": sorted(merged_prints)}
    apps = sorted({s.app for s in (kept, *others) if s.app})
    if len(apps) > 1:
        properties["apps"] = apps
    return finding.model_copy(update={
        "also_at": tuple(also_at), "seen_by": tuple(seen_by) if len(seen_by) > 1 else finding.seen_by,
        "needs_review": finding.needs_review or any(o.finding.needs_review for o in others),
        "properties": properties,
    })


def _distinct(places: list[Location], exclude: Location | None) -> list[Location]:
    out: list[Location] = []
    for place in sorted(places, key=lambda p: (p.path, p.line or 0, p.column or 0)):
        if place != exclude and place not in out:
            out.append(place)
    return out


def _rebuilt(result: CheckResult, index: int, replaced: dict[tuple[int, int], Finding | None],
             given: list[tuple[_Seen, _Seen]]) -> CheckResult:
    findings = tuple(f for p, finding in enumerate(result.findings)
                     if (f := replaced.get((index, p), finding)) is not None)
    evidence = dict(result.evidence)
    summary = summary_of(findings, evidence)
    if given:
        notes = [{"fingerprint": other.finding.fingerprint, "check_id": kept.check_id, "app": kept.app,
                  "into": kept.finding.fingerprint} for other, kept in given]
        evidence["merged_into"] = notes[:MAX_MERGED_NOTES]
        places = sorted({_where(kept) for _other, kept in given})
        summary += f"; {len(given)} reported once with {places[0]}" + (
            f" and {len(places) - 1} other result{'s' if len(places) > 2 else ''}" if len(places) > 1 else "")
    return result.model_copy(update={"findings": findings, "outcome": outcome_of(findings), "summary": summary,
                                     "evidence": evidence})


def _where(kept: _Seen) -> str:
    return f"{kept.check_id} ({kept.app})" if kept.app else kept.check_id
