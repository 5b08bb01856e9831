"""spec.secret-config: secrets are declared only in securedConfiguration, and no default holds one."""

from __future__ import annotations

from typing import Iterator

from certifier.checks.registry import Scope, check
from certifier.checks.specification._common import all_entries, connector, finding, owner
from certifier.connector.model import App, ConfigEntry, Connector
from certifier.collect.context import CheckContext
from certifier.connector.manifest.rulesdata import SecretPatterns, secret_patterns
from certifier.core.model import Finding, Severity, Stage


@check(
    id="spec.secret-config",
    version="1.0.0",
    stage=Stage.SPECIFICATION,
    title="Secrets are declared as secured configuration",
    rationale="Standard configuration values are stored in plain text and can be read back by anyone with "
    "access to the deployment; secured values are encrypted and write-only. A secret declared as standard "
    "configuration, or any secret written into connect.yaml as a default, leaks it.",
    remediation="Move secret keys to securedConfiguration (which has no default) and remove secret values "
    "from connect.yaml; rotate any secret that was committed.",
    severity=Severity.ERROR,
    scope=Scope.CONNECTOR,
)
def secret_config(ctx: CheckContext) -> Iterator[Finding]:
    model = connector(ctx)
    patterns = secret_patterns()
    for app, entry in all_entries(model):
        yield from decide(model, app, entry, patterns)


def decide(model: Connector, app: App | None, entry: ConfigEntry, patterns: SecretPatterns) -> Iterator[Finding]:
    where = owner(app)
    if entry.secured:
        if patterns.is_clearly_not_secret_key(entry.key):
            yield finding(model, f"{entry.manifest_path}.key", f"{entry.key} ({where}) is secured configuration "
                          "but does not look secret; secured values are write-only and cannot be read back",
                          Severity.INFO, "not-secret-secured",
                          f"Consider declaring {entry.key} in standardConfiguration so operators can see its value.")
        return
    secret_key = patterns.is_secret_key(entry.key)
    if secret_key:
        yield finding(model, f"{entry.manifest_path}.key", f"{entry.key} ({where}) looks like a secret but is "
                      "declared in standardConfiguration, which is stored in plain text", Severity.ERROR,
                      "secret-in-standard", f"Move {entry.key} to securedConfiguration.")
    if entry.default is not None:
        yield from _default(model, entry, where, secret_key, patterns)


def _default(model: Connector, entry: ConfigEntry, where: str, secret_key: bool,
             patterns: SecretPatterns) -> Iterator[Finding]:
    path = f"{entry.manifest_path}.default"
    kind = patterns.secret_value_kind(entry.default or "")
    if kind is not None:
        yield finding(model, path, f"The default of {entry.key} ({where}) looks like a real secret ({kind}); "
                      "it is committed in connect.yaml", Severity.ERROR, "secret-default",
                      f"Remove the default of {entry.key}, rotate that secret, and declare the key in "
                      "securedConfiguration.", kind=kind)
    elif secret_key:
        placeholder = " (a placeholder)" if patterns.is_placeholder(entry.default or "") else ""
        yield finding(model, path, f"{entry.key} ({where}) is a credential with a default value{placeholder}: "
                      "a secret must be given at deployment, never defaulted in connect.yaml", Severity.ERROR,
                      "credential-default", f"Remove the default of {entry.key} and move it to securedConfiguration.")
