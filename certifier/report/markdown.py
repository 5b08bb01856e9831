"""The GitHub job summary: the verdict in one sentence, the problems to fix with their fix (bounded), what
could not run, items for a reviewer, the warnings, then the stage table.

Written with the Markdown environment of certifier.report.templating: every value is escaped by md_escape
(Markdown and the HTML GitHub accepts inside Markdown), after absolute paths of the machine that ran it are
replaced (escape.scrub_local_paths), unless the template marks it as certifier-written with `MdSafe`.
"""

from __future__ import annotations

from certifier.core.decision import DecisionKind
from certifier.core.model import Outcome
from certifier.core.report import Report
from certifier.report.escape import public_source
from certifier.report.problems import delta_of, headline, problems, sections, skipped_stages
from certifier.report.templating import MdSafe, markdown_env
from certifier.report.view import grouped, not_completed, outcome_counts, results_with

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


def render_markdown(report: Report, *, limit: int = DEFAULT_LIMIT) -> str:
    """Markdown for $GITHUB_STEP_SUMMARY: the problems are those the sealed decision says block."""
    parts = sections(problems(report))
    fix, review, warnings = parts.fix, parts.review, parts.warnings
    stage_groups, _ = grouped(report)
    return markdown_env().get_template(TEMPLATE).render(
        report=report,
        decision=report.decision,
        provenance=report.provenance,
        source=public_source(report.provenance.source),
        headline=headline(report, fix),
        delta=delta_of(report),
        icon=KIND_ICON[report.decision.kind],
        labels=OUTCOME_LABEL,
        stage_groups=stage_groups,
        totals=outcome_counts(report.results),
        skipped=skipped_stages(report),
        fix=fix[:limit],
        more=max(0, len(fix) - limit),
        review=review[:limit],
        more_review=max(0, len(review) - limit),
        warnings=warnings[:limit],
        more_warnings=max(0, len(warnings) - limit),
        errored=not_completed(report, [Outcome.ERROR])[:limit],
        others={"passed": len(results_with(report, Outcome.PASS)),
                "not_applicable": len(results_with(report, Outcome.NOT_APPLICABLE)),
                "waived": len(parts.waived)},
    )
