"""How sure a finding must be to block, or to be put to a reviewer (a profile's `confidence`).

A finding that its rule would block blocks only from the profile's `confidence.block` on. Below it, a
finding from `confidence.review` on goes to a reviewer (certification), anything lower is advisory:
shown, never blocking. Along `extends` the strictest bar wins (the lowest confidence), and a gate rule
may lower the bar for what it matches (`min_confidence`: the platform's own gates block whatever our
confidence). A chain that sets no bar blocks at every confidence and reviews at every confidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from certifier.core.model import Confidence

if TYPE_CHECKING:  # profiles.py validates with confidence_problems(); the type only is needed here
    from certifier.policy.profiles import Profile

RANK = {Confidence.LOW: 0, Confidence.MEDIUM: 1, Confidence.HIGH: 2}


@dataclass(frozen=True)
class Bar:
    confidence: Confidence
    rule: str  # "<profile id>:confidence.block", or the gate rule that lowered it


def confident(confidence: Confidence, bar: Bar) -> bool:
    return RANK[confidence] >= RANK[bar.confidence]


def block_bar(profile: "Profile", rule_bar: Bar | None = None) -> Bar:
    """The lowest confidence at which a finding its rule would block does block."""
    bars = [Bar(p.confidence_block, f"{p.id}:confidence.block") for p in profile.chain()
            if p.confidence_block is not None]
    bars += [rule_bar] if rule_bar is not None else []
    return min(bars, key=_rank, default=Bar(Confidence.LOW, f"{profile.id}:confidence.block"))


def review_bar(profile: "Profile") -> Bar | None:
    """The lowest confidence a reviewer is asked about; None when the chain sets no bar."""
    bars = [Bar(p.confidence_review, f"{p.id}:confidence.review") for p in profile.chain()
            if p.confidence_review is not None]
    return min(bars, key=_rank, default=None)


def _rank(bar: Bar) -> int:
    return RANK[bar.confidence]  # min() keeps the first of equals: the nearest profile names the rule


def confidence_problems(profile: "Profile") -> list[str]:
    """What the schema cannot say: reviewing needs something below the blocking bar to review."""
    review = review_bar(profile)
    block = block_bar(profile)
    if review is not None and RANK[review.confidence] >= RANK[block.confidence]:
        return [f"confidence.review: {review.confidence.value} is not below confidence.block "
                f"({block.confidence.value} along "
                "`extends`): nothing would ever go to review"]
    return []
