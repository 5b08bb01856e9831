"""API Extension probes: realistic extension requests built from emulator data, sent to the service the
way the platform calls it, and the answers validated against the extension contract (docs/connectors.md#api-extensions)."""

from __future__ import annotations

from certifier.core.paths import rules_dir

import copy
import json
import uuid
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from certifier.core.model import Severity
from certifier.collect.preview.probes.exchange import Exchange, Request, is_json_failure
from certifier.collect.preview.probes.problems import Problem, ProbeRun, no_answer, unsafe_answer
from certifier.collect.preview.probes.target import ExtensionDef, Target, Trigger
from certifier.collect.preview.seed import SeedData

UPDATE_ACTIONS_FILE = rules_dir() / "preview" / "update-actions.json"
DEFAULT_TRIGGERS = (Trigger("cart", ("Create", "Update")),)  # a service with no known registration
GRACE_S = 3.0  # wait this much past the timeout, to report how late a slow answer is
MAX_REQUESTS = 12


def probe_extensions(target: Target) -> ProbeRun:
    run = ProbeRun()
    if not target.extensions:
        # Measured on real connectors: payment processors and other REST-style services register no extension;
        # their clients call routes of their own, so holding them to the extension contract is a false claim.
        run.not_applicable = ("no API Extension points at this service after postDeploy, so the platform never "
                              "calls it as one (a service whose own routes are its API, e.g. a payment processor)")
        return run
    definitions = target.extensions
    requests = [(ext, request) for ext in definitions
                for request in extension_requests(ext, target.data, destination_path(ext, target, run))]
    if not requests:
        run.notes.append("the extension has no triggers: nothing to send")
        return run
    first_ext, first = requests[0]
    if not resolve_auth(target, first_ext, first, run):
        return run
    for extension, request in requests[:MAX_REQUESTS]:
        request = Request(request.probe, request.method, request.path, request.body,
                          {**request.headers, **target.headers()})
        exchange = target.send(request, timeout_s=extension.timeout_ms / 1000 + GRACE_S)
        run.add(exchange, *validate_answer(exchange, extension, target))
    return run


def destination_path(extension: ExtensionDef, target: Target, run: ProbeRun) -> str:
    """Where the platform would send the call: the registered URL when it points at this app."""
    if not extension.url:
        return target.endpoint_path
    registered = urlsplit(extension.url)
    if f"{registered.scheme}://{registered.netloc}" == target.base:
        return (registered.path or "/") + (f"?{registered.query}" if registered.query else "")
    run.problems.append(Problem(
        f"API Extension {extension.key!r} sends its calls to {extension.url!r}, not to this service "
        f"({target.url}): the platform would never call the deployed app", Severity.ERROR,
        "foreign-destination"))
    return target.endpoint_path


def extension_requests(extension: ExtensionDef, data: SeedData, path: str = "") -> list[Request]:
    requests = []
    for trigger in extension.triggers:
        for action in trigger.actions or ("Create", "Update"):
            for label, obj in _resources(trigger.resource_type_id, data, action):
                payload = {"action": action,
                           "resource": {"typeId": trigger.resource_type_id, "id": obj["id"], "obj": obj}}
                requests.append(Request.json(f"{trigger.resource_type_id} {action}{label}", path, payload))
    return requests


def resolve_auth(target: Target, extension: ExtensionDef, request: Request, run: ProbeRun) -> bool:
    """Find the Authorization header the service expects; False when no candidate works (cannot run)."""
    request = Request(request.probe + " (no Authorization)", request.method, request.path,
                      request.body, request.headers)
    bare = run.add(target.send(request, timeout_s=extension.timeout_ms / 1000 + GRACE_S))
    if bare.status not in (401, 403):
        if extension.authenticated:
            run.problems.append(Problem(
                f"{bare.summary()}: the service accepted a request without the Authorization header the "
                "extension is registered with", Severity.WARNING, "auth-not-enforced", bare))
        elif target.extensions:
            run.problems.append(Problem(
                f"API Extension {extension.key!r} is registered without authentication: anyone who knows the "
                "URL can call the service", Severity.WARNING, "unauthenticated-extension", bare))
        return True
    for candidate in auth_candidates(extension, target.secured_values):
        attempt = Request(request.probe.replace("no Authorization", "Authorization candidate"), request.method,
                          request.path, request.body, {**request.headers, "Authorization": candidate})
        answer = target.send(attempt, timeout_s=extension.timeout_ms / 1000 + GRACE_S)
        if answer.status not in (401, 403):
            target.auth_header = candidate
            run.notes.append("the service rejects requests without Authorization and accepts the header "
                             "derived from its configuration")
            return True
    run.notes.append(f"answered {bare.status} to every Authorization value derived from the configuration")
    run.problems.append(Problem(
        "the service rejected every Authorization header the certifier could derive (the registered value is "
        "masked; tried 'Bearer <value>' and '<value>' of each secured configuration value)",
        Severity.ERROR, "cannot-authenticate", bare))
    return False


