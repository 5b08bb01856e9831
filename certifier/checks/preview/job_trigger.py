"""probe.job-trigger: the job answers the scheduler's POST with 2xx."""

from __future__ import annotations

from certifier.checks.preview.common import PROBE_BUDGET_S, findings, probe_run
from certifier.checks.registry import Scope, check
from certifier.core.model import Severity, Stage


@check(
    id="probe.job-trigger",
    version="1.0.0",
    stage=Stage.PREVIEW,
    title="Job runs when the scheduler calls it",
    rationale="The Connect scheduler POSTs to the job's endpoint on each tick and counts any non-2xx answer "
    "as a failed run.",
    remediation="Serve POST on the job's endpoint, ignore the request body, do the work and answer 2xx "
    "when it is done (5xx only when the run really failed).",
    severity=Severity.ERROR,
    scope=Scope.APP,
    app_types={"job"},
    budget_s=PROBE_BUDGET_S,
)
def job_trigger(ctx):
    yield from findings(probe_run(ctx, "job"), ctx)
