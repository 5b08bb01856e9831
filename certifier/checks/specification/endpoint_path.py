"""spec.endpoint-path: endpoints are written as absolute paths; shared endpoint paths are pointed out."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from certifier.checks.registry import Scope, check

from certifier.core.app_types import HTTP_APP_TYPES
from certifier.checks.specification._common import apps_of_types, connector, finding
from certifier.connector.model import App, Connector
from certifier.collect.context import CheckContext
from certifier.core.model import Finding, Severity, Stage


@check(
    id="spec.endpoint-path",
    version="1.0.0",
    stage=Stage.SPECIFICATION,
    title="Endpoints are absolute paths",
    rationale="The endpoint is the path Connect sends requests to, and the app's HTTP router must serve exactly "
    "that path. The official check accepts 'svc', but routers and the deployed URL are written with a "
    "leading '/', so a bare name is easy to mismatch.",
    remediation="Write endpoint with a leading slash (for example /service) and serve exactly that path.",
    severity=Severity.WARNING,
    scope=Scope.CONNECTOR,
)
def endpoint_path(ctx: CheckContext) -> Iterator[Finding]:
    model = connector(ctx)
    apps = apps_of_types(model, HTTP_APP_TYPES, "service, event or job app")
    yield from endpoint_findings(model, [app for app in apps if app.endpoint])


def endpoint_findings(model: Connector, apps: list[App]) -> Iterator[Finding]:
    for app in apps:
        endpoint = app.endpoint or ""
        if not endpoint.startswith("/"):
            yield finding(model, f"{app.manifest_path}.endpoint", f"Endpoint {endpoint!r} of app {app.name} has no "
                          "leading '/'", Severity.WARNING, "no-leading-slash", f"Write endpoint: /{endpoint}")
    by_path: dict[str, list[App]] = defaultdict(list)
    for app in apps:
        by_path["/" + (app.endpoint or "").lstrip("/")].append(app)
    for path, sharing in sorted(by_path.items()):
        if len(sharing) > 1:
            names = ", ".join(a.name for a in sharing)
            for app in sharing[1:]:
                yield finding(model, f"{app.manifest_path}.endpoint", f"Apps {names} all use endpoint path {path}; "
                              "this is legal (each app has its own URL) but check that each router serves it",
                              Severity.WARNING, "shared-endpoint", "Nothing to change if each app serves this path.")
