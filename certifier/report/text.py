"""The terminal summary printed by `certifier run`: plain text, no colour, no terminal control.

Connector text is made inert (escape sequences and bidi controls become visible `<U+001B>` markers)
so a hostile message cannot rewrite the reader's terminal.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from certifier.core.model import Outcome

from certifier.core.report import Report
from certifier.report.templating import text_env
from certifier.report.view import blocking_findings, not_completed, outcome_counts

TEMPLATE = "summary.txt.j2"


def render_text(report: Report, *, paths: Mapping[str, Path] | None = None, limit: int = 20) -> str:
    """Verdict, counts per outcome, blocking findings with file:line, checks that could not run,
    and where the written reports are (`paths`, as returned by write_all)."""
    blocking = blocking_findings(report)
    errored = not_completed(report, [Outcome.ERROR])
    return text_env().get_template(TEMPLATE).render(
        report=report,
        decision=report.decision,
        provenance=report.provenance,
        totals=outcome_counts(report.results),
        blocking=blocking[:limit],
        more=max(0, len(blocking) - limit),
        errored=errored[:limit],
        more_errored=max(0, len(errored) - limit),
        paths=dict(paths or {}),
    )
