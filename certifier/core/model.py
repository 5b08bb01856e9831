"""Plain data that flows through a run: outcomes, severities, stages, findings and check results
(certifier.core.decision and certifier.core.report hold the decision and the report).

Everything here is immutable pydantic data so that a stored report can be parsed back
(`certifier report decide`) and its JSON Schema published from the same source.
"""

from __future__ import annotations

import enum
import hashlib
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class FrozenData(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


class Outcome(str, enum.Enum):
    """How one check ended. `error` means "could not run": it is never pass and never fail."""

    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    ERROR = "error"
    SKIP = "skip"
    NOT_APPLICABLE = "not-applicable"

    @property
    def looked(self) -> bool:
        """The check looked at its target: its findings (or their absence) are this run's word on it."""
        return self not in (Outcome.ERROR, Outcome.SKIP)


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


class Location(FrozenData):
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


class Finding(FrozenData):
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


class CheckResult(FrozenData):
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
