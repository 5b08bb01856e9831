"""Remote preview: probe the URLs of an already deployed connector, given by a Deployment descriptor
(`certifier run --deployment FILE`; schema rules/schema/deployment.schema.json), instead of deploying
locally. Scripts ran on the platform, so only the HTTP probes apply."""

from __future__ import annotations

from certifier.core.errors import ConfigError

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from certifier.core.app_types import HTTP_APP_TYPES
from certifier.core.paths import rules_dir
from certifier.collect.preview.deployment import AppPreview, PreviewDeployment
from certifier.collect.preview.launcher import Startup
from certifier.collect.preview.ports import wait_until
from certifier.collect.preview.probes.exchange import Request, send
from certifier.collect.preview.probes.problems import Exposure
from certifier.collect.preview.probes.run import probe_app
from certifier.collect.preview.probes.target import ExtensionDef, SubscriptionDef, Target, Trigger

MAX_DESCRIPTOR_BYTES = 1_000_000
REACH_TIMEOUT_S = 20.0


class DescriptorError(ConfigError):
    """The descriptor is unreadable or invalid; the message lists every problem with its field path."""


@dataclass(frozen=True)
class RemoteApp:
    name: str
    url: str
    topic: str | None = None
    schedule: str | None = None
    extension: dict[str, Any] = field(default_factory=dict)
    subscription: dict[str, Any] = field(default_factory=dict)


def load_descriptor(path: Path) -> list[RemoteApp]:
    """The applications of a Deployment descriptor (JSON or YAML). Raises DescriptorError."""
    try:
        if path.stat().st_size > MAX_DESCRIPTOR_BYTES:
            raise DescriptorError(f"{path}: larger than {MAX_DESCRIPTOR_BYTES} bytes")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DescriptorError(f"{path}: cannot be read: {error}") from None
    try:
        data = json.loads(text) if path.suffix == ".json" else YAML(typ="safe", pure=True).load(text)
    except (ValueError, YAMLError) as error:
        raise DescriptorError(f"{path}: not valid JSON/YAML: {str(error)[:300]}") from None
    problems = validate(data)
    if problems:
        raise DescriptorError(f"{path}: invalid Deployment descriptor:\n" + "\n".join(problems))
    return [RemoteApp(a["applicationName"], a["url"], a.get("topic"), a.get("schedule"),
                      a.get("extension") or {}, a.get("subscription") or {}) for a in data["applications"]]


def validate(data: Any) -> list[str]:
    """One line per problem: `[<dotted path>]: <message>`, the style of connect.yaml findings."""
    schema = json.loads((rules_dir() / "schema" / "deployment.schema.json").read_text())
    lines = []
    for error in sorted(Draft202012Validator(schema).iter_errors(data), key=lambda e: list(map(str, e.path))):
        where = ".".join(str(part) for part in error.path) or "file content"
        lines.append(f"[{where}]: {error.message[:300]}")
    names = [a.get("applicationName") for a in data.get("applications", []) if isinstance(a, dict)] \
        if isinstance(data, dict) and isinstance(data.get("applications"), list) else []
    lines += [f"[applications]: duplicate applicationName {n!r}" for n in sorted({n for n in names if names.count(n) > 1})]
    return lines


def remote_deployment(ctx: Any) -> PreviewDeployment:
    deployment = PreviewDeployment("remote")
    try:
        remote = {app.name: app for app in load_descriptor(Path(ctx.options.deployment))}
    except DescriptorError as error:
        deployment.error = str(error)
        return deployment
    unknown = sorted(set(remote) - {app.name for app in ctx.connector.apps})
    if unknown:
        deployment.error = f"the descriptor names applications connect.yaml does not declare: {', '.join(unknown)}"
        return deployment
    for app in ctx.connector.apps:
        if app.type in HTTP_APP_TYPES and app.name in remote:
            deployment.apps[app.name] = _probe_remote(app, remote[app.name])
    return deployment


def _probe_remote(app: Any, remote: RemoteApp) -> AppPreview:
    preview = AppPreview(app)
    target = remote_target(app, remote)
    health = (app.raw.get("healthCheck") or {}).get("path") if isinstance(app.raw, dict) else None
    preview.startup = reach(target, health)
    if preview.startup.ready:
        preview.target = target
        preview.probes = probe_app(target)
    return preview


def remote_target(app: Any, remote: RemoteApp) -> Target:
    url = remote.url
    if urlsplit(url).path in ("", "/") and app.endpoint and app.endpoint != "/":
        url = url.rstrip("/") + (app.endpoint if app.endpoint.startswith("/") else "/" + app.endpoint)
    authorization = remote.extension.get("authorization")
    extensions = []
    if app.type == "service" and remote.extension.get("triggers"):
        triggers = tuple(Trigger(t["resourceTypeId"], tuple(t["actions"]), t.get("condition"))
                         for t in remote.extension["triggers"])
        extensions.append(ExtensionDef(remote.extension.get("key"), None, triggers,
                                       remote.extension.get("timeoutInMs", 2000), authorization))
    subscriptions = []
    if app.type == "event" and remote.subscription:
        messages = tuple((m["resourceTypeId"], tuple(m.get("types") or ())) for m in remote.subscription.get("messages", []))
        changes = tuple(c["resourceTypeId"] for c in remote.subscription.get("changes", []))
        subscriptions.append(SubscriptionDef(remote.subscription.get("key"), None, messages, changes,
                                             {"topic": remote.topic} if remote.topic else {}))
    secrets = {"extension authorization": authorization} if authorization else {}
    target = Target(app.name, app.type, url, extensions=extensions, subscriptions=subscriptions,
                    secured_values=(authorization,) if authorization else (), exposure=Exposure(secrets=secrets),
                    remote=True, auth_header=authorization)
    target.alive = lambda: _answers(target)
    return target


def reach(target: Target, health_path: str | None) -> Startup:
    """Is the remote app there? GET its healthCheck path (2xx) or, without one, any HTTP answer."""
    path = health_path or target.endpoint_path
    state: dict[str, Any] = {}

    def answered() -> bool:
        exchange = send(target.base, Request("reachability", "GET", path), timeout_s=5.0,
                        redactor=target.exposure.redactor)
        state["status"] = exchange.status
        return exchange.answered and (not health_path or 200 <= exchange.status < 300)

    ok = wait_until(answered, timeout_s=REACH_TIMEOUT_S, interval_s=1.0)
    startup = Startup(ok, 0.0, ("GET", target.base + path))
    if health_path:
        startup.health = {"path": health_path, "status": state.get("status")}
    if not ok:
        startup.reason = f"{target.base}{path} did not answer{' 2xx' if health_path else ''} within {REACH_TIMEOUT_S:g} s"
    return startup


def _answers(target: Target) -> bool:
    exchange = send(target.base, Request("liveness", "GET", "/"), timeout_s=5.0, redactor=target.exposure.redactor)
    return exchange.answered
