"""spec.job-schedule: a job's schedule is a clean cron expression the scheduler will accept."""

from __future__ import annotations

from typing import Iterator

from certifier.checks.registry import Scope, check
from certifier.checks.specification._common import apps_of_types, connector, finding
from certifier.connector.model import App, Connector
from certifier.collect.context import CheckContext
from certifier.connector.manifest.cron import passes_official_search, strict_problem
from certifier.connector.manifest.rulesdata import ScheduleRules, specification_rules
from certifier.core.model import Finding, Severity, Stage


@check(
    id="spec.job-schedule",
    version="1.0.0",
    stage=Stage.SPECIFICATION,
    title="Job schedules are clean cron expressions",
    rationale="The official validator only *searches* the schedule for something cron-like, so '*****', "
    "'0 0 * * * extra' or 7-field expressions pass it, but the scheduler may reject them at deploy time.",
    remediation="Use a 5-field cron expression (minute hour day-of-month month day-of-week, e.g. '0 0 * * *'), "
    "a macro such as @daily, or @every 1h.",
    severity=Severity.WARNING,
    scope=Scope.CONNECTOR,
)
def job_schedule(ctx: CheckContext) -> Iterator[Finding]:
    model = connector(ctx)
    jobs = apps_of_types(model, {"job"}, "job app")
    rules = specification_rules().schedule
    for app in jobs:
        yield from schedule_findings(model, app, rules)


def schedule_findings(model: Connector, app: App, rules: ScheduleRules) -> Iterator[Finding]:
    value = app.properties.get("schedule")
    if not isinstance(value, str) or not passes_official_search(value):
        return  # missing or rejected by the official pattern: spec.schema reports it as an Error
    problem = strict_problem(value, rules)
    if problem is not None:
        yield finding(model, f"{app.manifest_path}.properties.schedule", f"Schedule {value!r} of job {app.name} "
                      f"passes the official check but {problem}; the scheduler may reject it at deploy time",
                      Severity.WARNING, "unclean-schedule", "Write a 5-field cron expression such as '0 0 * * *' "
                      "or a macro such as @daily.")
