"""SARIF 2.1.0 for code scanning (GitHub and other SARIF viewers).

One run per tool that reported findings (driver name = Finding.tool), plus always the `certifier`
run, which reports every check that could not run (`error`) or was skipped as a tool execution
notification: a crash is visible as `executionSuccessful: false`, never as "no results". A tool run
whose check errored on some target is marked unsuccessful too.

Rules come from the check catalogue copied into the report (`Report.checks`: title, rationale,
remediation, link); a finding with a sub-rule gets the rule id `<check id>/<sub-rule>`. Results carry
our fingerprint as `partialFingerprints["certifier/v1"]`, the verdict sealed in the decision (status
blocks | needs-review | waived | advisory, and the profile rule that decided) and waivers as `external`
suppressions. Locations are repo-relative URIs against `SRCROOT`, percent-encoded,
never above the root.

No evidence is copied: only the finding's message, location, remediation and a few known
properties (tools, aliases, cwe, package, ...). Text is made inert (bidi and control characters
become visible markers) and `[`/`]` are escaped, so a message cannot forge SARIF embedded links.
The schema tests validate against is rules/schema/sarif-2.1.0.schema.json (see SCHEMA_SOURCE).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from certifier.core.report import CheckInfo, Report

from certifier.core.model import CheckResult, Finding, Outcome, Severity

from certifier.core.decision import FindingStatus, FindingVerdict, WaiverUse
from certifier.report.escape import safe_text
from certifier.report.sarif_text import artifact_uri, repository_uri, sarif_text  # noqa: F401 (public)

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SCHEMA_FILE_NAME = "sarif-2.1.0.schema.json"
# The committed schema is the official SARIF 2.1.0 (rtm.5) JSON Schema, unchanged, as shipped in the
# npm package @microsoft/jest-sarif 1.0.0-beta.0 (lib/schemas/sarif-2.1.0-rtm.5.json, MIT).
SCHEMA_SOURCE = "npm:@microsoft/jest-sarif@1.0.0-beta.0/lib/schemas/sarif-2.1.0-rtm.5.json"
SCHEMA_SHA256 = "2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8"

FINGERPRINT_KEY = "certifier/v1"
SRCROOT = "SRCROOT"
CERTIFIER = "certifier"
MAX_RESULTS_PER_RUN = 5_000  # GitHub code scanning's limit of results per run
MAX_BYTES = 10 * 1024 * 1024  # GitHub code scanning's limit of an upload
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# Finding properties that describe the problem (not evidence, never a secret value) and may be shown.
PROPERTY_KEYS = ("tools", "aliases", "cwe", "package", "version", "lockfile", "fixed_in", "confidence", "family")


# --- what the report says about each finding -----------------------------------------------------

def _waiver(report: Report, verdict: FindingVerdict | None) -> WaiverUse | None:
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


# --- one run -------------------------------------------------------------------------------------

class _Run:
    def __init__(self, tool: str, version: str | None, catalogue: Mapping[str, CheckInfo]):
        self.tool, self.version, self.catalogue = tool, version, catalogue
        self.rules: dict[str, dict] = {}
        self.results: list[tuple[tuple, dict]] = []  # (rank for trimming, result)
        self.notifications: list[dict] = []
        self.descriptors: dict[str, dict] = {}
        self.successful = True
        self.limit = MAX_RESULTS_PER_RUN

    def rule_for(self, result: CheckResult, finding: Finding) -> str:
        check_id = safe_text(result.check_id, 200)
        sub_rule = safe_text(finding.rule, 300) if finding.rule else None
        rule_id = f"{check_id}/{sub_rule}" if sub_rule else check_id
        if rule_id not in self.rules:
            self.rules[rule_id] = _rule(rule_id, result, sub_rule, self.catalogue.get(result.check_id), finding)
        return rule_id

    def notify(self, result: CheckResult | None, level: str, text: str, descriptor: str, title: str) -> None:
        note: dict[str, Any] = {"level": level, "message": {"text": sarif_text(text)},
                                "descriptor": {"id": safe_text(descriptor, 200)}}
        if result is not None:
            note["properties"] = {"checkId": safe_text(result.check_id, 200), "outcome": result.outcome.value,
                                  "stage": result.stage.value, **({"app": safe_text(result.app, 256)} if result.app else {})}
        self.notifications.append(note)
        self.descriptors.setdefault(note["descriptor"]["id"], {
            "id": note["descriptor"]["id"], "shortDescription": {"text": sarif_text(title, 500)}})

    def to_dict(self, provenance: list[dict]) -> dict:
        kept = sorted(range(len(self.results)), key=lambda i: self.results[i][0])[: self.limit]
        results = [self.results[i][1] for i in sorted(kept)]
        omitted = len(self.results) - len(results)
        notifications, descriptors = list(self.notifications), dict(self.descriptors)
        if omitted:
            notifications.append({"level": "warning", "descriptor": {"id": "results-omitted"}, "message": {
                "text": f"{omitted} of {len(self.results)} results omitted (code scanning limits); see report.json"}})
            descriptors["results-omitted"] = {"id": "results-omitted",
                                              "shortDescription": {"text": "Results left out to fit code scanning limits"}}
        rule_ids = sorted(self.rules)
        index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
        driver: dict[str, Any] = {"name": self.tool, "rules": [self.rules[r] for r in rule_ids]}
        if self.version:
            driver["version"] = self.version
        if descriptors:
            driver["notifications"] = [descriptors[d] for d in sorted(descriptors)]
        run: dict[str, Any] = {
            "tool": {"driver": driver},
            "invocations": [{"executionSuccessful": self.successful, "toolExecutionNotifications": notifications}],
            "originalUriBaseIds": {SRCROOT: {"description": {"text": "The root of the connector repository."}}},
            "columnKind": "unicodeCodePoints",
            "results": [{**r, "ruleIndex": index[r["ruleId"]]} for r in results],
        }
        if provenance:
            run["versionControlProvenance"] = provenance
        if omitted:
            run["properties"] = {"resultsOmitted": omitted}
        return run


def _rule(rule_id: str, result: CheckResult, sub_rule: str | None, spec: CheckInfo | None, finding: Finding) -> dict:
    title = spec.title if spec else result.title
    short = f"{title} ({sub_rule})" if sub_rule else title
    full = spec.rationale if spec else title
    help_text = spec.remediation if spec else (finding.remediation or "See the check in the certifier report.")
    rule: dict[str, Any] = {
        "id": rule_id,
        "shortDescription": {"text": sarif_text(short, 1000)},
        "fullDescription": {"text": sarif_text(full)},
        "help": {"text": sarif_text(help_text)},
        "properties": {"checkId": safe_text(result.check_id, 200), "stage": result.stage.value,
                       "tags": sorted({result.stage.value, "certifier"})},
    }
    if spec is not None:
        rule["defaultConfiguration"] = {"level": LEVEL[spec.severity]}
        rule["properties"]["checkVersion"] = spec.version
        if spec.link and urlsplit(spec.link).scheme in ("http", "https"):
            rule["helpUri"] = spec.link
    return rule


# --- results -------------------------------------------------------------------------------------

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


def _result(run: _Run, result: CheckResult, finding: Finding, verdict: FindingVerdict | None,
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
    }
    sarif: dict[str, Any] = {
        "ruleId": run.rule_for(result, finding),
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


def _rank(verdict: FindingVerdict | None, finding: Finding, order: int) -> tuple:
    # Kept first when a run must be trimmed: blocking, then most severe, then report order.
    return (verdict is None or verdict.status is not FindingStatus.BLOCKS, -finding.severity.rank, order)


# --- the log -------------------------------------------------------------------------------------

def _provenance(report: Report) -> list[dict]:
    uri = repository_uri(report.provenance.source)
    if uri is None:
        return []
    details: dict[str, Any] = {"repositoryUri": uri, "mappedTo": {"uriBaseId": SRCROOT}}
    if report.provenance.commit:
        details["revisionId"] = safe_text(report.provenance.commit, 100)
    if report.provenance.tag:
        details["revisionTag"] = safe_text(report.provenance.tag, 256)
    return [details]


def _runs(report: Report) -> dict[str, _Run]:
    catalogue = report.checks
    verdicts = report.decision.verdicts()
    runs = {CERTIFIER: _Run(CERTIFIER, safe_text(report.certifier_version, 50), catalogue)}
    tools_of_check: dict[str, set[str]] = {}
    for result in report.results:
        for finding in result.findings:
            tool = safe_text(finding.tool, 100) or CERTIFIER
            version = report.tools.get(finding.tool)
            run = runs.setdefault(tool, _Run(tool, safe_text(version, 50) if version else None, catalogue))
            verdict = verdicts.get(finding.fingerprint)
            sarif = _result(run, result, finding, verdict, _waiver(report, verdict))
            run.results.append((_rank(verdict, finding, len(run.results)), sarif))
            tools_of_check.setdefault(result.check_id, set()).add(tool)
    _notify(report, runs, tools_of_check)
    return runs


def _notify(report: Report, runs: dict[str, _Run], tools_of_check: dict[str, set[str]]) -> None:
    for result in report.results:
        if result.outcome not in (Outcome.ERROR, Outcome.SKIP):
            continue
        crashed = result.outcome is Outcome.ERROR
        target = f" on {result.app}" if result.app else ""
        text = f"{result.check_id}{target}: {'could not run' if crashed else 'skipped'}: {result.summary or 'no reason given'}"
        for tool in {CERTIFIER} | (tools_of_check.get(result.check_id, set()) if crashed else set()):
            runs[tool].notify(result, "error" if crashed else "note", text, result.check_id, result.title)
            runs[tool].successful = runs[tool].successful and not crashed
    if report.aborted:
        runs[CERTIFIER].notify(None, "error", f"The run stopped early: {report.aborted}", "run.aborted",
                               "The certification run stopped early")
        runs[CERTIFIER].successful = False


def _size(log: dict) -> int:
    return len(json.dumps(log, ensure_ascii=False).encode("utf-8", "backslashreplace"))


def render_sarif(report: Report, *, max_bytes: int = MAX_BYTES) -> dict:
    """The SARIF 2.1.0 log of `report`: the certifier run first, then one run per tool, by name.

    Each result carries the verdict the report's decision sealed for its finding (status and rule).
    At most MAX_RESULTS_PER_RUN results per run and about `max_bytes` in all: blocking and severe
    results are kept first, and a notification says how many were left out.
    """
    runs = _runs(report)
    order = [CERTIFIER, *sorted(name for name in runs if name != CERTIFIER)]
    provenance = _provenance(report)
    properties = {"runId": safe_text(report.run_id, 200), "reportDigest": safe_text(report.digest, 100),
                  "verdict": report.decision.verdict.value, "requestedStage": safe_text(report.requested_stage, 100)}
    for _ in range(64):  # each pass halves the largest run: bounded
        log = {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION,
               "runs": [runs[name].to_dict(provenance) for name in order], "properties": properties}
        largest = max(runs.values(), key=lambda r: min(len(r.results), r.limit))
        if _size(log) <= max_bytes or min(len(largest.results), largest.limit) == 0:
            return log
        largest.limit = min(len(largest.results), largest.limit) // 2
    return log
