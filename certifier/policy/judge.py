"""One finding judged under a profile: blocks, needs review, waived or advisory, and the rule that said so.

In order: the licence lists (certifier.policy.licenses) accept or refuse a licence finding; otherwise
the gate rules say whether its severity would block (certifier.policy.rules). A finding that would
block blocks only if it is confident enough (certifier.policy.confidence); below that bar it goes to
a reviewer or is advisory. A finding that would not block may still need human review (review rules,
flagged findings), unless it is below the review bar. A live waiver turns "blocks" or "needs review"
into "waived".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from certifier.core.model import CheckResult, Finding

from certifier.core.decision import DecisionKind, FindingStatus, FindingVerdict
from certifier.policy.confidence import Bar, block_bar, confident, review_bar
from certifier.policy.licenses import license_ruling
from certifier.policy.profiles import Profile
from certifier.policy.rules import review_rule, threshold
from certifier.policy.waivers import Waiver

EFFECT = {FindingStatus.BLOCKS: DecisionKind.NEGATIVE, FindingStatus.NEEDS_REVIEW: DecisionKind.REVIEW}


@dataclass(frozen=True)
class Judgement:
    verdict: FindingVerdict
    finding: Finding
    basis: str  # for the trace: "block_at error", "licence denied", "confidence medium", ...
    demoted: bool = False  # its rule would block it; its confidence is below the bar

    @property
    def effect(self) -> DecisionKind | None:
        return EFFECT.get(self.verdict.status)


@dataclass(frozen=True)
class _Status:
    status: FindingStatus
    rule: str
    reason: str
    basis: str = ""
    demoted: bool = False


def judge(profile: Profile, result: CheckResult, finding: Finding, app_type: str | None,
          live: Sequence[Waiver]) -> Judgement:
    found = _status(profile, result.check_id, finding, app_type)
    status, reason, waived_by = found.status, found.reason, ()
    if status in EFFECT:
        waived_by = tuple(w.id for w in live if w.covers(result, finding))
        if waived_by:
            status, reason = FindingStatus.WAIVED, f"waived ({', '.join(waived_by)}); otherwise: {reason}"
    verdict = FindingVerdict(fingerprint=finding.fingerprint, check_id=result.check_id, app=result.app,
                             status=status, rule=found.rule, waivers=waived_by, reason=reason)
    return Judgement(verdict, finding, found.basis, found.demoted)


def _status(profile: Profile, check_id: str, finding: Finding, app_type: str | None) -> _Status:
    licence = license_ruling(profile, check_id, finding)
    if licence is not None and not licence.denied:
        return _Status(FindingStatus.ADVISORY, licence.rule, licence.reason)
    if licence is not None:
        would_block, rule, basis, reason, rule_bar = True, licence.rule, "licence denied", licence.reason, None
    else:
        resolution = threshold(profile, check_id, finding.rule, app_type)
        would_block = resolution.block_at.blocks(finding.severity)
        rule, basis = resolution.rule, f"block_at {resolution.block_at.value}"
        reason = f"{finding.severity.value} {'blocks' if would_block else 'does not block'} at {basis}"
        rule_bar = Bar(resolution.min_confidence, rule) if resolution.min_confidence else None
    if would_block:
        return _gated(profile, finding, block_bar(profile, rule_bar), _Status(FindingStatus.BLOCKS, rule, reason, basis))
    below_review = review_bar(profile)
    if below_review is not None and not confident(finding.confidence, below_review):
        return _Status(FindingStatus.ADVISORY, below_review.rule, f"{finding.confidence.value} confidence: advisory")
    reviewer = review_rule(profile, check_id, finding, app_type)
    if reviewer is not None:
        return _Status(FindingStatus.NEEDS_REVIEW, reviewer, "needs human judgement", "review")
    return _Status(FindingStatus.ADVISORY, rule, reason)


def _gated(profile: Profile, finding: Finding, bar: Bar, blocking: _Status) -> _Status:
    """A finding its rule would block: blocks when confident enough, else review or advisory."""
    if confident(finding.confidence, bar):
        return blocking
    level = finding.confidence.value
    review = review_bar(profile)
    if review is not None and confident(finding.confidence, review):
        return _Status(FindingStatus.NEEDS_REVIEW, review.rule,
                       f"{level} confidence: a reviewer judges what {blocking.rule} would block",
                       f"confidence {level}", demoted=True)
    return _Status(FindingStatus.ADVISORY, bar.rule,
                   f"{level} confidence: {profile.stage} blocks only from {bar.confidence.value} confidence "
                   f"on ({blocking.rule} would block it)", f"confidence {level}", demoted=True)
