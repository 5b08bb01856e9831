"""probe.event-ack: the event app acknowledges the Pub/Sub deliveries of its subscriptions in time."""

from __future__ import annotations

from certifier.checks.preview.common import PROBE_BUDGET_S, findings, probe_run
from certifier.checks.registry import Scope, check
from certifier.core.model import Severity, Stage


@check(
    id="probe.event-ack",
    version="1.0.0",
    stage=Stage.PREVIEW,
    title="Event app acknowledges deliveries",
    rationale="Pub/Sub pushes each message until the app acknowledges it with 102, 200, 201, 202 or 204 "
    "within 10 s; anything else is redelivered with backoff for 7 days. The app must also ack the "
    "subscription's test notification and messages it does not act on.",
    remediation="Decode message.data, act on the message types you subscribed to, and answer 200/204 for "
    "everything else (test notification, other types); answer within 10 s and keep handlers idempotent.",
    severity=Severity.ERROR,
    scope=Scope.APP,
    app_types={"event"},
    budget_s=PROBE_BUDGET_S,
)
def event_ack(ctx):
    yield from findings(probe_run(ctx, "event"), ctx)
