"""spec.config-key-style: configuration keys follow the UPPER_SNAKE convention of environment variables."""

from __future__ import annotations

import re
from typing import Iterator

from certifier.checks.registry import Scope, check
from certifier.checks.specification._common import all_entries, connector, finding, owner
from certifier.connector.model import App, ConfigEntry, Connector
from certifier.collect.context import CheckContext
from certifier.connector.manifest.rulesdata import specification_rules
from certifier.core.model import Finding, Severity, Stage


@check(
    id="spec.config-key-style",
    version="1.0.0",
    stage=Stage.SPECIFICATION,
    title="Configuration keys are UPPER_SNAKE_CASE",
    rationale="Every key reaches the app as an environment variable of the same name. UPPER_SNAKE_CASE is the "
    "convention operators expect, and keys differing only in case are easy to confuse.",
    remediation="Rename keys to UPPER_SNAKE_CASE (for example apiUrl -> API_URL) in connect.yaml and the code.",
    severity=Severity.INFO,
    scope=Scope.CONNECTOR,
)
def config_key_style(ctx: CheckContext) -> Iterator[Finding]:
    model = connector(ctx)
    style = re.compile(specification_rules().config_key_style)
    for app, entry in all_entries(model):
        yield from key_style_findings(model, app, entry, style)


def suggestion(key: str) -> str:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key)
    return re.sub(r"_+", "_", spaced).strip("_").upper()


def key_style_findings(model: Connector, app: App | None, entry: ConfigEntry,
                       style: re.Pattern[str]) -> Iterator[Finding]:
    if style.fullmatch(entry.key):
        return
    better = suggestion(entry.key)
    yield finding(model, f"{entry.manifest_path}.key", f"Key {entry.key} ({owner(app)}) is not UPPER_SNAKE_CASE",
                  Severity.INFO, "key-style", f"Rename {entry.key} to {better} in connect.yaml and in the code that "
                  "reads it.")
