"""Is connect.yaml valid? Schema + official semantic rules (+ the certifier's two spec-gate additions:
an empty deployAs and applicationType 'unknown' are Errors), as Findings with connect.yaml positions."""

from __future__ import annotations

from certifier.connector.manifest.issues import ordered
from certifier.connector.manifest.model import ManifestLoad
from certifier.connector.manifest.schema import schema_issues
from certifier.connector.manifest.semantic import semantic_issues
from certifier.core.model import Finding, Severity


def validate_manifest(load: ManifestLoad) -> list[Finding]:
    """Schema and semantic findings of a loaded manifest, in document order. [] when there is no mapping."""
    if not load.is_mapping:
        return []
    issues = ordered(schema_issues(load.data) + semantic_issues(load.data), load.positions)
    return [issue.to_finding(load.positions, load.file) for issue in issues]


def manifest_validity(load: ManifestLoad) -> tuple[bool, list[Finding]]:
    """(valid, findings): valid exactly when the file exists, parsed to a mapping, and no load, schema or
    semantic finding is an Error. Warnings and Info never make it False."""
    findings = list(load.findings) + validate_manifest(load)
    valid = load.exists and load.is_mapping and not any(f.severity is Severity.ERROR for f in findings)
    return valid, findings
