"""probe.robustness: bad requests get client errors, leak nothing and do not take the app down."""

from __future__ import annotations

from certifier.checks.preview.common import PROBE_BUDGET_S, findings, probe_run
from certifier.checks.registry import Scope, check
from certifier.core.app_types import HTTP_APP_TYPES
from certifier.core.model import Severity, Stage


@check(
    id="probe.robustness",
    version="1.1.0",
    stage=Stage.PREVIEW,
    title="App survives malformed requests",
    rationale="A public endpoint receives malformed JSON, empty bodies, wrong content types and oversized "
    "bodies. A crash takes the app down for every caller; a 5xx hides a client error; stack traces and "
    "secrets in answers help attackers.",
    remediation="Parse the body defensively (try/catch around JSON.parse, a body size limit), answer 400/413/"
    "415 with a short JSON error, and never put stack traces, file paths or configuration values in answers.",
    severity=Severity.ERROR,
    scope=Scope.APP,
    app_types=HTTP_APP_TYPES,
    budget_s=PROBE_BUDGET_S,
)
def robustness(ctx):
    yield from findings(probe_run(ctx, "robustness"), ctx)
