"""The build checks on real (small) connectors: each build fixture is flagged by the right check with the
right outcome, and a valid connector passes. These run npm in the sandboxed runner (slow)."""

from __future__ import annotations

import pytest

from support import CONNECTORS

pytestmark = pytest.mark.slow
APP = "hello-service"


def outcomes(results: dict) -> dict[str, str]:
    return {check_id: result.outcome.value for (check_id, app), result in results.items() if app == APP}


def finding(results: dict, check_id: str):
    return next(iter(results[(check_id, APP)].findings))


def test_minimal_installs_and_its_tests_pass_with_counts(build_results):
    results = build_results(CONNECTORS / "minimal")
    assert outcomes(results) == {"build.install": "pass", "build.compile": "not-applicable", "build.test": "pass",
                                 "build.java": "not-applicable"}
    proof = finding(results, "build.test").properties
    assert proof["tests"] == {"framework": "node:test", "passed": 2, "failed": 0, "skipped": 0, "total": 2}
    assert proof["command"] == "npm run test" and proof["exit_code"] == 0 and proof["log_artifact"]
    assert finding(results, "build.install").properties["command"] == "corepack npm@10.8.2 ci --ignore-scripts --no-audit --no-fund"


def test_failing_tests_fail_build_test_with_counts(build_results):
    results = build_results(CONNECTORS / "build-failing-tests")
    assert outcomes(results)["build.test"] == "fail"
    found = finding(results, "build.test")
    assert found.rule == "tests-failed" and found.location.path == "hello-service/package.json"
    assert found.properties["tests"] == {"framework": "node:test", "passed": 2, "failed": 1, "skipped": 0,
                                         "total": 3}
    assert "2 passed, 1 failed" in found.message


def test_failing_build_script_fails_build_compile_and_skips_tests(build_results):
    results = build_results(CONNECTORS / "build-compile-error")
    assert outcomes(results) == {"build.install": "pass", "build.compile": "fail", "build.test": "skip",
                                 "build.java": "not-applicable"}
    found = finding(results, "build.compile")
    assert found.rule == "build-failed" and "TS2322" in found.properties["log_tail"]
    assert found.location.line == 10  # "build" in scripts


def test_lockfile_out_of_sync_is_a_connector_failure(build_results):
    results = build_results(CONNECTORS / "build-lockfile-out-of-sync")
    assert outcomes(results) == {"build.install": "fail", "build.compile": "skip", "build.test": "skip",
                                 "build.java": "not-applicable"}
    found = finding(results, "build.install")
    assert found.rule == "lockfile-out-of-sync" and found.location.path == "hello-service/package-lock.json"
    assert results[("build.test", APP)].summary == "install failed: see build.install"


def test_version_missing_from_the_registry_is_could_not_decide(build_results):
    results = build_results(CONNECTORS / "build-missing-version")
    install = results[("build.install", APP)]
    assert install.outcome.value == "error"
    assert "could not decide" in install.summary and "not available from the package registry" in install.summary
    assert "is-number@99.99.99" in install.summary


def test_hanging_test_is_killed_at_its_budget_and_fails(build_results):
    results = build_results(CONNECTORS / "build-hanging-test", extra={"build": {"test_s": 6}})
    found = finding(results, "build.test")
    assert results[("build.test", APP)].outcome.value == "fail"
    assert found.rule == "timeout" and found.properties["timed_out"]
    assert found.properties["duration_s"] < 30


def test_java_app_is_built_with_maven_or_not_applicable(build_results):
    results = build_results(CONNECTORS / "struct-java-app")
    java = results[("build.java", "hello-java")]
    assert results[("build.install", "hello-java")].outcome.value == "not-applicable"
    from certifier.collect.build.java import maven_available

    if maven_available() is None:
        assert java.outcome.value == "not-applicable" and "Maven" in java.summary
    else:  # no Maven repository is reachable here: could not decide, never fail
        assert java.outcome.value in ("error", "pass"), java.summary
        if java.outcome.value == "error":
            assert "could not resolve plugins or dependencies" in java.summary
    assert results[("build.java", "hello-service")].outcome.value == "not-applicable"


def test_no_lockfile_installs_with_npm_install_and_warns(build_results):
    results = build_results(CONNECTORS / "struct-no-lockfile")
    install = results[("build.install", APP)]
    assert install.outcome.value == "warn"
    rules = {f.rule: f for f in install.findings}
    assert rules["no-lockfile"].severity.value == "warning"
    assert rules["installed"].properties["command"] == "corepack npm@10.8.2 install --ignore-scripts --no-audit --no-fund"
