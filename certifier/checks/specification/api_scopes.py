"""spec.api-scopes: the API client Connect creates for the connector gets least-privilege scopes."""

from __future__ import annotations

from typing import Iterator

from certifier.connector.files import read_text
from certifier.checks.registry import Scope, check
from certifier.core.errors import NotApplicable
from certifier.checks.specification._common import connector, finding
from certifier.connector.model import Connector
from certifier.collect.context import CheckContext
from certifier.connector.manifest.rulesdata import ScopeRules, specification_rules
from certifier.core.model import Finding, Severity, Stage

README_NAMES = ("README.md", "README", "readme.md", "Readme.md", "README.markdown", "README.txt")


@check(
    id="spec.api-scopes",
    version="1.0.0",
    stage=Stage.SPECIFICATION,
    title="API client scopes are least-privilege",
    rationale="inheritAs.apiClient.scopes become the permissions of the API client Connect creates in the "
    "merchant's project. manage_project grants everything and manage_api_clients lets the connector mint "
    "new credentials: neither may appear. Other manage_* scopes need a justification a reviewer can read.",
    remediation="Request only the view_*/manage_* scopes the connector uses, and explain each manage_* scope "
    "in the README.",
    severity=Severity.ERROR,
    scope=Scope.CONNECTOR,
)
def api_scopes(ctx: CheckContext) -> Iterator[Finding]:
    model = connector(ctx)
    if model.api_scopes is None:
        raise NotApplicable("inheritAs.apiClient.scopes is not set")
    yield from scope_findings(model, specification_rules().api_scopes, _readme(ctx))


def _readme(ctx: CheckContext) -> str:
    present = set(ctx.checkout.files)
    for name in README_NAMES:
        if name in present:
            return read_text(ctx.root, name) or ""
    return ""


def _raw_scopes(model: Connector) -> list[tuple[int, str]]:
    """(index in the YAML list, scope) of the string scopes; indexes stay those of connect.yaml."""
    client = model.data.get("inheritAs", {}).get("apiClient", {})
    scopes = client.get("scopes") if isinstance(client, dict) else None
    return [(i, s) for i, s in enumerate(scopes) if isinstance(s, str)] if isinstance(scopes, list) else []


def scope_findings(model: Connector, rules: ScopeRules, readme: str) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for index, scope in _raw_scopes(model):
        path = f"inheritAs.apiClient.scopes.{index}"
        name = scope.strip()
        if name in seen:
            yield finding(model, path, f"Scope {name} is listed more than once (first at index {seen[name]})",
                          Severity.WARNING, "duplicate-scope", f"Remove the repeated {name}.")
            continue
        seen[name] = index
        if name in rules.forbidden:
            yield finding(model, path, f"Scope {name} must not be requested: it {rules.forbidden[name]}",
                          Severity.ERROR, "forbidden-scope", f"Remove {name} and request only the narrow scopes "
                          "the connector uses.")
        elif rules.is_broad(name) and name not in readme:
            yield finding(model, path, f"Scope {name} grants write access and the README does not justify it",
                          Severity.WARNING, "broad-scope", f"Explain in the README why the connector needs {name} "
                          "(or use a view_* scope if it only reads).", needs_review=True)
