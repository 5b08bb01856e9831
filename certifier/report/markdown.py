"""The GitHub job summary: verdict, stages, blocking findings first (bounded), then counts.

Written with the Markdown environment of certifier.report.templating: every value is escaped by
md_escape (Markdown and the HTML GitHub accepts inside Markdown) unless the template marks it as
certifier-written with `MdSafe`.
"""

from __future__ import annotations

from certifier.core.decision import DecisionKind, FindingStatus

from certifier.core.model import Outcome, Severity

from certifier.core.report import Report
from certifier.report.templating import MdSafe, markdown_env
from certifier.report.view import all_findings, blocking_findings, grouped, not_completed, outcome_counts, with_status

TEMPLATE = "summary.md.j2"
DEFAULT_LIMIT = 50

KIND_ICON = {
    DecisionKind.POSITIVE: MdSafe("\u2705"),
    DecisionKind.NEGATIVE: MdSafe("\u274c"),
    DecisionKind.REVIEW: MdSafe("\U0001f50e"),
    DecisionKind.UNDECIDED: MdSafe("\u26a0\ufe0f"),
}
OUTCOME_LABEL = {
    Outcome.PASS.value: MdSafe("\u2705 pass"),
    Outcome.FAIL.value: MdSafe("\u274c fail"),
    Outcome.WARN.value: MdSafe("\u26a0\ufe0f warn"),
    Outcome.ERROR.value: MdSafe("\U0001f6a7 **error** (could not run)"),
    Outcome.SKIP.value: MdSafe("\u23ed\ufe0f skip"),
    Outcome.NOT_APPLICABLE.value: MdSafe("\u2796 not-applicable"),
}


def _other_counts(report: Report, blocking: set[str]) -> dict[str, int]:
    others = [f for _, f in all_findings(report) if f.fingerprint not in blocking]
    return {
        "errors": sum(f.severity is Severity.ERROR for f in others),
        "warnings": sum(f.severity is Severity.WARNING for f in others),
        "review": len(with_status(report, FindingStatus.NEEDS_REVIEW)),
    }


def render_markdown(report: Report, *, limit: int = DEFAULT_LIMIT) -> str:
    """Markdown for $GITHUB_STEP_SUMMARY: blocking findings are those the sealed decision says block."""
    blocking = blocking_findings(report)
    stage_groups, _ = grouped(report)
    return markdown_env().get_template(TEMPLATE).render(
        report=report,
        decision=report.decision,
        provenance=report.provenance,
        icon=KIND_ICON[report.decision.kind],
        labels=OUTCOME_LABEL,
        stage_groups=stage_groups,
        totals=outcome_counts(report.results),
        blocking=blocking[:limit],
        more=max(0, len(blocking) - limit),
        errored=not_completed(report, [Outcome.ERROR])[:limit],
        others=_other_counts(report, {f.fingerprint for _, f in blocking}),
    )
