"""Judge every finding and outcome of a run against a profile and waivers (pure; used by decide()).

The result says, per finding, "blocks this stage: yes / no / waived" and whether it needs human
review, and gives the trace steps that the decision's precedence is then applied to.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Mapping, Sequence

from certifier.core.model import CheckResult, DecisionKind, Finding, Outcome, Severity, Stage, TraceStep, WaiverUse
from certifier.policy.rules import gate, review_rule, threshold
from certifier.policy.profiles import BlockAt, Profile
from certifier.policy.waivers import Waiver

NEGATIVE, UNDECIDED, REVIEW = DecisionKind.NEGATIVE, DecisionKind.UNDECIDED, DecisionKind.REVIEW


@dataclass(frozen=True)
class FindingStatus:
    check_id: str
    app: str | None
    fingerprint: str
    severity: Severity
    blocks: str  # "yes" | "no" | "waived" (it would block or need review, but a waiver covers it)
    review: bool  # needs human review before certification (never when blocking or waived)
    block_at: BlockAt
    decided_by: str  # the profile rule that set block_at, e.g. "preview:cert-only-readme"
    waived_by: tuple[str, ...] = ()
    review_rule: str = ""  # the review matcher that asks for human judgement (if any)


@dataclass(frozen=True)
class Assessment:
    findings: tuple[FindingStatus, ...]
    steps: tuple[TraceStep, ...]
    waivers: tuple[WaiverUse, ...]
    results: int


def assess(
    profile: Profile,
    results: Sequence[CheckResult],
    waivers: Sequence[Waiver] = (),
    *,
    today: dt.date,
    app_types: Mapping[str, str] | None = None,
) -> Assessment:
    """Per-finding status and the trace steps (unordered by effect); decide() applies the precedence."""
    ordered = sorted(results, key=_result_key)
    live = [w for w in waivers if not w.expired(today)]
    expired = [w for w in waivers if w.expired(today)]
    statuses: list[FindingStatus] = []
    steps: list[TraceStep] = []
    covered: dict[str, set[str]] = defaultdict(set)  # waiver id -> fingerprints in its scope
    for result in ordered:
        app_type = (app_types or {}).get(result.app) if result.app else None
        judged = [_judge(profile, result, f, app_type, live) for f in _fingerprinted(result)]
        for status, finding in judged:
            for waiver in (*live, *expired):
                if waiver.covers(result, finding):
                    covered[waiver.id].add(finding.fingerprint)
        statuses.extend(status for status, _ in judged)
        steps.extend(_finding_steps(result, judged))
        steps.extend(_outcome_steps(profile, result, app_type))
    steps.extend(_missing_stages(profile, ordered))
    uses = _waiver_uses(waivers, today, covered)
    steps.extend(_expired_steps(uses))
    return Assessment(tuple(statuses), tuple(steps), uses, len(ordered))


def _judge(
    profile: Profile, result: CheckResult, finding: Finding, app_type: str | None, live: list[Waiver]
) -> tuple[FindingStatus, Finding]:
    resolution = threshold(profile, result.check_id, finding.rule, app_type)
    would_block = resolution.block_at.blocks(finding.severity)
    reviewer = None if would_block else review_rule(profile, result.check_id, finding, app_type)
    wants_review = reviewer is not None
    waived_by = tuple(w.id for w in live if w.covers(result, finding))
    if waived_by:
        blocks = "waived" if (would_block or wants_review) else "no"
    else:
        blocks = "yes" if would_block else "no"
    status = FindingStatus(
        check_id=result.check_id,
        app=result.app,
        fingerprint=finding.fingerprint,
        severity=finding.severity,
        blocks=blocks,
        review=wants_review and not waived_by,
        block_at=resolution.block_at,
        decided_by=resolution.rule,
        waived_by=waived_by,
        review_rule=reviewer or "",
    )
    return status, finding


def _finding_steps(result: CheckResult, judged: list[tuple[FindingStatus, Finding]]) -> list[TraceStep]:
    groups: dict[tuple[str, DecisionKind | None], list[tuple[FindingStatus, Finding]]] = defaultdict(list)
    for status, finding in judged:
        if status.blocks == "yes":
            groups[(status.decided_by, NEGATIVE)].append((status, finding))
        elif status.review:
            groups[(status.review_rule, REVIEW)].append((status, finding))
        elif status.blocks == "waived":
            groups[(f"waiver:{status.waived_by[0]}", None)].append((status, finding))
    steps = []
    for (rule, effect), members in sorted(groups.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        first = members[0][1]
        one = len(members) == 1
        count = f"{len(members)} finding{'' if one else 's'}"
        if effect is NEGATIVE:
            block_at = members[0][0].block_at.value
            text = f"{count} {'blocks' if one else 'block'} (block_at {block_at}): {first.message}"
        elif effect is REVIEW:
            text = f"{count} {'needs' if one else 'need'} human review: {first.message}"
        else:
            text = f"{count} waived ({', '.join(sorted({w for s, _ in members for w in s.waived_by}))})"
        steps.append(_step(rule, effect, text, result, sorted(s.fingerprint for s, _ in members)))
    return steps


def _outcome_steps(profile: Profile, result: CheckResult, app_type: str | None) -> list[TraceStep]:
    """`error` and `skip` of a gating check mean "not audited"; they are never pass and never fail."""
    if result.outcome is Outcome.ERROR:
        what = f"could not run: {result.summary or 'no reason given'}"
    elif result.outcome is Outcome.SKIP:
        what = f"was not audited (skipped: {result.summary or 'no reason given'})"
    elif result.outcome in (Outcome.FAIL, Outcome.WARN) and not result.findings:
        what = f"has outcome {result.outcome.value} but no findings: the evidence is inconsistent"
    else:
        return []
    resolution = gate(profile, result.check_id, app_type)
    if resolution.block_at is BlockAt.NEVER:
        return [_step(resolution.rule, None, f"{what}; it does not gate {profile.stage}: ignored", result)]
    return [_step(resolution.rule, UNDECIDED, what, result)]


def _missing_stages(profile: Profile, results: list[CheckResult]) -> list[TraceStep]:
    required = set().union(*(p.requires_stages for p in profile.chain()))
    ran = {r.stage for r in results}
    return [
        TraceStep(rule=f"{profile.id}:requires_stages", effect=UNDECIDED,
                  message=f"stage {stage.value} produced no results: not audited")
        for stage in Stage
        if stage in required and stage not in ran and results
    ]


def _waiver_uses(waivers: Sequence[Waiver], today: dt.date, covered: dict[str, set[str]]) -> tuple[WaiverUse, ...]:
    uses = []
    for waiver in sorted(waivers, key=lambda w: w.id):
        prints = tuple(sorted(covered.get(waiver.id, ())))
        status = "expired" if waiver.expired(today) else ("applied" if prints else "unused")
        uses.append(WaiverUse(waiver_id=waiver.id, status=status, reason=waiver.reason, approver=waiver.approver,
                              expires=waiver.expires.isoformat(), fingerprints=prints))
    return tuple(uses)


def _expired_steps(uses: tuple[WaiverUse, ...]) -> list[TraceStep]:
    return [
        TraceStep(rule=f"waiver:{use.waiver_id}", message=(
            f"expired on {use.expires}: ignored (it would cover {len(use.fingerprints)} finding(s))"),
            fingerprints=use.fingerprints)
        for use in uses if use.status == "expired"
    ]


def _fingerprinted(result: CheckResult) -> list[Finding]:
    # hand-built or stored results may lack fingerprints; the runner's formula fills them in
    found = [f if f.fingerprint else f.with_fingerprint(result.check_id, result.app) for f in result.findings]
    return sorted(found, key=lambda f: (f.fingerprint, f.severity.rank, f.message))


def _result_key(result: CheckResult) -> tuple:
    prints = tuple(sorted(f.fingerprint or f.message for f in result.findings))
    return (*result.sort_key, result.outcome.value, result.summary, prints)


def _step(rule: str, effect: DecisionKind | None, message: str, result: CheckResult,
          fingerprints: Sequence[str] = ()) -> TraceStep:
    return TraceStep(rule=rule, effect=effect, message=message, check_id=result.check_id, app=result.app,
                     fingerprints=tuple(fingerprints))
