"""probe.extension-response: the service answers realistic API Extension calls correctly and in time."""

from __future__ import annotations

from certifier.checks.preview.common import PROBE_BUDGET_S, findings, probe_run
from certifier.checks.registry import Scope, check
from certifier.core.model import Severity, Stage


@check(
    id="probe.extension-response",
    version="1.1.0",
    stage=Stage.PREVIEW,
    title="Service answers API Extension calls",
    rationale="The platform calls an API Extension synchronously inside the API call that triggered it. Only "
    "200/201 with {actions: [...]} or 400 with {errors: [...]} within the extension timeout (2 s by default) "
    "let the call succeed; anything else makes the merchant's API call fail.",
    remediation="Answer 200 with {\"actions\": [...update actions...]} (an empty list for no change) or 400 "
    "with {\"errors\": [{\"code\": \"InvalidInput\", \"message\": ...}]}, within timeoutInMs; do slow work "
    "elsewhere (an event app), and require the registered Authorization header.",
    severity=Severity.ERROR,
    scope=Scope.APP,
    app_types={"service"},
    budget_s=PROBE_BUDGET_S,
)
def extension_response(ctx):
    yield from findings(probe_run(ctx, "extension"), ctx)
