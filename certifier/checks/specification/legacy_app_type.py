"""spec.legacy-app-type: Merchant Center apps use the current type name and the current configuration keys."""

from __future__ import annotations

from typing import Iterator

from certifier.checks.registry import Scope, check

from certifier.core.app_types import MC_APP_TYPES
from certifier.checks.specification._common import apps_of_types, connector, finding
from certifier.connector.model import App, ConfigEntry, Connector
from certifier.collect.context import CheckContext
from certifier.connector.manifest.rulesdata import specification_rules
from certifier.core.model import Finding, Severity, Stage

LEGACY_TYPE = "mc-app"
CURRENT_TYPE = "merchant-center-custom-application"


@check(
    id="spec.legacy-app-type",
    version="1.0.0",
    stage=Stage.SPECIFICATION,
    title="Merchant Center apps use current names",
    rationale="applicationType mc-app is the legacy name of merchant-center-custom-application; the official "
    "schema still accepts it but new tooling may not. Keys of old templates (APPLICATION_ID, "
    "APPLICATION_URL) were replaced or are now supplied by Connect.",
    remediation="Rename applicationType mc-app to merchant-center-custom-application and replace legacy keys "
    "(APPLICATION_ID -> CUSTOM_APPLICATION_ID; drop APPLICATION_URL).",
    severity=Severity.WARNING,
    scope=Scope.CONNECTOR,
)
def legacy_app_type(ctx: CheckContext) -> Iterator[Finding]:
    model = connector(ctx)
    apps = apps_of_types(model, MC_APP_TYPES, "Merchant Center custom application or view")
    legacy_keys = specification_rules().legacy_mc_keys
    for app in apps:
        yield from legacy_findings(model, app, app.config, legacy_keys)
    yield from legacy_key_findings(model, None, model.global_config, legacy_keys)


def legacy_findings(model: Connector, app: App, entries: tuple[ConfigEntry, ...],
           legacy_keys: dict[str, str]) -> Iterator[Finding]:
    if app.type == LEGACY_TYPE:
        yield finding(model, f"{app.manifest_path}.applicationType", f"App {app.name} uses the legacy applicationType "
                      f"{LEGACY_TYPE}; migrate to {CURRENT_TYPE}", Severity.WARNING, "legacy-type",
                      f"Write applicationType: {CURRENT_TYPE} (the configuration rules are the same).")
    yield from legacy_key_findings(model, app, entries, legacy_keys)


def legacy_key_findings(model: Connector, app: App | None, entries: tuple[ConfigEntry, ...],
                legacy_keys: dict[str, str]) -> Iterator[Finding]:
    where = f"app {app.name}" if app is not None else "inheritAs"
    for entry in entries:
        if entry.key in legacy_keys:
            yield finding(model, f"{entry.manifest_path}.key", f"{entry.key} ({where}) is a legacy Merchant Center "
                          f"key: it {legacy_keys[entry.key]}", Severity.WARNING, "legacy-key",
                          f"Replace or remove {entry.key}: it {legacy_keys[entry.key]}.")
