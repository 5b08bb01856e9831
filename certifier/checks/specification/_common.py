"""What every specification check starts from: the parsed manifest, or the reason there is none."""

from __future__ import annotations

from typing import Iterator

from certifier.checks.registry import CheckCannotRun

from certifier.core.errors import NotApplicable
from certifier.connector.model import App, ConfigEntry, Connector
from certifier.collect.context import CheckContext
from certifier.connector.manifest import ManifestLoad
from certifier.core.model import Finding, Severity


def manifest(ctx: CheckContext) -> ManifestLoad:
    load = ctx.inventory.manifest
    if not isinstance(load, ManifestLoad):  # a pipeline bug, never a silent pass
        raise CheckCannotRun("the inventory holds no ManifestLoad: connect.yaml was not loaded")
    return load


def why_no_model(load: ManifestLoad) -> str | None:
    """The reason checks of the manifest's content cannot run, or None when they can."""
    if not load.exists:
        return "connect.yaml is missing (reported by spec.manifest-file)"
    if not load.parsed:
        return "connect.yaml could not be parsed (reported by spec.manifest-file)"
    if not load.is_mapping:
        return "connect.yaml is not a mapping (reported by spec.manifest-file)"
    return None


def connector(ctx: CheckContext) -> Connector:
    """The Connector model, or NotApplicable with the reason it could not be built."""
    reason = why_no_model(manifest(ctx))
    if reason is None and ctx.inventory.connector is None:
        reason = "connect.yaml has no deployAs list (reported by spec.schema)"
    if reason is not None:
        raise NotApplicable(reason)
    return ctx.connector


def apps_of_types(model: Connector, types: frozenset[str] | set[str], what: str) -> tuple[App, ...]:
    apps = tuple(app for app in model.apps if app.type in types)
    if not apps:
        raise NotApplicable(f"connect.yaml declares no {what}")
    return apps


def all_entries(model: Connector) -> Iterator[tuple[App | None, ConfigEntry]]:
    """Every configuration entry: global ones (app None) first, then each app's."""
    for entry in model.global_config:
        yield None, entry
    for app in model.apps:
        for entry in app.config:
            yield app, entry


def owner(app: App | None) -> str:
    return f"app {app.name}" if app is not None else "inheritAs (every app)"


def finding(model: Connector, manifest_path: str, message: str, severity: Severity, rule: str,
            remediation: str, needs_review: bool = False, **properties: object) -> Finding:
    return Finding(
        message=message,
        severity=severity,
        location=model.locate(manifest_path),
        manifest_path=manifest_path,
        rule=rule,
        remediation=remediation,
        needs_review=needs_review,
        properties=dict(properties),
    )
