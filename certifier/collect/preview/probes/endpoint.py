"""Endpoint path probe: the app serves POST on its declared endpoint, and does not answer an unrelated
path as if it were the endpoint (an app that ignores its path hides routing mistakes)."""

from __future__ import annotations

import secrets

from certifier.core.model import Severity
from certifier.collect.preview.probes.event import envelope, test_notification
from certifier.collect.preview.probes.exchange import Exchange, Request
from certifier.collect.preview.probes.extension import DEFAULT_TRIGGERS, extension_requests
from certifier.collect.preview.probes.problems import Problem, ProbeRun
from certifier.collect.preview.probes.target import ExtensionDef, Target

TIMEOUT_S = 10.0


def representative(target: Target, path: str) -> Request:
    """A request the platform would send to this kind of app."""
    if target.app_type == "service":
        extension = target.extensions[0] if target.extensions else ExtensionDef(None, None, DEFAULT_TRIGGERS)
        request = extension_requests(extension, target.data, path)[0]
        return Request(request.probe, "POST", path, request.body, {**request.headers, **target.headers()})
    if target.app_type == "event":
        first = target.subscriptions[0] if target.subscriptions else None
        return Request.json("test notification", path, envelope(test_notification(target, first), first))
    return Request("scheduler tick", "POST", path, b"{}", {"Content-Type": "application/json"})


def probe_endpoint_path(target: Target) -> ProbeRun:
    run = ProbeRun()
    declared = target.endpoint_path
    exchange = run.add(target.send(representative(target, declared), timeout_s=TIMEOUT_S))
    if not exchange.answered or exchange.status in (404, 405):
        run.problems.append(_not_served(target, declared, exchange))
        return run
    if declared.split("?")[0] in ("", "/"):
        run.notes.append("the endpoint is '/': every path is below it, so no unrelated path is probed")
        return run
    unrelated = f"/certifier-unknown-{secrets.token_hex(4)}"
    other = run.add(target.send(representative(target, unrelated), timeout_s=TIMEOUT_S))
    if other.answered and 200 <= other.status < 300:
        run.problems.append(Problem(f"{other.summary()}: the app answers an unrelated path like its endpoint "
                                    f"{declared!r}; it ignores the endpoint path, so a wrong route or a wrong "
                                    "URL goes unnoticed", Severity.ERROR, "accepts-any-path", other))
    return run


def _not_served(target: Target, declared: str, exchange: Exchange) -> Problem:
    """The platform POSTs to the endpoint of an event or job app and of a service that an API Extension points
    at; a service nobody registered is called on routes of its own (below the endpoint), so a 404 there is
    only a question for a reviewer."""
    if exchange.answered and target.app_type == "service" and not target.extensions:
        return Problem(f"{exchange.summary()}: the service does not serve POST on its declared endpoint {declared!r}; "
                       "no API Extension points at it, so this is fine if its clients call only routes below the "
                       "endpoint (a reviewer confirms)", Severity.WARNING, "endpoint-not-served", exchange,
                       needs_review=True)
    return Problem(f"{exchange.summary()}: the app does not serve POST on its declared endpoint {declared!r}; the "
                   "platform sends every request there", Severity.ERROR, "endpoint-not-served", exchange)
