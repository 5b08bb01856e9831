"""sec.python-sast: bandit over the Python files of each app (helper scripts, Python services)."""

from __future__ import annotations

from collections.abc import Iterator

from certifier.connector.files import read_file
from certifier.checks.registry import Evidence, Scope, check
from certifier.core.app_types import APP_TYPES
from certifier.core.errors import NotApplicable
from certifier.checks.security._scope import AppScope, app_scope, is_test_code, weighed
from certifier.checks.security._shared import bandit_run, python_files
from certifier.collect.context import CheckContext
from certifier.core.dedup import code_key
from certifier.core.model import Finding, Location, Severity, Stage
from certifier.core.secrets.redact import snippet
from certifier.tools.bandit import Issue

SEVERITY = {"HIGH": Severity.ERROR, "MEDIUM": Severity.WARNING, "LOW": Severity.INFO}
LOWER = {Severity.ERROR: Severity.WARNING, Severity.WARNING: Severity.INFO, Severity.INFO: Severity.INFO}
LINK = "https://bandit.readthedocs.io/en/latest/plugins/index.html"


@check(
    id="sec.python-sast",
    version="1.0.0",
    stage=Stage.SECURITY,
    title="Static analysis of Python code (bandit)",
    rationale="Python code in an app (helper scripts run by the build or at run time) gets the same static "
    "analysis as JavaScript: shell injection, unsafe deserialisation, disabled TLS verification and the like.",
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
    for issue in result.issues:
        if scope.owns(issue.path):
            yield finding(ctx, scope, issue)
    for path in sorted({p for p in result.errors if scope.owns(p)}):
        yield Finding(message=f"{path} could not be analysed by bandit (not valid Python?)",
                      severity=Severity.INFO if is_test_code(path) else Severity.WARNING,
                      location=Location(path=path), rule="not-analysed", tool="bandit", key="not-analysed",
                      remediation="Make the file valid Python 3.")
    yield Evidence(bandit={"files_scanned": len(mine), "duration_s": result.duration_s})


def severity_of(issue: Issue) -> Severity:
    severity = SEVERITY.get(issue.severity, Severity.WARNING)
    return LOWER[severity] if issue.confidence == "LOW" else severity


def finding(ctx: CheckContext, scope: AppScope, issue: Issue) -> Finding:
    test = is_test_code(issue.path)
    # a Python app has no src/ convention: the whole app folder counts as its code
    severity = weighed(severity_of(issue), test=test, in_src=True, advisory=scope.advisory)
    read = read_file(ctx.root, issue.path)
    lines = read.text.splitlines() if read.text else []
    line = lines[issue.line - 1] if 0 < issue.line <= len(lines) else ""
    properties = {"bandit_severity": issue.severity, "confidence": issue.confidence, "snippet": snippet(line),
                  "test_name": issue.test_name}
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
        properties=properties,
    )
