"""spec.secret-config: secrets are declared only in securedConfiguration, and no default holds one.

A key is judged by its name (there is no value to judge): one that ends in a secret word (..._SECRET,
...Password, ..._API_KEY) is a secret with high confidence, one that only contains such a word
(TOKEN_LIFETIME_DAYS) with medium. A default is judged by its value (certifier.core.secrets.judge): a
placeholder default of a secret key is the same misplaced key again, low confidence on its own."""

from __future__ import annotations

import re
from typing import Iterator

from certifier.checks.registry import Scope, check
from certifier.checks.specification._common import all_entries, connector, finding, owner
from certifier.connector.model import App, ConfigEntry, Connector
from certifier.collect.context import CheckContext
from certifier.connector.manifest.rulesdata import SecretPatterns, secret_patterns
from certifier.core.model import Confidence, FileKind, Finding, Severity, Stage
from certifier.core.secrets.judge import Facts, judge

# which of the found secret values are known credential formats (the others are judged as named values)
SHAPES_ONLY = frozenset({"long random string", "long hexadecimal string"})


@check(
    id="spec.secret-config",
    version="1.1.0",
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
            yield _sure(finding(model, f"{entry.manifest_path}.key", f"{entry.key} ({where}) is secured "
                                "configuration but does not look secret; secured values are write-only and cannot "
                                "be read back", Severity.INFO, "not-secret-secured",
                                f"Consider declaring {entry.key} in standardConfiguration so operators can see its "
                                "value."), Confidence.HIGH, f"{entry.key} names a setting that is never secret")
        return
    secret_key = patterns.is_secret_key(entry.key)
    if secret_key:
        yield _sure(finding(model, f"{entry.manifest_path}.key", f"{entry.key} ({where}) looks like a secret but is "
                            "declared in standardConfiguration, which is stored in plain text", Severity.ERROR,
                            "secret-in-standard", f"Move {entry.key} to securedConfiguration."),
                    *key_confidence(entry.key, patterns))
    if entry.default is not None:
        yield from _default(model, entry, where, secret_key, patterns)


def key_confidence(key: str, patterns: SecretPatterns) -> tuple[Confidence, str]:
    """How sure a secret-looking key names a secret: ending in a secret word (a trailing KEY allowed, as in
    STRIPE_SECRET_KEY) is high; only containing one (TOKEN_LIFETIME_DAYS) is medium."""
    ends = any(re.search(f"(?:{p})(?:_?KEY)?$", key, re.I) for p in patterns.secret_key_patterns)
    if ends:
        return Confidence.HIGH, f"{key} ends in a word that names a secret"
    return Confidence.MEDIUM, f"{key} contains a word that names a secret, but does not end in one"


def _sure(found: Finding, confidence: Confidence, reason: str) -> Finding:
    return found.model_copy(update={"confidence": confidence, "confidence_reason": reason,
                                    "file_kind": FileKind.CONFIG})


def _default(model: Connector, entry: ConfigEntry, where: str, secret_key: bool,
             patterns: SecretPatterns) -> Iterator[Finding]:
    path = f"{entry.manifest_path}.default"
    value = entry.default or ""
    kind = patterns.secret_value_kind(value)
    judged = judge(Facts(value, FileKind.CONFIG, key=entry.key,
                         known_format=kind if kind not in SHAPES_ONLY else None))
    if kind is not None and judged.confidence is not None:
        yield _sure(finding(model, path, f"The default of {entry.key} ({where}) looks like a real secret ({kind}); "
                            "it is committed in connect.yaml", Severity.ERROR, "secret-default",
                            f"Remove the default of {entry.key}, rotate that secret, and declare the key in "
                            "securedConfiguration.", kind=kind), judged.confidence, judged.reason)
    elif secret_key:
        placeholder = " (a placeholder)" if patterns.is_placeholder(value) else ""
        confidence, reason = ((Confidence.LOW, f"the default is not a secret ({judged.reason}); the key itself is "
                               "the problem") if judged.confidence is None else (judged.confidence, judged.reason))
        yield _sure(finding(model, path, f"{entry.key} ({where}) is a credential with a default value{placeholder}: "
                            "a secret must be given at deployment, never defaulted in connect.yaml", Severity.ERROR,
                            "credential-default", f"Remove the default of {entry.key} and move it to "
                            "securedConfiguration."), confidence, reason)
