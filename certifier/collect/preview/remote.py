"""Remote preview: probe the URLs of an already deployed connector, given by a Deployment descriptor
(`certifier run --deployment FILE`; schema rules/schema/deployment.schema.json), instead of deploying
locally. Scripts ran on the platform, so only the HTTP probes apply.

The descriptor's URLs are untrusted (a marketplace request carries them): they must be https:// URLs of
public addresses (certifier.core.outbound), every connection goes to an address checked when it is made
(certifier.core.outbound_guard), and what the apps answer is recorded bounded (exchange.READ_LIMIT read,
exchange.SHOWN shown) with anything that looks like a secret masked. Plain http and loopback addresses
are allowed only with the development switch CERTIFIER_ALLOW_LOOPBACK_DEPLOYMENTS=1."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from certifier.core import outbound_guard
from certifier.core.app_types import HTTP_APP_TYPES
from certifier.core.errors import ConfigError
from certifier.core.outbound import OutboundPolicy, OutboundUrlError
from certifier.core.paths import rules_dir
from certifier.core.secrets.redact import scrub
from certifier.collect.preview.deployment import AppPreview, PreviewDeployment
from certifier.collect.preview.launcher import Startup
from certifier.collect.preview.ports import wait_until
from certifier.collect.preview.probes.exchange import Exchange, Request, send
from certifier.collect.preview.probes.problems import Exposure
from certifier.collect.preview.probes.redact import Redactor
from certifier.collect.preview.probes.run import probe_app
from certifier.collect.preview.probes.target import ExtensionDef, SubscriptionDef, Target, Trigger

MAX_DESCRIPTOR_BYTES = 1_000_000
REACH_TIMEOUT_S = 20.0
LOOPBACK_SWITCH = "CERTIFIER_ALLOW_LOOPBACK_DEPLOYMENTS"  # development only: http:// and loopback URLs


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


def deployment_policy() -> OutboundPolicy:
    """Public https:// addresses only, unless the development switch allows loopback."""
    allowed = os.environ.get(LOOPBACK_SWITCH, "").strip().lower() in ("1", "true", "yes")
    return OutboundPolicy(allow_loopback=allowed, switch=f"{LOOPBACK_SWITCH}=1")


def validate(data: Any, policy: OutboundPolicy | None = None, *, resolve: bool = False) -> list[str]:
    """One line per problem: `[<dotted path>]: <message>`, the style of connect.yaml findings. URLs are held
    to `policy` (default: deployment_policy()); with `resolve`, names that resolve now are checked too."""
    return _schema_problems(data) + _url_problems(data, policy or deployment_policy(), resolve)


def _schema_problems(data: Any) -> list[str]:
    schema = json.loads((rules_dir() / "schema" / "deployment.schema.json").read_text())
    lines = []
    for error in sorted(Draft202012Validator(schema).iter_errors(data), key=lambda e: list(map(str, e.path))):
        where = ".".join(str(part) for part in error.path) or "file content"
        lines.append(f"[{where}]: {error.message[:300]}")
    names = [a.get("applicationName") for a in data.get("applications", []) if isinstance(a, dict)] \
        if isinstance(data, dict) and isinstance(data.get("applications"), list) else []
    lines += [f"[applications]: duplicate applicationName {n!r}" for n in sorted({n for n in names if names.count(n) > 1})]
    return lines


def _url_problems(data: Any, policy: OutboundPolicy, resolve: bool) -> list[str]:
    apps = data.get("applications") if isinstance(data, dict) else None
    lines = []
    for index, app in enumerate(apps if isinstance(apps, list) else []):
        url = app.get("url") if isinstance(app, dict) else None
        if not isinstance(url, str):
            continue  # the schema said so already
        try:
            parts = policy.check_url(url, what="deployment URL")
            if resolve:
                outbound_guard.check_if_resolvable(parts.hostname or "", parts.port or _default_port(parts.scheme),
                                                   policy)
        except OutboundUrlError as error:
            lines.append(f"[applications.{index}.url]: {error}")
    return lines


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


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
    target = RemoteTarget(app.name, app.type, url, extensions=extensions, subscriptions=subscriptions,
                          secured_values=(authorization,) if authorization else (),
                          exposure=RemoteExposure(secrets=secrets), remote=True, auth_header=authorization,
                          policy=deployment_policy())
    target.alive = lambda: _answers(target)
    return target


class ScrubbingRedactor(Redactor):
    """Masks the known secrets and, as the answers of a remote app may carry any, whatever looks like one
    (certifier.core.secrets.redact: known key formats, secret-named assignments, long random tokens)."""

    def text(self, value: str) -> str:
        return scrub(super().text(value))

    def with_secrets(self, *more: str) -> "Redactor":
        return ScrubbingRedactor(super().with_secrets(*more).secrets)


@dataclass(frozen=True)
class RemoteExposure(Exposure):
    @property
    def redactor(self) -> Redactor:
        return ScrubbingRedactor(tuple(self.secrets.values()))


@dataclass
class RemoteTarget(Target):
    """A deployed app: reached only at public addresses checked when connecting; answers recorded scrubbed."""

    policy: OutboundPolicy = field(default_factory=OutboundPolicy)

    def send(self, request: Request, timeout_s: float) -> Exchange:
        exchange = send(self.base, request, timeout_s=timeout_s, redactor=self.exposure.redactor,
                        connect=self._connect)
        exchange.response_headers = {name: scrub(value) for name, value in exchange.response_headers.items()}
        return exchange

    def _connect(self, scheme: str, host: str, port: int | None, timeout_s: float):
        return outbound_guard.guarded_connection(scheme, host, port, timeout_s, self.policy)


def reach(target: Target, health_path: str | None) -> Startup:
    """Is the remote app there? GET its healthCheck path (2xx) or, without one, any HTTP answer."""
    path = health_path or target.endpoint_path
    state: dict[str, Any] = {}

    def answered() -> bool:
        exchange = target.send(Request("reachability", "GET", path), timeout_s=5.0)
        if exchange.error and "OutboundRefused" in exchange.error:
            state["refused"] = exchange.error
            return True  # no point in asking again: the address is not allowed
        state["status"] = exchange.status
        return exchange.answered and (not health_path or 200 <= exchange.status < 300)

    ok = wait_until(answered, timeout_s=REACH_TIMEOUT_S, interval_s=1.0) and "refused" not in state
    startup = Startup(ok, 0.0, ("GET", target.base + path))
    if health_path:
        startup.health = {"path": health_path, "status": state.get("status")}
    if "refused" in state:
        startup.reason = f"{target.base} was not contacted: {state['refused']}"
    elif not ok:
        startup.reason = f"{target.base}{path} did not answer{' 2xx' if health_path else ''} within {REACH_TIMEOUT_S:g} s"
    return startup


def _answers(target: Target) -> bool:
    exchange = target.send(Request("liveness", "GET", "/"), timeout_s=5.0)
    return exchange.answered
