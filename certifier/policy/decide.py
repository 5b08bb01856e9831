"""decide(profile, results, waivers, today) -> Decision: the pure policy step of a run.

The Decision carries one verdict per finding (blocks, needs review, waived, advisory, and the rule that
decided), so that every rendering of the report reads them instead of judging again.

Precedence:
  1. nothing was checked                                     -> Could not decide (never positive)
  2. any blocking finding that no valid waiver covers        -> the stage's negative verdict
  3. a gating check ended in `error` or `skip`, or a stage
     the profile requires produced no results                -> Could not decide (retryable)
  4. (certification) a finding needs human judgement         -> Certification in progress
  5. otherwise                                               -> the stage's positive verdict
A definite connector Error therefore wins over an infrastructure error, and an `error` is never
turned into pass or fail. Same inputs (in any order) give the same Decision, trace included.
"""

from __future__ import annotations

import datetime as dt
from typing import Mapping, Sequence

from certifier.core.decision import EXIT_CODES, Decision, DecisionKind, FindingStatus, TraceStep, Verdict

from certifier.core.model import CheckResult
from certifier.policy.assess import Assessment, assess
from certifier.policy.profiles import Profile
from certifier.policy.waivers import Waiver

MAX_NAMED = 3  # how many checks the one-line summary names before "+N more"


def decide(
    profile: Profile,
    results: Sequence[CheckResult],
    waivers: Sequence[Waiver] = (),
    *,
    today: dt.date,
    app_types: Mapping[str, str] | None = None,
) -> Decision:
    """Decide one stage. `app_types` maps app name -> applicationType (for rules with `app_types`)."""
    judged = assess(profile, results, waivers, today=today, app_types=app_types)
    kind, summary = _precedence(profile, judged)
    final = TraceStep(rule="precedence", effect=kind, message=summary)
    return Decision(
        stage=profile.stage,
        profile=profile.id,
        profile_version=profile.version,
        kind=kind,
        verdict=_verdict(profile, kind),
        exit_code=EXIT_CODES[kind],
        summary=summary,
        trace=(*judged.steps, final),
        waivers=judged.waivers,
        findings=judged.verdicts(),
    )


def _precedence(profile: Profile, judged: Assessment) -> tuple[DecisionKind, str]:
    if judged.results == 0:
        return DecisionKind.UNDECIDED, f"{Verdict.UNDECIDED.value}: no check results (nothing was checked)"
    for kind in (DecisionKind.NEGATIVE, DecisionKind.UNDECIDED, DecisionKind.REVIEW):
        steps = [s for s in judged.steps if s.effect is kind]
        if steps:
            return kind, f"{_verdict(profile, kind).value}: {_describe(kind, steps)}"
    waived = sum(1 for v in judged.verdicts() if v.status is FindingStatus.WAIVED)
    tail = f", {waived} finding{'s' if waived != 1 else ''} waived" if waived else ""
    count = f"{judged.results} result{'s' if judged.results != 1 else ''}"
    return DecisionKind.POSITIVE, f"{profile.verdicts.positive.value}: {count}, nothing blocks {profile.stage}{tail}"


def _describe(kind: DecisionKind, steps: list[TraceStep]) -> str:
    if kind is DecisionKind.UNDECIDED:
        first = steps[0]
        where = _where(first)
        more = f" (+{len(steps) - 1} more)" if len(steps) > 1 else ""
        return f"{where + ' ' if where else ''}{_first_clause(first.message)}{more}"
    count = sum(len(s.fingerprints) for s in steps)
    noun = "blocking finding" if kind is DecisionKind.NEGATIVE else "finding"
    verb = "" if kind is DecisionKind.NEGATIVE else (" needs" if count == 1 else " need") + " human review"
    places = sorted({_where(s) for s in steps})
    named = ", ".join(places[:MAX_NAMED]) + (f" +{len(places) - MAX_NAMED} more" if len(places) > MAX_NAMED else "")
    return f"{count} {noun}{'s' if count != 1 else ''}{verb} in {named}"


def _where(step: TraceStep) -> str:
    if step.check_id is None:
        return ""
    return f"{step.check_id} ({step.app})" if step.app else step.check_id


def _first_clause(message: str) -> str:
    line = message.splitlines()[0] if message else ""
    return line if len(line) <= 200 else line[:197] + "..."


def _verdict(profile: Profile, kind: DecisionKind) -> Verdict:
    if kind is DecisionKind.POSITIVE:
        return profile.verdicts.positive
    if kind is DecisionKind.NEGATIVE:
        return profile.verdicts.negative
    if kind is DecisionKind.REVIEW and profile.verdicts.review is not None:
        return profile.verdicts.review
    return Verdict.UNDECIDED
