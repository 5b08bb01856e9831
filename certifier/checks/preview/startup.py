"""probe.startup: the app starts, listens on PORT and becomes ready (its healthCheck path answers 2xx)."""

from __future__ import annotations

from certifier.checks.preview.common import PROBE_BUDGET_S, app_preview
from certifier.checks.registry import CheckCannotRun, Evidence, Scope, check
from certifier.core.app_types import HTTP_APP_TYPES
from certifier.core.model import Finding, Severity, Stage


@check(
    id="probe.startup",
    version="1.0.0",
    stage=Stage.PREVIEW,
    title="App starts and becomes ready",
    rationale="Connect starts each service, event and job app with PORT set and routes traffic to it once it "
    "listens (and its healthCheck path answers). An app that exits or never listens cannot be deployed.",
    remediation="Listen on process.env.PORT (default 8080) with the start script; read configuration from "
    "environment variables and fail with a clear log line when one is missing; answer the healthCheck path "
    "with 200.",
    severity=Severity.ERROR,
    scope=Scope.APP,
    app_types=HTTP_APP_TYPES,
    budget_s=PROBE_BUDGET_S,
)
def startup(ctx):
    preview = app_preview(ctx)
    if preview.startup is None:
        raise CheckCannotRun("the app was not started")
    record = preview.startup.evidence()
    record["configuration"] = preview.env.documented()
    yield Evidence({"startup": record})
    if not preview.startup.ready:
        manifest_path = ctx.app.manifest_path + (".healthCheck.path" if preview.startup.health else "")
        yield Finding(message=f"the app did not become ready: {preview.startup.reason}", severity=Severity.ERROR,
                      rule="health" if preview.startup.health else "not-listening",
                      location=ctx.connector.locate(manifest_path), manifest_path=manifest_path,
                      properties={"output_tail": preview.startup.output_tail[-2000:]})
