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


# Human names of the report's timings: durations in seconds, except the counts named in TIMING_COUNTS.
TIMING_LABELS = {
    "fetch_s": "Fetch the repository at the tag",
    "inventory_s": "Read connect.yaml and the apps",
    "checks_s": "Run the checks (all stages)",
    "total_s": "Total",
    "cache_hits": "Results reused from the cache",
}
TIMING_COUNTS = frozenset({"cache_hits"})


@dataclass(frozen=True)
class TimingRow:
    label: str
    value: str  # "1.25 s" or a count
    key: str  # the report's own key, for whoever looks it up in report.json


def timing_rows(report: Report) -> list[TimingRow]:
    """The run's timings in reading order (stages, then the known phases, then anything else, total last)."""
    rows = [TimingRow(f"Stage: {run.stage.value}", f"{run.duration_s:.2f} s", f"stages.{run.stage.value}")
            for run in report.stages if run.started_at is not None or run.duration_s]
    known = [key for key in TIMING_LABELS if key in report.timings and key != "total_s"]
    other = sorted(key for key in report.timings if key not in TIMING_LABELS)
    for key in [*known, *other, *(["total_s"] if "total_s" in report.timings else [])]:
        value = report.timings[key]
        label = TIMING_LABELS.get(key) or key.removesuffix("_s").replace("_", " ").capitalize()
        shown = f"{value:g}" if key in TIMING_COUNTS else f"{float(value):.2f} s"
        rows.append(TimingRow(label, shown, key))
    return rows


def results_with(report: Report, outcome: Outcome) -> list[CheckResult]:
    return [r for r in report.results if r.outcome is outcome]
