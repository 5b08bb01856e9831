"""The decision on a run: its verdict, the trace of the rules that gave it, and one verdict per finding."""

from __future__ import annotations

import enum

from pydantic import Field

from certifier.core.model import FrozenData


class Verdict(str, enum.Enum):
    """The exact labels the marketplace uses for a decision (docs: README, Decisions)."""

    ACCEPTED = "Accepted"
    REJECTED = "Rejected"
    PUBLISHED = "Published"
    PUBLISH_FAILED = "Publish failed"
    LISTED = "Listed and certified"
    IN_PROGRESS = "Certification in progress"
    CERTIFICATION_FAILED = "Certification failed"
    UNDECIDED = "Could not decide"


class DecisionKind(str, enum.Enum):
    POSITIVE = "positive"
    NEGATIVE = "negative"
    REVIEW = "review"
    UNDECIDED = "undecided"


EXIT_CODES = {
    DecisionKind.POSITIVE: 0,
    DecisionKind.NEGATIVE: 1,
    DecisionKind.UNDECIDED: 3,
    DecisionKind.REVIEW: 4,
}
EXIT_USAGE = 2


class TraceStep(FrozenData):
    """One step of a decision: which profile rule fired, on which results/findings."""

    rule: str
    effect: DecisionKind | None = None
    message: str
    check_id: str | None = None
    app: str | None = None
    fingerprints: tuple[str, ...] = ()


class WaiverUse(FrozenData):
    waiver_id: str
    status: str = Field(description="applied | expired | unused | invalid")
    reason: str = ""
    approver: str = ""
    expires: str | None = None
    fingerprints: tuple[str, ...] = ()


class FindingStatus(str, enum.Enum):
    """What the policy made of one finding in the decided stage."""

    BLOCKS = "blocks"  # the stage's negative verdict
    NEEDS_REVIEW = "needs-review"  # a reviewer judges it (certification: "Certification in progress")
    WAIVED = "waived"  # it would block or need review, but a reviewer's waiver covers it
    ADVISORY = "advisory"  # shown, never blocking

    @property
    def weight(self) -> int:
        """How much it weighs on the decision (two findings with one fingerprint keep the heavier)."""
        return _STATUS_WEIGHT[self]


_STATUS_WEIGHT = {FindingStatus.ADVISORY: 0, FindingStatus.WAIVED: 1, FindingStatus.NEEDS_REVIEW: 2,
                  FindingStatus.BLOCKS: 3}


class FindingVerdict(FrozenData):
    """The policy's verdict on one finding, sealed into the decision so that renderers never judge."""

    fingerprint: str
    check_id: str
    app: str | None = None
    status: FindingStatus
    rule: str = Field(description="the profile rule that decided: '<profile id>:<rule id>'")
    waivers: tuple[str, ...] = Field(default=(), description="ids of the waivers that cover it (status waived)")
    reason: str = Field(default="", description="one line: why this status")


class Decision(FrozenData):
    stage: str
    profile: str
    profile_version: str
    kind: DecisionKind
    verdict: Verdict
    exit_code: int
    summary: str
    trace: tuple[TraceStep, ...] = ()
    waivers: tuple[WaiverUse, ...] = ()
    findings: tuple[FindingVerdict, ...] = Field(
        default=(), description="one verdict per finding fingerprint, in the order decide() judged them")

    def verdicts(self) -> dict[str, FindingVerdict]:
        """fingerprint -> verdict."""
        return {verdict.fingerprint: verdict for verdict in self.findings}
