"""The reviewer's HTML report: one self-contained file (inline CSS, no scripts, no external assets).

All connector-controlled text is escaped by Jinja2 autoescape and made inert by the environment's
finalize hook (see certifier.report.templating); no URL taken from a report is ever turned into a
link: the only links are in-page anchors built from fingerprints (see view.anchor_for).
"""

from __future__ import annotations

from certifier.core.report import Report
from certifier.report.templating import html_env
from certifier.report.view import grouped, not_completed, outcome_counts

TEMPLATE = "report.html.j2"


def render_html(report: Report) -> str:
    """Render `report` (ideally sealed, so its digest shows) as one HTML document."""
    stage_groups, anchors = grouped(report)
    return html_env().get_template(TEMPLATE).render(
        report=report,
        decision=report.decision,
        provenance=report.provenance,
        stage_groups=stage_groups,
        anchors=anchors,
        totals=outcome_counts(report.results),
        not_completed=not_completed(report),
    )
