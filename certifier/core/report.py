"""The report of one run: provenance, apps, stages, results and the sealed decision (authoritative JSON)."""

from __future__ import annotations

from pydantic import Field

from certifier.core.decision import Decision, Verdict
from certifier.core.model import FrozenData, CheckResult, Outcome, Severity, Stage


class Provenance(FrozenData):
    """What was certified: where it came from and exactly which commit/tree."""

    source: str = Field(description="repository URL or local path as given")
    tag: str | None = None
    tag_kind: str | None = Field(default=None, description="annotated | lightweight | none")
    commit: str | None = None
    tree: str | None = None
    working_tree: bool = Field(default=False, description="certified a working tree, not a tag")
    dirty: bool = Field(default=False, description="the working tree had uncommitted changes")
    note: str = ""
    isolation: dict[str, str] | None = Field(
        default=None, description="how connector code was contained (level, tool, limits, disk_quota); "
                                  "none when the run executed no connector code")


class StageRun(FrozenData):
    stage: Stage
    outcome: Outcome
    summary: str = ""
    started_at: str | None = None
    duration_s: float = 0.0


class AppInfo(FrozenData):
    name: str
    type: str
    path: str | None = None


class Artifact(FrozenData):
    """A file produced by the run and kept beside the reports (SBOM, build logs)."""

    file: str = Field(description="file name in the report directory")
    sha256: str
    media_type: str = "application/octet-stream"


class Review(FrozenData):
    """A reviewer's certification decision, recorded after the automated run."""

    reviewer: str
    approve: bool
    comments: str = ""
    at: str
    verdict_before: Verdict
    verdict_after: Verdict


class CheckInfo(FrozenData):
    """What the check catalogue says about a check, copied into the report so renderings need nothing else."""

    title: str
    version: str
    severity: Severity = Field(description="the check's default severity")
    rationale: str = ""
    remediation: str = ""
    link: str | None = None


class DeltaBaseline(FrozenData):
    """The earlier report a delta compares with."""

    tag: str | None = None
    commit: str | None = None
    report_id: str | None = Field(default=None, description="the baseline report's run_id")


class DeltaCounts(FrozenData):
    new: int = 0
    unchanged: int = 0
    fixed: int = 0
    waived: int = 0


class DeltaFingerprints(FrozenData):
    new: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    fixed: tuple[str, ...] = ()
    waived: tuple[str, ...] = ()


class Delta(FrozenData):
    """What changed since a baseline report, by finding fingerprint. It informs; it never decides."""

    baseline: DeltaBaseline
    counts: DeltaCounts
    fingerprints: DeltaFingerprints


class Report(FrozenData):
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
    delta: Delta | None = Field(default=None, description="findings new, unchanged, fixed or waived since a "
                                "baseline report (absent without one; schema 1.2.0)")
    digest: str = Field(default="", description="sha256 of the canonical JSON of the report without this field")
