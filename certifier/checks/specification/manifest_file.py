"""spec.manifest-file: connect.yaml exists at the root and reads as one YAML mapping within our limits."""

from __future__ import annotations

from typing import Iterator

from certifier.checks.registry import Scope, check
from certifier.checks.specification._common import manifest
from certifier.collect.context import CheckContext
from certifier.connector.manifest import MANIFEST_FILE, ManifestLoad
from certifier.core.model import Finding, Stage, Severity

MAX_LISTED = 5


@check(
    id="spec.manifest-file",
    version="1.0.0",
    stage=Stage.SPECIFICATION,
    title="connect.yaml exists and parses",
    rationale="Connect reads connect.yaml at the repository root (exactly that name) with a strict YAML 1.2 "
    "parser. Without it the platform reports 'specification file not found'; a file it cannot parse "
    "(syntax, duplicate keys, an empty file) fails the specification check before anything is built.",
    remediation="Add a UTF-8 connect.yaml at the repository root whose top level is a mapping with deployAs, "
    "and fix the YAML error at the line the finding names.",
    severity=Severity.ERROR,
    scope=Scope.CONNECTOR,
)
def manifest_file(ctx: CheckContext) -> Iterator[Finding]:
    load = manifest(ctx)
    yield from manifest_file_findings(load, ctx.checkout.files)


def manifest_file_findings(load: ManifestLoad, files: tuple[str, ...]) -> Iterator[Finding]:
    if load.exists:
        yield from load.findings
        return
    nested = sorted(f for f in files if f.endswith("/" + MANIFEST_FILE))
    for found in load.findings:
        if nested and found.rule == "manifest.missing":
            found = _with_nested(found, nested)
        yield found


def _with_nested(found: Finding, nested: list[str]) -> Finding:
    more = len(nested) - MAX_LISTED
    listed = ", ".join(nested[:MAX_LISTED]) + (f" and {more} more" if more > 0 else "")
    note = (f" {MANIFEST_FILE} exists only in subfolders ({listed}): a repository whose connect.yaml files are "
            "all in subfolders (templates) is not a connector.")
    return found.model_copy(update={"message": found.message + note,
                                    "properties": {**found.properties, "nested": nested[:50]}})
