"""The reviewer's HTML report: one self-contained file (inline CSS, no scripts, no external assets).

All connector-controlled text is escaped by Jinja2 autoescape and made inert by the environment's
finalize hook (see certifier.report.templating); no URL taken from a report is ever turned into a
link: the only links are in-page anchors built from fingerprints (see view.anchor_for).
"""

from __future__ import annotations

from certifier.core.model import Report
from certifier.report.templating import html_env
from certifier.report.view import FindingStatus, grouped, not_completed, outcome_counts, status_words

TEMPLATE = "report.html.j2"


def render_html(report: Report, *, finding_status: FindingStatus | None = None) -> str:
    """Render `report` (ideally sealed, so its digest shows) as one HTML document."""
    finding_status = status_words(finding_status)
    stage_groups, anchors = grouped(report, finding_status)
    return html_env().get_template(TEMPLATE).render(
        report=report,
        decision=report.decision,
        provenance=report.provenance,
        stage_groups=stage_groups,
        anchors=anchors,
        totals=outcome_counts(report.results),
        not_completed=not_completed(report),
        has_status=finding_status is not None,
    )
