"""Plain data that flows through a run: findings, check results, decisions, the report.

Everything here is immutable pydantic data so that a stored report can be parsed back
(`certifier report decide`) and its JSON Schema published from the same source.
"""

from __future__ import annotations

import enum
import hashlib
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


class Outcome(str, enum.Enum):
    """How one check ended. `error` means "could not run": it is never pass and never fail."""

    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    ERROR = "error"
    SKIP = "skip"
    NOT_APPLICABLE = "not-applicable"


class Severity(str, enum.Enum):
    """Severity of a finding, in the platform's own three words (Error blocks, Warning shows, Info advises)."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    def at_least(self, other: "Severity") -> bool:
        return self.rank >= other.rank


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Stage(str, enum.Enum):
    """Stages of checks, in pipeline order (certifier.engine.stages has the DAG)."""

    SPECIFICATION = "specification"
    STRUCTURE = "structure"
    SECURITY = "security"
    DEPENDENCIES = "dependencies"
    BUILD = "build"
    PREVIEW = "preview"

    @property
    def runs_connector_code(self) -> bool:
        """Installs, builds, tests and app servers: the connector author's code runs (in the sandbox)."""
        return self in (Stage.BUILD, Stage.PREVIEW)

    @classmethod
    def static(cls) -> frozenset["Stage"]:
        """The stages that only read the connector (offline, cacheable by content)."""
        return frozenset(stage for stage in cls if not stage.runs_connector_code)


class Confidence(str, enum.Enum):
    """How sure a finding is. Preview and publish block only on high; certification sends medium to a
    reviewer; low never blocks."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class FileKind(str, enum.Enum):
    """The kind of file a finding sits in (certifier.core.file_kinds, rules/file-kinds.yaml)."""

    SOURCE = "source"
    TEST = "test"
    DOCS = "docs"
    GENERATED = "generated"
    EXAMPLE = "example"
    CONFIG_TEMPLATE = "config-template"
    CONFIG = "config"


class Location(_Frozen):
    """Where a finding is: a repository-relative POSIX path at the certified commit."""

    path: str
    line: int | None = None
    column: int | None = None
    end_line: int | None = None

    def display(self) -> str:
        if self.line is None:
            return self.path
        if self.column is None:
            return f"{self.path}:{self.line}"
        return f"{self.path}:{self.line}:{self.column}"


class Finding(_Frozen):
    """One thing a check found. `fingerprint` is filled in by the runner and survives line moves."""

    message: str
    severity: Severity
    location: Location | None = None
    manifest_path: str | None = Field(
        default=None, description="dotted path in connect.yaml, e.g. deployAs.0.endpoint"
    )
    rule: str | None = Field(default=None, description="sub-rule within the check (schema keyword, semgrep rule id, ...)")
    tool: str = "certifier"
    key: str | None = Field(
        default=None, description="stable identity used for the fingerprint instead of the message"
    )
    remediation: str | None = Field(default=None, description="finding-specific remediation; else the check's")
    needs_review: bool = Field(default=False, description="a human must judge it (certification review)")
    confidence: Confidence = Field(default=Confidence.HIGH, description="how sure the finding is")
    confidence_reason: str | None = Field(default=None, description="why this confidence, in one line")
    file_kind: FileKind | None = Field(default=None, description="the kind of file the finding sits in")
    also_at: tuple[Location, ...] = Field(
        default=(), description="other places where the same problem was seen (merged into this finding)")
    seen_by: tuple[str, ...] = Field(
        default=(), description="every tool or check that reported this problem, when more than one did")
    properties: dict[str, Any] = Field(default_factory=dict)
    fingerprint: str = ""

    def with_fingerprint(self, check_id: str, app: str | None) -> "Finding":
        parts = [
            check_id,
            app or "",
            self.location.path if self.location else "",
            self.manifest_path or "",
            self.rule or "",
            self.key if self.key is not None else self.message,
        ]
        # surrogatepass: a hostile file name may carry bytes that are not UTF-8
        digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
        return self.model_copy(update={"fingerprint": digest[:32]})


class CheckResult(_Frozen):
    """The evidence of one check on the connector or on one app."""

    check_id: str
    check_version: str
    stage: Stage
    title: str
    app: str | None = None
    outcome: Outcome
    summary: str = Field(default="", description="one line: why this outcome (reason for skip/error/n.a.)")
    findings: tuple[Finding, ...] = ()
    duration_s: float = 0.0
    evidence: dict[str, Any] = Field(default_factory=dict)

    @property
    def sort_key(self) -> tuple[int, str, str]:
        return (list(Stage).index(self.stage), self.check_id, self.app or "")


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


class TraceStep(_Frozen):
    """One step of a decision: which profile rule fired, on which results/findings."""

    rule: str
    effect: DecisionKind | None = None
    message: str
    check_id: str | None = None
    app: str | None = None
    fingerprints: tuple[str, ...] = ()


class WaiverUse(_Frozen):
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


class FindingVerdict(_Frozen):
    """The policy's verdict on one finding, sealed into the decision so that renderers never judge."""

    fingerprint: str
    check_id: str
    app: str | None = None
    status: FindingStatus
    rule: str = Field(description="the profile rule that decided: '<profile id>:<rule id>'")
    waivers: tuple[str, ...] = Field(default=(), description="ids of the waivers that cover it (status waived)")
    reason: str = Field(default="", description="one line: why this status")


