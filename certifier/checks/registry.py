"""The check catalogue: every check registers its metadata here with the `@check` decorator.

Metadata is validated when the module is imported, so a check with a malformed id, an empty
remediation or an unknown application type cannot be loaded at all.
"""

from __future__ import annotations

import enum
import importlib
import pkgutil
import re
from dataclasses import dataclass
from typing import Callable, Iterable

from certifier.core.app_types import APP_TYPES
from certifier.core.errors import CannotRun
from certifier.core.model import Finding, Severity, Stage

CHECK_ID = re.compile(r"^[a-z]+(\.[a-z0-9]+(-[a-z0-9]+)*)+$")
VERSION = re.compile(r"^\d+\.\d+\.\d+$")

class Scope(str, enum.Enum):
    CONNECTOR = "connector"
    APP = "app"


class MetadataError(ValueError):
    """A check was declared with invalid metadata (a programming error, caught at import)."""


class SkipCheck(Exception):
    """Raised by a check blocked by an earlier failure (e.g. no build because install failed): `skip`,
    with the message as the reason. Only for a failure already reported elsewhere, never to hide one."""


class Evidence(dict):
    """Yielded by a check besides its Findings: free-form evidence (transcripts, timings, command logs)
    merged into CheckResult.evidence. Keep it bounded and redacted; it renders in every report format."""


class CheckCannotRun(CannotRun):
    """Raised by a check when it could not do its job (tool crash, missing data): outcome `error`."""


CheckFunction = Callable[..., Iterable[Finding]]


@dataclass(frozen=True)
class CheckSpec:
    id: str
    version: str
    stage: Stage
    title: str
    rationale: str
    remediation: str
    severity: Severity
    scope: Scope
    func: CheckFunction
    app_types: frozenset[str] | None = None
    link: str | None = None
    budget_s: float = 30.0
    cacheable: bool = True  # False for checks whose side effects (artifacts) a cached result would lose

    def applies_to_type(self, app_type: str) -> bool:
        return self.app_types is None or app_type in self.app_types


_REGISTRY: dict[str, CheckSpec] = {}


def check(
    *,
    id: str,
    version: str,
    stage: Stage,
    title: str,
    rationale: str,
    remediation: str,
    severity: Severity,
    scope: Scope = Scope.CONNECTOR,
    app_types: Iterable[str] | None = None,
    link: str | None = None,
    budget_s: float = 30.0,
    cacheable: bool = True,
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check. The decorated function takes a CheckContext and yields Findings."""

    def register(func: CheckFunction) -> CheckFunction:
        spec = CheckSpec(
            id=id,
            version=version,
            stage=stage,
            title=title,
            rationale=rationale,
            remediation=remediation,
            severity=severity,
            scope=scope,
            func=func,
            app_types=frozenset(app_types) if app_types is not None else None,
            link=link,
            budget_s=budget_s,
            cacheable=cacheable,
        )
        _validate(spec)
        _REGISTRY[id] = spec
        return func

    return register


def _validate(spec: CheckSpec) -> None:
    where = f"check {spec.id!r} ({spec.func.__module__})"
    if not CHECK_ID.match(spec.id):
        raise MetadataError(f"{where}: id must be dotted lower-case, e.g. 'spec.app-folder'")
    if spec.id in _REGISTRY and _REGISTRY[spec.id].func.__qualname__ != spec.func.__qualname__:
        raise MetadataError(f"{where}: id already registered by {_REGISTRY[spec.id].func.__module__}")
    if not VERSION.match(spec.version):
        raise MetadataError(f"{where}: version must be semantic (1.0.0)")
    for field in ("title", "rationale", "remediation"):
        if not getattr(spec, field).strip():
            raise MetadataError(f"{where}: {field} must not be empty")
    if not isinstance(spec.stage, Stage) or not isinstance(spec.severity, Severity):
        raise MetadataError(f"{where}: stage and severity must be Stage/Severity members")
    if spec.app_types is not None:
        if spec.scope is not Scope.APP:
            raise MetadataError(f"{where}: app_types only make sense for scope=app")
        unknown = spec.app_types - APP_TYPES
        if unknown:
            raise MetadataError(f"{where}: unknown app types {sorted(unknown)}")
    if spec.budget_s <= 0:
        raise MetadataError(f"{where}: budget_s must be positive")


def load_all() -> dict[str, CheckSpec]:
    """Import every module under certifier.checks so that their checks register; return the catalogue."""
    import certifier.checks as package

    for module in pkgutil.walk_packages(package.__path__, prefix="certifier.checks."):
        importlib.import_module(module.name)
    return dict(sorted(_REGISTRY.items()))


def get(check_id: str) -> CheckSpec:
    return load_all()[check_id]
