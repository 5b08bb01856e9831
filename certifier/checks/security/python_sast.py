"""sec.python-sast: bandit over the Python files of each app (helper scripts, Python services)."""

from __future__ import annotations

from collections.abc import Iterator

from pathlib import Path

from certifier.connector.files import read_file
from certifier.checks.registry import Evidence, Scope, check
from certifier.core.app_types import APP_TYPES
from certifier.core.errors import NotApplicable
from certifier.checks.security._confidence import confidence_of, not_scanned_findings
from certifier.checks.security._scope import AppScope, app_scope, weighed
from certifier.checks.security._shared import bandit_run, python_files
from certifier.collect.context import CheckContext
from certifier.collect.scans import bandit_not_scanned, not_scanned_evidence
from certifier.core.dedup import code_key
from certifier.core.file_kinds import HEADER_LINES, file_kind
from certifier.core.model import FileKind, Finding, Location, Severity, Stage
from certifier.core.secrets.redact import snippet
from certifier.tools.bandit import Issue

SEVERITY = {"HIGH": Severity.ERROR, "MEDIUM": Severity.WARNING, "LOW": Severity.INFO}
LOWER = {Severity.ERROR: Severity.WARNING, Severity.WARNING: Severity.INFO, Severity.INFO: Severity.INFO}
LINK = "https://bandit.readthedocs.io/en/latest/plugins/index.html"
REMEDIATION_NOT_SCANNED = "Make the file valid Python 3 (bandit parses it with the standard parser)."


@check(
    id="sec.python-sast",
    version="1.1.0",
    stage=Stage.SECURITY,
    title="Static analysis of Python code (bandit)",
    rationale="Python code in an app (helper scripts run by the build or at run time) gets the same static "
    "analysis as JavaScript: shell injection, unsafe deserialisation, disabled TLS verification and the like. "
    "Each finding carries bandit's confidence (low in a test, docs, generated or example file); a file bandit "
    "cannot parse is listed as not scanned while the rest of the scan still counts.",
    remediation="Fix the code at the reported line as bandit's test describes; reviewers can waive a false "
    "positive by fingerprint.",
    severity=Severity.ERROR,
    scope=Scope.APP,
    app_types=APP_TYPES,
    budget_s=300.0,
)
def python_sast(ctx: CheckContext) -> Iterator[Finding | Evidence]:
    scope = app_scope(ctx, ctx.app)
    if scope is None:
        raise NotApplicable(f"app folder {ctx.app.folder!r} is missing or unsafe (reported by the specification stage)")
    mine = [f for f in python_files(ctx) if scope.owns(f)]
    if not mine:
        raise NotApplicable(f"{scope.name} has no Python files")
    result = bandit_run(ctx)
    yield from findings_from(ctx.root, scope, result.issues)
    missed = [n for n in bandit_not_scanned(result) if scope.owns(n.path)]
    yield from not_scanned_findings(missed, REMEDIATION_NOT_SCANNED, advisory=scope.advisory)
    yield Evidence(bandit={"files_scanned": len(mine), "duration_s": result.duration_s},
                   **not_scanned_evidence(missed))


def findings_from(root: Path, scope: AppScope, issues) -> Iterator[Finding]:
    for issue in issues:
        if scope.owns(issue.path):
            yield finding(root, scope, issue)


def severity_of(issue: Issue) -> Severity:
    severity = SEVERITY.get(issue.severity, Severity.WARNING)
    return LOWER[severity] if issue.confidence == "LOW" else severity


def finding(root: Path, scope: AppScope, issue: Issue) -> Finding:
    read = read_file(root, issue.path)
    lines = read.text.splitlines() if read.text else []
    kind = file_kind(issue.path, "\n".join(lines[:HEADER_LINES]))
    test = kind is FileKind.TEST
    # a Python app has no src/ convention: the whole app folder counts as its code
    severity = weighed(severity_of(issue), test=test, in_src=True, advisory=scope.advisory)
    line = lines[issue.line - 1] if 0 < issue.line <= len(lines) else ""
    confidence, reason = confidence_of(issue.confidence, kind,
                                       f"bandit rates {issue.test_id} {issue.confidence.lower()} confidence here")
    properties = {"bandit_severity": issue.severity, "bandit_confidence": issue.confidence,
                  "snippet": snippet(line), "test_name": issue.test_name}
    if issue.cwe:
        properties["cwe"] = issue.cwe
    if scope.advisory:
        properties["advisory"] = True
    return Finding(
        message=f"{issue.text} (bandit {issue.test_id} {issue.test_name})",
        severity=severity,
        location=Location(path=issue.path, line=issue.line),
        rule=issue.test_id,
        tool="bandit",
        key=code_key(issue.test_id, issue.path, line),
        remediation=f"See bandit's description of {issue.test_id} ({issue.test_name}) at {LINK} and fix the "
        "code accordingly.",
        confidence=confidence,
        confidence_reason=reason,
        file_kind=kind,
        properties=properties,
    )