class Decision(_Frozen):
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


class Provenance(_Frozen):
    """What was certified: where it came from and exactly which commit/tree."""

    source: str = Field(description="repository URL or local path as given")
    tag: str | None = None
    tag_kind: str | None = Field(default=None, description="annotated | lightweight | none")
    commit: str | None = None
    tree: str | None = None
    working_tree: bool = Field(default=False, description="certified a working tree, not a tag")
    dirty: bool = Field(default=False, description="the working tree had uncommitted changes")
    note: str = ""


class StageRun(_Frozen):
    stage: Stage
    outcome: Outcome
    summary: str = ""
    started_at: str | None = None
    duration_s: float = 0.0


class AppInfo(_Frozen):
    name: str
    type: str
    path: str | None = None


class Artifact(_Frozen):
    """A file produced by the run and kept beside the reports (SBOM, build logs)."""

    file: str = Field(description="file name in the report directory")
    sha256: str
    media_type: str = "application/octet-stream"


class Review(_Frozen):
    """A reviewer's certification decision, recorded after the automated run."""

    reviewer: str
    approve: bool
    comments: str = ""
    at: str
    verdict_before: Verdict
    verdict_after: Verdict


class CheckInfo(_Frozen):
    """What the check catalogue says about a check, copied into the report so renderings need nothing else."""

    title: str
    version: str
    severity: Severity = Field(description="the check's default severity")
    rationale: str = ""
    remediation: str = ""
    link: str | None = None


class Report(_Frozen):
    """The authoritative record of a run. HTML/Markdown/SARIF are renderings of it."""

    schema_version: str
    certifier_version: str
    rules_digest: str = Field(description="SHA-256 over the rules/ directory (schema, profiles, rule packs)")
    run_id: str
    created_at: str
    requested_stage: str
    provenance: Provenance
    apps: tuple[AppInfo, ...] = ()
    stages: tuple[StageRun, ...] = ()
    results: tuple[CheckResult, ...] = ()
    decision: Decision
    tools: dict[str, str] = Field(default_factory=dict, description="name -> version of every program used")
    timings: dict[str, float] = Field(default_factory=dict)
    aborted: str | None = Field(default=None, description="why the run stopped early, if it did")
    artifacts: dict[str, Artifact] = Field(default_factory=dict, description="name -> file kept beside the reports")
    reviews: tuple[Review, ...] = ()
    checks: dict[str, CheckInfo] = Field(default_factory=dict, description="check id -> catalogue entry, for "
                                         "every check in results")
    digest: str = Field(default="", description="sha256 of the canonical JSON of the report without this field")
