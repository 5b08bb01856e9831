"""Builders for policy tests: CheckResults and Findings made directly (imported by the test modules)."""

from __future__ import annotations

import datetime as dt

from certifier.core.model import CheckResult, Finding, Location, Outcome, Severity, Stage
from certifier.policy.waivers import Waiver

TODAY = dt.date(2025, 6, 1)

STAGE_OF_PREFIX = {
    "spec": Stage.SPECIFICATION,
    "struct": Stage.STRUCTURE,
    "sec": Stage.SECURITY,
    "deps": Stage.DEPENDENCIES,
    "build": Stage.BUILD,
    "probe": Stage.PREVIEW,
}


def finding(severity: str = "error", message: str = "something is wrong", *, rule: str | None = None,
            path: str | None = None, needs_review: bool = False) -> Finding:
    return Finding(message=message, severity=Severity(severity), rule=rule, needs_review=needs_review,
                   location=Location(path=path) if path else None)


def result(check_id: str, *findings: Finding, outcome: Outcome | None = None, app: str | None = None,
           summary: str = "") -> CheckResult:
    """A result as the runner makes it: fingerprints filled in, outcome from the findings by default."""
    printed = tuple(f.with_fingerprint(check_id, app) for f in findings)
    if outcome is None:
        severities = {f.severity for f in printed}
        outcome = (Outcome.FAIL if Severity.ERROR in severities
                   else Outcome.WARN if Severity.WARNING in severities else Outcome.PASS)
    return CheckResult(check_id=check_id, check_version="1.0.0", stage=STAGE_OF_PREFIX[check_id.split(".")[0]],
                       title=check_id, app=app, outcome=outcome, findings=printed, summary=summary)


def baseline() -> list[CheckResult]:
    """A clean run: one passing result in every stage the profiles require."""
    return [result("spec.schema"), result("struct.package-json", app="svc"), result("sec.sast", app="svc"),
            result("deps.vulnerable-dependency"), result("build.install", app="svc"),
            result("probe.extension-response", app="svc")]


def waiver(id: str = "w1", check: str = "*", *, expires: dt.date = dt.date(2030, 1, 1), **scope) -> Waiver:
    return Waiver(id=id, check=check, reason="accepted risk", approver="reviewer@example.com",
                  expires=expires, **scope)
