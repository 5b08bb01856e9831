"""Event app probes: Pub/Sub push envelopes for the messages and changes a Subscription delivers, its
test notification, an irrelevant message and a body that is not an envelope (docs/preview.md)."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime, timezone
from typing import Any

from certifier.core.model import Severity
from certifier.collect.preview.probes.exchange import Exchange, Request
from certifier.collect.preview.probes.problems import Problem, ProbeRun, no_answer, unsafe_answer
from certifier.collect.preview.probes.target import SubscriptionDef, Target

ACK_CODES = frozenset({102, 200, 201, 202, 204})
ACK_DEADLINE_S = 10.0
MAX_TYPES = 6
IRRELEVANT_TYPES = ("CustomerCreated", "PaymentCreated", "CategoryCreated")
# The field in which a "...Created" message carries the new resource, as the platform sends it: handlers
# (the starter kit's event template among them) read the resource from there.
CREATED_PAYLOAD = {"CustomerCreated": "customer", "OrderCreated": "order", "PaymentCreated": "payment",
                   "CategoryCreated": "category"}


def probe_event_app(target: Target) -> ProbeRun:
    run = ProbeRun()
    subscriptions = target.subscriptions
    if not subscriptions:
        run.notes.append("no Subscription delivers to this app: sent the test notification and a generic "
                         "message only")
    cases = deliveries(target, subscriptions)
    for label, payload, must_ack in cases:
        request = Request.json(label, target.endpoint_path, payload)
        exchange = target.send(request, timeout_s=ACK_DEADLINE_S)
        run.add(exchange, *validate_ack(exchange, must_ack, target))
    return run


def deliveries(target: Target, subscriptions: list[SubscriptionDef]) -> list[tuple[str, Any, bool]]:
    """(label, push body, must be acknowledged) for every case to send."""
    sequence = iter(range(1, 1000))
    cases: list[tuple[str, Any, bool]] = []
    subscribed: set[str] = set()
    for subscription in subscriptions:
        for type_id, types in subscription.messages:
            for message_type in (types or (_default_type(type_id),))[:MAX_TYPES]:
                subscribed.add(message_type)
                note = message(target, type_id, message_type, next(sequence))
                cases.append((f"message {message_type}", envelope(note, subscription), True))
        for type_id in subscription.changes[:MAX_TYPES]:
            for kind in ("ResourceCreated", "ResourceUpdated", "ResourceDeleted"):
                cases.append((f"change {type_id} {kind}", envelope(change(target, type_id, kind), subscription),
                              True))
    first = subscriptions[0] if subscriptions else None
    cases.append(("test notification", envelope(test_notification(target, first), first), True))
    irrelevant = next((t for t in IRRELEVANT_TYPES if t not in subscribed), "CertifierProbeMessage")
    resource = irrelevant.removesuffix("Created").lower()
    cases.append((f"irrelevant message {irrelevant}",
                  envelope(message(target, resource, irrelevant, next(sequence)), first), True))
    cases.append(("body without message", {"subscription": _subscription_name(first)}, False))
    return cases


def validate_ack(exchange: Exchange, must_ack: bool, target: Target) -> list[Problem]:
    if not exchange.answered:
        return [no_answer(exchange, "Pub/Sub redelivers an unanswered message for up to 7 days")]
    problems = unsafe_answer(exchange, target.exposure)
    if exchange.latency_s > ACK_DEADLINE_S:
        problems.append(Problem(f"{exchange.summary()}: later than the {ACK_DEADLINE_S:g} s ack deadline; "
                                "the message is redelivered", Severity.ERROR, "ack-deadline", exchange))
    if must_ack and exchange.status not in ACK_CODES:
        problems.append(Problem(f"{exchange.summary()}: not an ack (102, 200, 201, 202, 204); Pub/Sub redelivers "
                                "the message with backoff for up to 7 days", Severity.ERROR, "no-ack", exchange))
    elif not must_ack and exchange.status >= 500:
        problems.append(Problem(f"{exchange.summary()}: a body that is not a push envelope must get a client "
                                "error or an ack, not a server error", Severity.ERROR, "server-error", exchange))
    return problems


def envelope(notification: dict[str, Any], subscription: SubscriptionDef | None) -> dict[str, Any]:
    data = base64.b64encode(json.dumps(notification).encode()).decode()
    return {"message": {"attributes": {"contentType": "application/json"}, "data": data,
                        "messageId": str(uuid.uuid4().int)[:16], "publishTime": _now()},
            "subscription": _subscription_name(subscription)}


def message(target: Target, type_id: str, message_type: str, sequence: int) -> dict[str, Any]:
    resource = target.data.of_type(type_id) or {}
    note = {"notificationType": "Message", "projectKey": target.project_key, "id": str(uuid.uuid4()),
            "version": 1, "sequenceNumber": sequence,
            "resource": {"typeId": type_id, "id": resource.get("id") or str(uuid.uuid4())},
            "resourceVersion": resource.get("version", 1), "type": message_type,
            "resourceUserProvidedIdentifiers": {"key": resource["key"]} if resource.get("key") else {},
            "createdAt": _now(), "lastModifiedAt": _now()}
    payload = CREATED_PAYLOAD.get(message_type)
    if payload and resource and CREATED_PAYLOAD.get(_default_type(type_id)) == payload:
        note[payload] = resource  # the seeded resource the message is about
    return note


def change(target: Target, type_id: str, kind: str) -> dict[str, Any]:
    resource = target.data.of_type(type_id) or {}
    note: dict[str, Any] = {"notificationType": kind, "projectKey": target.project_key,
                            "resource": {"typeId": type_id, "id": resource.get("id") or str(uuid.uuid4())},
                            "version": resource.get("version", 1) + (1 if kind == "ResourceUpdated" else 0),
                            "modifiedAt": _now()}
    if kind == "ResourceUpdated":
        note["oldVersion"] = resource.get("version", 1)
    return note


def test_notification(target: Target, subscription: SubscriptionDef | None) -> dict[str, Any]:
    return {"notificationType": "ResourceCreated", "projectKey": target.project_key,
            "resource": {"typeId": "subscription", "id": (subscription.id if subscription else None)
                         or str(uuid.uuid4())}, "version": 1, "modifiedAt": _now()}


def _default_type(type_id: str) -> str:
    return "".join(part.capitalize() for part in type_id.split("-")) + "Created"


def _subscription_name(subscription: SubscriptionDef | None) -> str:
    project = (subscription.destination.get("projectId") if subscription else None) or "cert-gcp-project"
    return f"projects/{project}/subscriptions/cert-preview"


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
