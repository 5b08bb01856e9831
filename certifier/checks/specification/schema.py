"""spec.schema: connect.yaml satisfies the official schema and its semantic rules, in the official wording."""

from __future__ import annotations

from typing import Iterator

from certifier.checks.registry import Scope, check

from certifier.core.errors import NotApplicable
from certifier.checks.specification._common import manifest, why_no_model
from certifier.collect.context import CheckContext
from certifier.connector.manifest import validate_manifest
from certifier.core.model import Finding, Severity, Stage


@check(
    id="spec.schema",
    version="1.0.0",
    stage=Stage.SPECIFICATION,
    title="connect.yaml matches the Connect specification",
    rationale="The platform validates connect.yaml with a strict schema: every object rejects unknown keys, "
    "each application type allows its own fields, configuration entries have typed fields, and names and "
    "keys must be unique. Any violation fails the specification check. The certifier also rejects an "
    "empty deployAs and the internal applicationType 'unknown'.",
    remediation="Fix each [path]: message the finding lists at the line it names (the fields are described in "
    "docs/connectors.md#manifest).",
    severity=Severity.ERROR,
    scope=Scope.CONNECTOR,
)
def schema(ctx: CheckContext) -> Iterator[Finding]:
    load = manifest(ctx)
    reason = why_no_model(load)
    if reason is not None:  # never a pass: spec.manifest-file carries the Error
        raise NotApplicable(reason)
    yield from validate_manifest(load)
