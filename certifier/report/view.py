"""Report data arranged for reading: counts per outcome, results grouped by stage and app, anchors.

Shared by the HTML, Markdown and text renderings so that they agree. Nothing here decides anything:
whether a finding blocks is the verdict sealed into the report's decision (Decision.findings).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from certifier.core.model import CheckResult, Finding, Outcome, Stage

from certifier.core.decision import FindingStatus, FindingVerdict

from certifier.core.report import Report, StageRun

OUTCOMES: tuple[str, ...] = tuple(o.value for o in Outcome)
NOT_COMPLETED = (Outcome.ERROR, Outcome.SKIP, Outcome.NOT_APPLICABLE)
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
    verdict: FindingVerdict | None  # None only in a report decided before verdicts were sealed

    @property
    def status(self) -> str | None:
        return self.verdict.status.value if self.verdict else None


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


def _result_view(result: CheckResult, anchors: _Anchors, verdicts: dict[str, FindingVerdict]) -> ResultView:
    views = tuple(FindingView(f, result, anchors.assign(f.fingerprint), verdicts.get(f.fingerprint))
                  for f in result.findings)
    return ResultView(result, views)


def grouped(report: Report) -> tuple[list[StageGroup], dict[str, str]]:
    """Results by stage then app (in report order), and fingerprint -> anchor id for links."""
    anchors = _Anchors()
    verdicts = report.decision.verdicts()
    runs = {s.stage.value: s for s in report.stages}
    groups = []
    for stage in stage_order(report):
        in_stage = [r for r in report.results if r.stage.value == stage]
        apps = []
        for app in app_order(report):
            mine = [_result_view(r, anchors, verdicts) for r in in_stage if r.app == app]
            if mine:
                apps.append(AppGroup(app, tuple(mine)))
        groups.append(StageGroup(stage, runs.get(stage), outcome_counts(in_stage), tuple(apps)))
    return groups, anchors.by_fingerprint


def all_findings(report: Report) -> list[tuple[CheckResult, Finding]]:
    return [(result, finding) for result in report.results for finding in result.findings]


def with_status(report: Report, status: FindingStatus) -> list[tuple[CheckResult, Finding]]:
    """The findings whose sealed verdict has `status`, in report order."""
    verdicts = report.decision.verdicts()
    return [(r, f) for r, f in all_findings(report)
            if f.fingerprint in verdicts and verdicts[f.fingerprint].status is status]


def blocking_findings(report: Report) -> list[tuple[CheckResult, Finding]]:
    return with_status(report, FindingStatus.BLOCKS)


def not_completed(report: Report, outcomes: Iterable[Outcome] = NOT_COMPLETED) -> list[CheckResult]:
    wanted = set(outcomes)
    return [r for r in report.results if r.outcome in wanted]
