"""build.test: the app's `test` script passes after a successful build, with pass/fail counts."""

from __future__ import annotations

from collections.abc import Iterator

from certifier.collect.build import AppBuild
from certifier.collect.build.settings import CHECK_BUDGET_S
from certifier.checks.build._common import evidence, node_build, package_json_location, seconds
from certifier.checks.registry import Scope, SkipCheck, check
from certifier.core.app_types import APP_TYPES
from certifier.core.errors import NotApplicable
from certifier.collect.context import CheckContext
from certifier.core.model import Finding, Location, Severity, Stage


@check(
    id="build.test",
    version="1.0.0",
    stage=Stage.BUILD,
    title="The app's tests pass",
    rationale="Tests run inside the official build, per app, once the build succeeded; failing tests fail the "
    "gate. Certification requires passing unit tests. A test script that hangs never passes, and one that "
    "runs no test at all proves nothing.",
    remediation="Run `npm test` locally after `npm ci && npm run build`, fix the failing tests, and make the "
    "test run end on its own (no watch mode, close servers and timers).",
    severity=Severity.ERROR,
    scope=Scope.APP,
    app_types=APP_TYPES,
    budget_s=CHECK_BUDGET_S,
)
def unit_tests(ctx: CheckContext) -> Iterator[Finding]:
    build = node_build(ctx)
    if not build.installed:
        raise SkipCheck("install failed: see build.install")
    if not build.built:
        raise SkipCheck("the build failed: see build.compile")
    if not build.test_script:
        raise NotApplicable("package.json has no test script (reported by struct.test-script)")
    yield unit_test_finding(build, package_json_location(ctx, "test"))


def unit_test_finding(build: AppBuild, where: Location) -> Finding:
    """One finding about the test run (pure: reads the build's result and counts)."""
    result = build.test
    proof = evidence(build, "test", result)
    counts = build.tests
    told = _counts_text(build)
    if result.timed_out:
        return Finding(message=f"App {build.app}: `{proof['command']}` did not finish within its budget and was "
                       f"killed ({result.killed_reason}){told}", severity=Severity.ERROR, location=where,
                       rule="timeout", key="timeout", properties=proof,
                       remediation="Make the test run end on its own: no watch mode; close servers, database "
                       "handles and timers after the tests.")
    if not result.ok:
        return Finding(message=f"App {build.app}: `{proof['command']}` failed with exit code {result.exit_code}"
                       f"{told}", severity=Severity.ERROR, location=where, rule="tests-failed", key="tests-failed",
                       properties=proof)
    if counts is not None and counts.total == 0:
        return Finding(message=f"App {build.app}: `{proof['command']}` passed but ran no test at all{told}",
                       severity=Severity.WARNING, location=where, rule="no-tests-run", key="no-tests-run",
                       properties=proof, remediation="Point the test script at the app's test files.")
    return Finding(message=f"App {build.app}: `{proof['command']}` passed in {seconds(result)}{told}",
                   severity=Severity.INFO, location=where, rule="tests-passed", key="tests-passed", properties=proof)


def _counts_text(build: AppBuild) -> str:
    counts = build.tests
    if counts is None:
        return " (the test runner reported no counts)"
    parts = [f"{counts.passed} passed", f"{counts.failed} failed"]
    if counts.skipped:
        parts.append(f"{counts.skipped} skipped")
    if counts.coverage_lines is not None:
        parts.append(f"line coverage {counts.coverage_lines:g}%")
    return f" ({', '.join(parts)}; {counts.framework})"
