"""Judge every finding and outcome of a run against a profile and waivers (pure; used by decide()).

The result gives one verdict per finding (blocks, needs review, waived, advisory: certifier.policy.judge)
and the trace steps that the decision's precedence is then applied to.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Mapping, Sequence

from certifier.core.model import CheckResult, Finding, Outcome, Stage

from certifier.core.decision import DecisionKind, FindingStatus, FindingVerdict, TraceStep, WaiverUse
from certifier.policy.judge import Judgement, judge
from certifier.policy.profiles import BlockAt, Profile
from certifier.policy.rules import gate
from certifier.policy.waivers import Waiver

NEGATIVE, UNDECIDED, REVIEW = DecisionKind.NEGATIVE, DecisionKind.UNDECIDED, DecisionKind.REVIEW


@dataclass(frozen=True)
class Assessment:
    findings: tuple[Judgement, ...]
    steps: tuple[TraceStep, ...]
    waivers: tuple[WaiverUse, ...]
    results: int

    def verdicts(self) -> tuple[FindingVerdict, ...]:
        """One verdict per fingerprint, in judging order; of two findings with one fingerprint the heavier."""
        kept: dict[str, FindingVerdict] = {}
        for judged in self.findings:
            verdict = judged.verdict
            held = kept.get(verdict.fingerprint)
            if held is None or verdict.status.weight > held.status.weight:
                kept[verdict.fingerprint] = verdict
        return tuple(kept.values())


def assess(
    profile: Profile,
    results: Sequence[CheckResult],
    waivers: Sequence[Waiver] = (),
    *,
    today: dt.date,
    app_types: Mapping[str, str] | None = None,
) -> Assessment:
    """Per-finding verdicts and the trace steps (unordered by effect); decide() applies the precedence."""
    ordered = sorted(results, key=_result_key)
    live = [w for w in waivers if not w.expired(today)]
    expired = [w for w in waivers if w.expired(today)]
    judgements: list[Judgement] = []
    steps: list[TraceStep] = []
    covered: dict[str, set[str]] = defaultdict(set)  # waiver id -> fingerprints in its scope
    for result in ordered:
        app_type = (app_types or {}).get(result.app) if result.app else None
        judged = [judge(profile, result, f, app_type, live) for f in _fingerprinted(result)]
        for one in judged:
            for waiver in (*live, *expired):
                if waiver.covers(result, one.finding):
                    covered[waiver.id].add(one.finding.fingerprint)
        judgements.extend(judged)
        steps.extend(_finding_steps(result, judged))
        steps.extend(_outcome_steps(profile, result, app_type))
    steps.extend(_missing_stages(profile, ordered))
    uses = _waiver_uses(waivers, today, covered)
    steps.extend(_expired_steps(uses))
    return Assessment(tuple(judgements), tuple(steps), uses, len(ordered))


def _finding_steps(result: CheckResult, judged: list[Judgement]) -> list[TraceStep]:
    """One step per deciding rule and effect: blocking, review, waived, and advisory by confidence."""
    groups: dict[tuple[str, DecisionKind | None], list[Judgement]] = defaultdict(list)
    for one in judged:
        verdict = one.verdict
        if verdict.status is FindingStatus.WAIVED:
            groups[(f"waiver:{verdict.waivers[0]}", None)].append(one)
        elif one.effect is not None or one.demoted:
            groups[(verdict.rule, one.effect)].append(one)
    steps = []
    for (rule, effect), members in sorted(groups.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        first = members[0]
        one = len(members) == 1
        count = f"{len(members)} finding{'' if one else 's'}"
        if effect is NEGATIVE:
            text = f"{count} {'blocks' if one else 'block'} ({first.basis}): {first.finding.message}"
        elif effect is REVIEW:
            text = f"{count} {'needs' if one else 'need'} human review: {first.finding.message}"
        elif first.verdict.status is FindingStatus.WAIVED:
            text = f"{count} waived ({', '.join(sorted({w for m in members for w in m.verdict.waivers}))})"
        else:
            text = f"{count} advisory by {first.basis}: {first.verdict.reason}"
        steps.append(_step(rule, effect, text, result, sorted(m.finding.fingerprint for m in members)))
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
