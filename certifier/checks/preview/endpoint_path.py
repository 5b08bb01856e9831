"""probe.endpoint-path: the app serves its declared endpoint and does not answer any path alike."""

from __future__ import annotations

from certifier.checks.preview.common import PROBE_BUDGET_S, findings, probe_run
from certifier.checks.registry import Scope, check
from certifier.core.app_types import HTTP_APP_TYPES
from certifier.core.model import Severity, Stage


@check(
    id="probe.endpoint-path",
    version="1.1.0",
    stage=Stage.PREVIEW,
    title="App serves its declared endpoint path",
    rationale="Connect sends every request to the endpoint declared in connect.yaml. An app that does not serve "
    "that path fails in production; an app that answers every path alike hides routing mistakes until then.",
    remediation="Route POST on exactly the connect.yaml endpoint (e.g. app.post('/service', ...)) and answer "
    "404 for other paths.",
    severity=Severity.ERROR,
    scope=Scope.APP,
    app_types=HTTP_APP_TYPES,
    budget_s=PROBE_BUDGET_S,
)
def endpoint_path(ctx):
    yield from findings(probe_run(ctx, "endpoint"), ctx)
