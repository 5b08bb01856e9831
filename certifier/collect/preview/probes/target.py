"""What a probe needs to know about one deployed app, whether it runs locally or remotely."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urlsplit

from certifier.collect.preview.probes.exchange import Exchange, Request, send
from certifier.collect.preview.probes.problems import Exposure
from certifier.collect.preview.seed import SeedData

MASKED = "****"


@dataclass(frozen=True)
class Trigger:
    resource_type_id: str
    actions: tuple[str, ...]
    condition: str | None = None


@dataclass(frozen=True)
class ExtensionDef:
    key: str | None
    url: str | None
    triggers: tuple[Trigger, ...]
    timeout_ms: int = 2000
    header_value: str | None = None  # None: registered without authentication
    id: str | None = None

    @property
    def authenticated(self) -> bool:
        return self.header_value is not None

    @property
    def readable_header(self) -> str | None:
        value = self.header_value
        return value if value and set(value) != {"*"} else None


@dataclass(frozen=True)
class SubscriptionDef:
    key: str | None
    id: str | None
    messages: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (resourceTypeId, types)
    changes: tuple[str, ...] = ()  # resourceTypeIds
    destination: dict[str, Any] = field(default_factory=dict)


@dataclass
class Target:
    app_name: str
    app_type: str
    url: str  # the app's endpoint URL (scheme://host:port/endpoint)
    health_path: str | None = None
    extensions: list[ExtensionDef] = field(default_factory=list)
    subscriptions: list[SubscriptionDef] = field(default_factory=list)
    secured_values: tuple[str, ...] = ()  # candidates for the extension's Authorization header
    exposure: Exposure = field(default_factory=Exposure)
    data: SeedData = field(default_factory=SeedData)
    project_key: str = "cert-project"
    alive: Callable[[], bool] = lambda: True
    remote: bool = False
    job_budget_s: float = 60.0
    auth_header: str | None = None  # the Authorization value that works, once known
    # (scheme, host, port, timeout_s) -> HTTPConnection: how a local preview reaches its private network
    connect: Callable[..., Any] | None = None

    @property
    def base(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def endpoint_path(self) -> str:
        parts = urlsplit(self.url)
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    def send(self, request: Request, timeout_s: float) -> Exchange:
        return send(self.base, request, timeout_s=timeout_s, redactor=self.exposure.redactor, connect=self.connect)

    def headers(self) -> dict[str, str]:
        return {"Authorization": self.auth_header} if self.auth_header else {}


def extension_from_api(obj: dict[str, Any]) -> ExtensionDef:
    """An ExtensionDef from an Extension resource as the API (or emulator) returns it."""
    destination = obj.get("destination") if isinstance(obj.get("destination"), dict) else {}
    auth = destination.get("authentication") if isinstance(destination.get("authentication"), dict) else None
    header = None
    if auth is not None:
        header = str(auth.get("headerValue") or auth.get("key") or MASKED)
    triggers = []
    for trigger in obj.get("triggers") or []:
        if isinstance(trigger, dict) and isinstance(trigger.get("resourceTypeId"), str):
            actions = tuple(a for a in trigger.get("actions") or [] if isinstance(a, str))
            triggers.append(Trigger(trigger["resourceTypeId"], actions, trigger.get("condition")))
    timeout = obj.get("timeoutInMs")
    return ExtensionDef(key=obj.get("key"), url=destination.get("url"), triggers=tuple(triggers),
                        timeout_ms=timeout if isinstance(timeout, int) and timeout > 0 else 2000,
                        header_value=header, id=obj.get("id"))


def subscription_from_api(obj: dict[str, Any]) -> SubscriptionDef:
    messages = tuple((m["resourceTypeId"], tuple(t for t in m.get("types") or [] if isinstance(t, str)))
                     for m in obj.get("messages") or []
                     if isinstance(m, dict) and isinstance(m.get("resourceTypeId"), str))
    changes = tuple(c["resourceTypeId"] for c in obj.get("changes") or []
                    if isinstance(c, dict) and isinstance(c.get("resourceTypeId"), str))
    destination = obj.get("destination") if isinstance(obj.get("destination"), dict) else {}
    return SubscriptionDef(obj.get("key"), obj.get("id"), messages, changes, destination)
