"""How a profile chain answers "does this finding block?" and "does this check gate the stage?".

Within one profile file the first matching rule wins. Along `extends`, the strictest answer wins:
a profile can tighten what it extends but never loosen it, so every later stage includes every gate
of the earlier ones by construction. A finding no rule of the chain matches gets `unlisted_block_at`
(the strictest one of the chain; `error` unless a file says otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass

from certifier.core.model import Confidence, Finding
from certifier.policy.profiles import BlockAt, GateRule, Profile


@dataclass(frozen=True)
class Resolution:
    """The answer for one finding or check, and the rule that gave it (for the decision trace)."""

    block_at: BlockAt
    rule: str  # "<profile id>:<rule id>" or "<profile id>:unlisted"
    note: str = ""
    min_confidence: Confidence | None = None  # the rule's own confidence bar, if it sets one


def threshold(profile: Profile, check_id: str, finding_rule: str | None, app_type: str | None) -> Resolution:
    """block_at for one finding: the root's first match (or the unlisted default), tightened by each child."""
    chain = profile.chain()
    root = chain[-1]
    first = _first_match(root.rules, check_id, finding_rule, app_type)
    best = _resolution(root, first) if first else _unlisted(chain)
    for member in reversed(chain[:-1]):  # parent to child: a child may only tighten
        rule = _first_match(member.rules, check_id, finding_rule, app_type)
        if rule and rule.block_at.strictness > best.block_at.strictness:
            best = _resolution(member, rule)
    return best


def gate(profile: Profile, check_id: str, app_type: str | None) -> Resolution:
    """The strictest block_at any finding of this check could get here.

    An `error` or `skip` of a check whose gate is not `never` leaves the stage undecided: the
    findings it did not produce might have blocked.
    """
    chain = profile.chain()
    candidates = []
    for member in chain:  # child first, so that among equals the trace names the most specific profile
        reachable, can_fall_through = _reachable(member.rules, check_id, app_type)
        candidates.extend(_resolution(member, rule) for rule in reachable)
        if member is chain[-1] and can_fall_through:
            candidates.append(_unlisted(chain))
    return max(candidates, key=lambda r: r.block_at.strictness)  # max() keeps the first of equals


def review_rule(profile: Profile, check_id: str, finding: Finding, app_type: str | None) -> str | None:
    """Name of the review matcher (or flag) that sends this finding to human review, else None."""
    for member in profile.chain():
        for rule in member.review:
            if rule.matcher.matches(check_id, finding.rule, app_type) and finding.severity.at_least(
                rule.min_severity
            ):
                return f"{member.id}:{rule.id}"
    if finding.needs_review:
        for member in profile.chain():
            if member.review_flagged_findings:
                return f"{member.id}:review_flagged_findings"
    return None


def _first_match(
    rules: tuple[GateRule, ...], check_id: str, finding_rule: str | None, app_type: str | None
) -> GateRule | None:
    return next((r for r in rules if r.matcher.matches(check_id, finding_rule, app_type)), None)


def _reachable(rules: tuple[GateRule, ...], check_id: str, app_type: str | None) -> tuple[list[GateRule], bool]:
    """Rules some finding of this check could hit first, and whether a finding could match none."""
    reachable = []
    for rule in rules:
        if rule.matcher.matches_check(check_id, app_type):
            reachable.append(rule)
            if rule.matcher.rule is None:  # a whole-check rule: nothing after it is reached
                return reachable, False
    return reachable, True


def _resolution(member: Profile, rule: GateRule) -> Resolution:
    return Resolution(rule.block_at, f"{member.id}:{rule.id}", rule.note, rule.min_confidence)


def _unlisted(chain: tuple[Profile, ...]) -> Resolution:
    # among equals, name the root: that is where the default comes from unless a child tightened it
    strictest = max(reversed(chain), key=lambda p: p.unlisted_block_at.strictness)
    return Resolution(strictest.unlisted_block_at, f"{strictest.id}:unlisted", "no rule lists this check")