def auth_candidates(extension: ExtensionDef, secured_values: tuple[str, ...]) -> list[str]:
    candidates = [extension.readable_header] if extension.readable_header else []
    for value in secured_values:
        candidates += [f"Bearer {value}", value]
    return list(dict.fromkeys(c for c in candidates if c))


def validate_answer(exchange: Exchange, extension: ExtensionDef, target: Target) -> list[Problem]:
    if not exchange.answered:
        return [no_answer(exchange, "the platform fails the API call when the extension does not answer")]
    problems = unsafe_answer(exchange, target.exposure)
    limit_ms = extension.timeout_ms
    if exchange.latency_s * 1000 > limit_ms:
        problems.append(Problem(f"{exchange.summary()}: slower than the extension timeout of {limit_ms} ms; "
                                "the platform fails the API call", Severity.ERROR, "timeout", exchange))
    body = exchange.json_body()
    type_id = exchange.probe.split(" ")[0]
    if exchange.status in (200, 201):
        problems += _action_problems(exchange, body, type_id)
    elif exchange.status == 400:
        problems += _error_problems(exchange, body)
    else:
        problems.append(Problem(f"{exchange.summary()}: an extension must answer 200/201 with update actions "
                                "or 400 with errors; any other status fails the API call",
                                Severity.ERROR, "status", exchange))
    return problems


def _action_problems(exchange: Exchange, body: Any, type_id: str) -> list[Problem]:
    if is_json_failure(body) or not isinstance(body, dict) or not isinstance(body.get("actions"), list):
        return [Problem(f"{exchange.summary()}: a {exchange.status} answer must be a JSON object with an "
                        "'actions' list", Severity.ERROR, "response-shape", exchange)]
    problems = []
    known = known_actions().get(type_id)
    for index, action in enumerate(body["actions"][:100]):
        name = action.get("action") if isinstance(action, dict) else None
        if not isinstance(name, str) or not name:
            problems.append(Problem(f"{exchange.summary()}: actions[{index}] is not an update action object "
                                    "with an 'action' name", Severity.ERROR, "invalid-action", exchange))
        elif known is not None and name not in known:
            problems.append(Problem(f"{exchange.summary()}: actions[{index}] {name!r} is not a known {type_id} "
                                    "update action", Severity.WARNING, "unknown-action", exchange,
                                    needs_review=True))
    return problems


def _error_problems(exchange: Exchange, body: Any) -> list[Problem]:
    errors = body.get("errors") if isinstance(body, dict) else None
    valid = isinstance(errors, list) and errors and all(
        isinstance(e, dict) and isinstance(e.get("code"), str) and isinstance(e.get("message"), str)
        for e in errors)
    if valid:
        return []
    return [Problem(f"{exchange.summary()}: a 400 answer must be a JSON object with a non-empty 'errors' list of "
                    "{code, message}", Severity.ERROR, "error-shape", exchange)]


@lru_cache(maxsize=1)
def known_actions() -> dict[str, frozenset[str]]:
    data = json.loads(UPDATE_ACTIONS_FILE.read_text())
    return {key: frozenset(names) for key, names in data.items() if not key.startswith("_")}


def _resources(type_id: str, data: SeedData, action: str) -> list[tuple[str, dict[str, Any]]]:
    """(label, obj) pairs: the seeded resource of that type (as created, or as updated), else a stand-in."""
    seeded = data.of_type(type_id)
    found = [("", seeded)] if seeded else []
    if type_id == "cart" and data.get("small-cart"):
        found.append((" (small cart)", data.get("small-cart")))
    if not found:
        found = [(" (stand-in)", {"id": str(uuid.uuid4()), "version": 1,
                                  "createdAt": _now(), "lastModifiedAt": _now()})]
    out = []
    for label, obj in found:
        obj = copy.deepcopy(obj)
        if action == "Update":
            obj["version"] = int(obj.get("version", 1)) + 1
            obj["lastModifiedAt"] = _now()
        out.append((label, obj))
    return out


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
