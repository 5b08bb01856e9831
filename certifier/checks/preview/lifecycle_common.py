"""Shared by the lifecycle checks: the app's script runs, as evidence and findings."""

from __future__ import annotations

from typing import Any, Iterator

from certifier.checks.preview.common import app_preview
from certifier.core.errors import NotApplicable
from certifier.core.model import Finding, Severity
from certifier.collect.preview.deployment import AppPreview, preview_deployment
from certifier.collect.preview.scripts import ScriptRun


def scripted_preview(ctx: Any, script: str) -> AppPreview:
    if preview_deployment(ctx).mode == "remote":
        raise NotApplicable("remote preview: the platform ran the scripts")
    if not ctx.app.scripts:
        raise NotApplicable("the app has no postDeploy/preUndeploy scripts")
    if script == "postDeploy" and not ctx.app.scripts.get("postDeploy"):
        raise NotApplicable("the app has no postDeploy script")
    return app_preview(ctx)


def failed_runs(ctx: Any, runs: list[ScriptRun]) -> Iterator[Finding]:
    for run in runs:
        if run.ok:
            continue
        how = "timed out" if run.result.timed_out else f"exited with {run.result.exit_code}"
        manifest_path = f"{ctx.app.manifest_path}.scripts.{run.name}"
        yield Finding(message=f"{run.name} (run {run.attempt}) {how}", severity=Severity.ERROR,
                      rule="script-failed", location=ctx.connector.locate(manifest_path),
                      manifest_path=manifest_path, key=f"script-failed:{run.name}:{run.attempt}",
                      properties={"log_tail": run.result.log_tail(2000)})
