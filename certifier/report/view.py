"""Report data arranged for reading: counts per outcome, results grouped by stage and app, anchors.

Shared by the HTML, Markdown and text renderings so that they agree. Nothing here decides anything:
which finding blocks comes from the policy, through the optional `finding_status` mapping
(fingerprint -> "blocking" | "waived" | "advisory").
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from certifier.core.model import CheckResult, DecisionKind, Finding, Outcome, Report, Stage, StageRun

OUTCOMES: tuple[str, ...] = tuple(o.value for o in Outcome)
NOT_COMPLETED = (Outcome.ERROR, Outcome.SKIP, Outcome.NOT_APPLICABLE)
FindingStatus = Mapping[str, Any]  # fingerprint -> "blocking" | "waived" | "advisory" (or a policy status)
STATUS_WORDS = ("blocking", "waived", "advisory")
_POLICY_BLOCKS = {"yes": "blocking", "waived": "waived", "no": "advisory"}


def status_words(finding_status: FindingStatus | None) -> dict[str, str] | None:
    """fingerprint -> blocking | waived | advisory. Accepts those words, or the policy's status
    objects (certifier.policy.decide.blocking_findings: `.blocks` is yes | no | waived), so callers can
    pass either. Translating words is all this does: whether a finding blocks is the policy's."""
    if finding_status is None:
        return None
    words = {}
    for fingerprint, status in finding_status.items():
        blocks = getattr(status, "blocks", None)
        words[fingerprint] = _POLICY_BLOCKS.get(blocks, str(blocks)) if blocks is not None else str(status)
    return words
_HEX = re.compile(r"[0-9a-f]{1,64}")


def outcome_counts(results: Iterable[CheckResult]) -> dict[str, int]:
    """Every outcome word of the vocabulary, in order, even when zero."""
    counts = dict.fromkeys(OUTCOMES, 0)
    for result in results:
        counts[result.outcome.value] += 1
    return counts


def anchor_for(fingerprint: str) -> str:
    """An HTML id for a finding. Fingerprints from a stored report are untrusted: anything that is
    not plain lowercase hex is replaced by a hash of it, so an id never carries markup."""
    if _HEX.fullmatch(fingerprint):
        return f"f-{fingerprint}"
    return "f-h" + hashlib.sha256(fingerprint.encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclass(frozen=True)
class FindingView:
    finding: Finding
    result: CheckResult
    anchor: str | None
    status: str | None  # blocking | waived | advisory, when the caller knows it


@dataclass(frozen=True)
class ResultView:
    result: CheckResult
    findings: tuple[FindingView, ...]


@dataclass(frozen=True)
class AppGroup:
    app: str | None  # None: connector-level results
    results: tuple[ResultView, ...]


@dataclass(frozen=True)
class StageGroup:
    stage: str
    run: StageRun | None
    counts: dict[str, int]
    apps: tuple[AppGroup, ...]


@dataclass
class _Anchors:
    by_fingerprint: dict[str, str] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)

    def assign(self, fingerprint: str) -> str | None:
        if not fingerprint:
            return None
        base = anchor_for(fingerprint)
        anchor, n = base, 1
        while anchor in self.used:  # the same fingerprint twice: keep ids unique
            n += 1
            anchor = f"{base}-{n}"
        self.used.add(anchor)
        self.by_fingerprint.setdefault(fingerprint, anchor)
        return anchor


def app_order(report: Report) -> list[str | None]:
    """Connector-level first, then apps as declared, then any app only the results name."""
    declared = [app.name for app in report.apps]
    extra = sorted({r.app for r in report.results if r.app is not None} - set(declared))
    return [None, *declared, *extra]


def stage_order(report: Report) -> list[str]:
    present = {s.stage.value for s in report.stages} | {r.stage.value for r in report.results}
    return [stage.value for stage in Stage if stage.value in present]


def _result_view(result: CheckResult, anchors: _Anchors, status: FindingStatus | None) -> ResultView:
    views = tuple(
        FindingView(f, result, anchors.assign(f.fingerprint), status.get(f.fingerprint) if status else None)
        for f in result.findings
    )
    return ResultView(result, views)


def grouped(report: Report, finding_status: FindingStatus | None = None) -> tuple[list[StageGroup], dict[str, str]]:
    """Results by stage then app (in report order), and fingerprint -> anchor id for links."""
    anchors = _Anchors()
    runs = {s.stage.value: s for s in report.stages}
    groups = []
    for stage in stage_order(report):
        in_stage = [r for r in report.results if r.stage.value == stage]
        apps = []
        for app in app_order(report):
            mine = [_result_view(r, anchors, finding_status) for r in in_stage if r.app == app]
            if mine:
                apps.append(AppGroup(app, tuple(mine)))
        groups.append(StageGroup(stage, runs.get(stage), outcome_counts(in_stage), tuple(apps)))
    return groups, anchors.by_fingerprint


def all_findings(report: Report) -> list[tuple[CheckResult, Finding]]:
    return [(result, finding) for result in report.results for finding in result.findings]


def blocking_fingerprints(report: Report, finding_status: FindingStatus | None) -> set[str]:
    """The findings that block: as the policy said (finding_status) or, without it, the findings the
    decision trace cites in negative steps."""
    if finding_status is not None:
        return {fp for fp, status in finding_status.items() if status == "blocking"}
    return {fp for step in report.decision.trace if step.effect is DecisionKind.NEGATIVE for fp in step.fingerprints}


def blocking_findings(report: Report, finding_status: FindingStatus | None) -> list[tuple[CheckResult, Finding]]:
    blocking = blocking_fingerprints(report, finding_status)
    return [(r, f) for r, f in all_findings(report) if f.fingerprint and f.fingerprint in blocking]


def not_completed(report: Report, outcomes: Iterable[Outcome] = NOT_COMPLETED) -> list[CheckResult]:
    wanted = set(outcomes)
    return [r for r in report.results if r.outcome in wanted]
