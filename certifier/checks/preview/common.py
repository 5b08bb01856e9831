"""Shared by the probe checks: the app's part of the run's preview deployment, and probe problems
turned into Findings with the failing exchange attached."""

from __future__ import annotations

from typing import Any, Iterator

from certifier.checks.registry import CheckCannotRun, Evidence, SkipCheck

from certifier.core.errors import NotApplicable
from certifier.core.model import Finding
from certifier.collect.preview.deployment import AppPreview, preview_deployment
from certifier.collect.preview.probes.problems import ProbeRun

PROBE_BUDGET_S = 900.0  # any probe check may be the one that makes the run's deployment (bounded inside)


def app_preview(ctx: Any) -> AppPreview:
    preview = preview_deployment(ctx).app(ctx.app.name)
    if preview.skipped:
        raise SkipCheck(preview.skipped)
    return preview


def probe_run(ctx: Any, family: str) -> ProbeRun:
    """The recorded probes of one family for ctx.app; skip when the app never ran."""
    preview = app_preview(ctx)
    if preview.running is None and preview.target is None:
        raise SkipCheck("the app did not start: see probe.startup")
    run = preview.probes.get(family)
    if run is None:
        raise CheckCannotRun(f"no {family} probes were recorded for this app")
    if run.not_applicable:
        raise NotApplicable(run.not_applicable)
    return run


def findings(run: ProbeRun, ctx: Any) -> Iterator[Finding | Evidence]:
    location = ctx.connector.locate(ctx.app.manifest_path + ".endpoint")
    for problem in run.problems:
        properties = {"exchange": problem.exchange.evidence()} if problem.exchange else {}
        yield Finding(message=problem.message, severity=problem.severity, rule=problem.rule,
                      location=location, manifest_path=ctx.app.manifest_path + ".endpoint",
                      key=f"{problem.rule}:{problem.exchange.probe if problem.exchange else problem.message}",
                      needs_review=problem.needs_review, properties=properties)
    yield Evidence(run.evidence())
