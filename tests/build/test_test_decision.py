"""build.test's decision on a finished test run (pure: no process is run here)."""

from __future__ import annotations

from pathlib import Path

from certifier.collect.build.model import AppBuild, TestCounts
from certifier.checks.build.unit_tests import unit_test_finding
from certifier.core.model import Location, Severity
from certifier.sandbox.runner import ProcessResult, Workspace

WHERE = Location(path="svc/package.json", line=5)


def build_with(exit_code: int | None, counts: TestCounts | None, timed_out: bool = False) -> AppBuild:
    test = ProcessResult(argv=("npm", "run", "test"), exit_code=exit_code, timed_out=timed_out, duration_s=2.0,
                         stdout="# tests 1\n", stderr="", output_truncated=False,
                         killed_reason="wall-clock budget of 6s exceeded: process tree killed" if timed_out else None)
    return AppBuild(app="svc", kind="node", app_dir=Path("/w/src/svc"), workspace=Workspace(Path("/w")),
                    package_manager="npm", lockfile="svc/package-lock.json", test=test, test_script=True,
                    tests=counts)


def test_passing_run_is_info_with_counts_and_coverage():
    found = unit_test_finding(build_with(0, TestCounts("jest", 10, 0, 1, 11, 83.5)), WHERE)
    assert found.severity is Severity.INFO and found.rule == "tests-passed"
    assert "10 passed, 0 failed, 1 skipped, line coverage 83.5%; jest" in found.message
    assert found.properties["tests"]["total"] == 11


def test_failing_run_is_an_error():
    found = unit_test_finding(build_with(1, TestCounts("node:test", 2, 1, 0, 3)), WHERE)
    assert found.severity is Severity.ERROR and found.rule == "tests-failed" and found.location == WHERE


def test_a_run_that_tests_nothing_is_a_warning():
    found = unit_test_finding(build_with(0, TestCounts("node:test", 0, 0, 0, 0)), WHERE)
    assert found.severity is Severity.WARNING and found.rule == "no-tests-run"


def test_a_hung_run_is_an_error_with_the_budget():
    found = unit_test_finding(build_with(-15, None, timed_out=True), WHERE)
    assert found.severity is Severity.ERROR and found.rule == "timeout" and "6s" in found.message


def test_unknown_counts_are_said_not_invented():
    found = unit_test_finding(build_with(0, None), WHERE)
    assert found.severity is Severity.INFO and "reported no counts" in found.message
