"""SARIF 2.1.0 for code scanning (GitHub and other SARIF viewers).

One run per tool that ran (driver name = Finding.tool), even with no results, so that code scanning closes
the alerts of problems that were fixed: the certifier run always, and semgrep, bandit and detect-secrets
whenever the check that runs them looked at the connector. The certifier run reports every check that
could not run (`error`) or was skipped as a tool execution notification: a crash is visible as
`executionSuccessful: false`, never as "no results". A tool run whose check errored on some target is
marked unsuccessful too. Only failed and warned checks give results: a passed check is no alert.

Rules (sarif_rules.py) come from the check catalogue copied into the report (`Report.checks`: title,
rationale, remediation, link) with `helpUri`, `help.markdown`, and for security rules the `security` tag
and `security-severity`; a finding with a sub-rule gets the rule id `<check id>/<sub-rule>`. Results
(sarif_results.py) carry our fingerprint as `partialFingerprints["certifier/v1"]`, the verdict sealed in
the decision (status blocks | needs-review | waived | advisory, and the profile rule that decided) and
waivers as `external` suppressions.

Text is made inert (bidi and control characters become visible markers) and `[`/`]` are escaped, so a
message cannot forge SARIF embedded links. The schema tests validate against is
rules/schema/sarif-2.1.0.schema.json (see SCHEMA_SOURCE).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from certifier.core.model import CheckResult, Finding, Outcome
from certifier.core.report import CheckInfo, Report
from certifier.report.escape import safe_text
from certifier.report.sarif_results import FINGERPRINT_KEY, SRCROOT, rank, sarif_result, waiver_of
from certifier.report.sarif_rules import raise_severity, rule_descriptor
from certifier.report.sarif_text import artifact_uri, repository_uri, sarif_text

__all__ = ["FINGERPRINT_KEY", "MAX_RESULTS_PER_RUN", "SCHEMA_FILE_NAME", "SCHEMA_SHA256", "artifact_uri",
           "render_sarif", "repository_uri"]

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SCHEMA_FILE_NAME = "sarif-2.1.0.schema.json"
# The committed schema is the official SARIF 2.1.0 (rtm.5) JSON Schema, unchanged, as shipped in the
# npm package @microsoft/jest-sarif 1.0.0-beta.0 (lib/schemas/sarif-2.1.0-rtm.5.json, MIT).
SCHEMA_SOURCE = "npm:@microsoft/jest-sarif@1.0.0-beta.0/lib/schemas/sarif-2.1.0-rtm.5.json"
SCHEMA_SHA256 = "2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8"

CERTIFIER = "certifier"
# The external scanners and the checks that run them: each gets a run whenever one of its checks looked.
SCANNER_CHECKS = {"semgrep": ("sec.sast", "sec.secrets"), "bandit": ("sec.python-sast",),
                  "detect-secrets": ("sec.secrets",)}
MAX_RESULTS_PER_RUN = 5_000  # GitHub code scanning's limit of results per run
MAX_BYTES = 10 * 1024 * 1024  # GitHub code scanning's limit of an upload
_REPORTED = (Outcome.FAIL, Outcome.WARN)  # outcomes whose findings become results


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
            self.rules[rule_id] = rule_descriptor(rule_id, result, sub_rule, self.catalogue.get(result.check_id),
                                                  finding)
        raise_severity(self.rules[rule_id], finding)
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


def _run_of(runs: dict[str, _Run], tool: str, report: Report) -> _Run:
    if tool not in runs:
        version = report.tools.get(tool)
        runs[tool] = _Run(tool, safe_text(version, 50) if version else None, report.checks)
    return runs[tool]


def _runs(report: Report) -> dict[str, _Run]:
    verdicts = report.decision.verdicts()
    runs: dict[str, _Run] = {}
    _run_of(runs, CERTIFIER, report).version = safe_text(report.certifier_version, 50)
    looked = {r.check_id for r in report.results if r.outcome.looked}
    for scanner, checks in SCANNER_CHECKS.items():
        if looked.intersection(checks):
            _run_of(runs, scanner, report)
    tools_of_check: dict[str, set[str]] = {}
    for result in report.results:
        for finding in result.findings if result.outcome in _REPORTED else ():
            tool = safe_text(finding.tool, 100) or CERTIFIER
            run = _run_of(runs, tool, report)
            verdict = verdicts.get(finding.fingerprint)
            sarif = sarif_result(run.rule_for(result, finding), result, finding, verdict, waiver_of(report, verdict))
            run.results.append((rank(verdict, finding, len(run.results)), sarif))
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
