"""The terminal summary printed by `certifier run`: plain text, no colour, no terminal control.

It leads with the verdict in one sentence and the top problems with their fix (certifier.report.problems),
then what could not run, what else there is, and the next steps. Connector text is made inert (escape
sequences and bidi controls become visible `<U+001B>` markers) so a hostile message cannot rewrite the
reader's terminal.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from certifier.core.model import Outcome
from certifier.core.report import Report
from certifier.report.problems import Sections, delta_of, headline, plural, problems, sections, skipped_stages
from certifier.report.templating import text_env
from certifier.report.view import not_completed, outcome_counts

TEMPLATE = "summary.txt.j2"


def render_text(report: Report, *, paths: Mapping[str, Path | str] | None = None, limit: int = 10) -> str:
    """Verdict, top `limit` problems with their fix, checks that could not run, next steps, and where the
    written reports are (`paths`, as returned by write_all)."""
    parts = sections(problems(report))
    fix = parts.fix
    errored = not_completed(report, [Outcome.ERROR])
    return text_env().get_template(TEMPLATE).render(
        report=report,
        decision=report.decision,
        provenance=report.provenance,
        headline=headline(report, fix),
        delta=delta_of(report),
        totals=outcome_counts(report.results),
        skipped=skipped_stages(report),
        fix=fix[:limit],
        more=max(0, len(fix) - limit),
        errored=errored[:limit],
        more_errored=max(0, len(errored) - limit),
        review=parts.review,
        others=_others(parts),
        paths={name: str(path) for name, path in (paths or {}).items()},
    )


def _others(parts: Sections) -> list[str]:
    """'2 warnings', '1 item for a reviewer', '1 waived': what the HTML report shows below the problems."""
    warnings, review, waived = len(parts.warnings), len(parts.review), len(parts.waived)
    out = [plural(warnings, "warning")] if warnings else []
    if review:
        out.append(f"{plural(review, 'item')} for a reviewer")
    if waived:
        out.append(f"{waived} waived")
    return out
