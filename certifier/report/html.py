"""The reviewer's HTML report: one self-contained file (inline CSS, no scripts, no external assets).

It leads with the verdict in one sentence and the blocking problems, grouped by root cause with their fix
(certifier.report.problems); warnings and review items follow, then every check folded into counts.
All connector-controlled text is escaped by Jinja2 autoescape and made inert by the environment's finalize
hook (see certifier.report.templating). No URL taken from a report is ever turned into a link: the only links
that leave the page are built by certifier (the certified commit on GitHub, GitLab or Bitbucket, advisory
pages for ids of known shapes); the others are in-page anchors (see view.anchor_for).
"""

from __future__ import annotations

from certifier.core.model import Outcome
from certifier.core.report import Report
from certifier.report.problems import delta_of, headline, problems, sections, skipped_stages
from certifier.report.templating import html_env
from certifier.report.view import grouped, outcome_counts, results_with, timing_rows

TEMPLATE = "report.html.j2"


def render_html(report: Report) -> str:
    """Render `report` (ideally sealed, so its digest shows) as one HTML document."""
    stage_groups, anchors = grouped(report)
    parts = sections(problems(report))
    return html_env().get_template(TEMPLATE).render(
        report=report,
        decision=report.decision,
        provenance=report.provenance,
        headline=headline(report, parts.fix),
        delta=delta_of(report),
        fix=parts.fix,
        review=parts.review,
        warnings=parts.warnings,
        waived=parts.waived,
        errored=results_with(report, Outcome.ERROR),
        passed=results_with(report, Outcome.PASS),
        not_applicable=results_with(report, Outcome.NOT_APPLICABLE),
        skipped_stages=skipped_stages(report),
        stage_groups=stage_groups,
        anchors=anchors,
        totals=outcome_counts(report.results),
        timings=timing_rows(report),
    )
