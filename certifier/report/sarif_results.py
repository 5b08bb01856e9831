"""SARIF results: one finding as code scanning shows it (message, location, verdict, waiver, fingerprint).

No evidence is copied: only the finding's message, location, remediation and a few known properties
(tools, aliases, cwe, package, ...). Locations are repo-relative URIs against `SRCROOT`, percent-encoded,
never above the root; GitHub requires one, so a finding without a file points at connect.yaml.
"""

from __future__ import annotations

import math
from typing import Any

from certifier.core.decision import FindingStatus, FindingVerdict, WaiverUse
from certifier.core.model import CheckResult, Finding
from certifier.core.report import Report
from certifier.report.escape import safe_text
from certifier.report.sarif_rules import LEVEL, is_security, security_severity
from certifier.report.sarif_text import artifact_uri, sarif_text

FINGERPRINT_KEY = "certifier/v1"
SRCROOT = "SRCROOT"
# Finding properties that describe the problem (not evidence, never a secret value) and may be shown.
PROPERTY_KEYS = ("tools", "aliases", "cwe", "package", "version", "lockfile", "fixed_in", "confidence", "family")


def waiver_of(report: Report, verdict: FindingVerdict | None) -> WaiverUse | None:
    """The first waiver that covers a waived finding, as the decision recorded it."""
    if verdict is None or not verdict.waivers:
        return None
    return next((use for use in report.decision.waivers if use.waiver_id == verdict.waivers[0]), None)


def _properties(finding: Finding) -> dict[str, Any]:
    shown = {}
    for key in PROPERTY_KEYS:
        value = finding.properties.get(key)
        if isinstance(value, str):
            shown[key] = sarif_text(value, 200)
        elif isinstance(value, (bool, int)) or isinstance(value, float) and math.isfinite(value):
            shown[key] = value
        elif isinstance(value, (list, tuple)):
            shown[key] = [sarif_text(v, 200) for v in value[:50] if isinstance(v, (str, int))]
    return shown


def _location(finding: Finding) -> tuple[dict, dict[str, Any]]:
    """The physical location, and properties that say how exact it is."""
    extra: dict[str, Any] = {}
    path = finding.location.path if finding.location else ""
    uri, exact = artifact_uri(path)
    if not uri:  # GitHub requires a location: the manifest is the connector's one certain file
        uri, exact = "connect.yaml", False
        extra["locationApproximate"] = True
    if not exact and path:
        extra["reportedPath"] = sarif_text(path, 500)
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri, "uriBaseId": SRCROOT}}
    loc = finding.location
    if loc is not None and loc.line is not None and loc.line >= 1:
        region: dict[str, int] = {"startLine": loc.line}
        if loc.column is not None and loc.column >= 1:
            region["startColumn"] = loc.column
        if loc.end_line is not None and loc.end_line >= loc.line:
            region["endLine"] = loc.end_line
        physical["region"] = region
    return {"physicalLocation": physical}, extra


def sarif_result(rule_id: str, result: CheckResult, finding: Finding, verdict: FindingVerdict | None,
                 waiver: WaiverUse | None) -> dict:
    location, location_properties = _location(finding)
    properties: dict[str, Any] = {
        "checkId": safe_text(result.check_id, 200),
        "checkVersion": safe_text(result.check_version, 50),
        "stage": result.stage.value,
        "needsReview": finding.needs_review,
        **({"app": safe_text(result.app, 256)} if result.app else {}),
        **({"status": verdict.status.value, "decidedBy": safe_text(verdict.rule, 300)} if verdict else {}),
        **({"manifestPath": sarif_text(finding.manifest_path, 500)} if finding.manifest_path else {}),
        **({"remediation": sarif_text(finding.remediation)} if finding.remediation else {}),
        **location_properties,
        **_properties(finding),
        "confidence": finding.confidence.value,
        **({"fileKind": finding.file_kind.value} if finding.file_kind else {}),
        **({"security-severity": security_severity(finding), "tags": ["security"]}
           if is_security(result, finding) else {}),
    }
    sarif: dict[str, Any] = {
        "ruleId": rule_id,
        "level": LEVEL[finding.severity],
        "message": {"text": sarif_text(finding.message) or "(no message)"},
        "locations": [location],
        "properties": properties,
    }
    if finding.fingerprint:
        sarif["partialFingerprints"] = {FINGERPRINT_KEY: safe_text(finding.fingerprint, 128)}
    if verdict is not None and verdict.status is FindingStatus.WAIVED:
        suppression: dict[str, Any] = {"kind": "external", "status": "accepted",
                                       "justification": sarif_text(waiver.reason if waiver else "waived by a reviewer", 1000)}
        if waiver is not None:
            suppression["properties"] = {"waiverId": safe_text(waiver.waiver_id, 200),
                                         **({"expires": safe_text(waiver.expires, 64)} if waiver.expires else {})}
        sarif["suppressions"] = [suppression]
    return sarif


def rank(verdict: FindingVerdict | None, finding: Finding, order: int) -> tuple:
    # Kept first when a run must be trimmed: blocking, then most severe, then report order.
    return (verdict is None or verdict.status is not FindingStatus.BLOCKS, -finding.severity.rank, order)


