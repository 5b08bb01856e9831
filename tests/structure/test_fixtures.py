"""Every structure check on the fixture connectors: minimal passes all, each broken fixture fails one thing."""

from __future__ import annotations

import pytest

import harness
from certifier.core.model import Outcome, Severity

# fixture -> {check id: (outcome, rule of the decisive finding or None)}; every other check must pass
# (Info findings allowed) or be not-applicable.
EXPECTED = {
    "minimal": {},
    "struct-java-app": {},
    "struct-no-start-script": {"struct.start-script": (Outcome.FAIL, "missing")},
    "struct-noop-test": {"struct.test-script": (Outcome.FAIL, "no-op")},
    "struct-no-tests": {"struct.tests-present": (Outcome.FAIL, "none")},
    "struct-both-lockfiles": {"struct.lockfile": (Outcome.WARN, "both")},
    "struct-no-lockfile": {"struct.lockfile": (Outcome.WARN, "none")},
    "struct-missing-npm-script": {"struct.lifecycle-scripts": (Outcome.FAIL, "missing-script")},
    "struct-no-readme": {
        "struct.readme": (Outcome.FAIL, "missing"),
        "struct.support-contact": (Outcome.FAIL, "no-readme"),
    },
    "struct-readme-missing-key": {"struct.readme": (Outcome.FAIL, "undocumented-key")},
    "struct-no-license": {"struct.license": (Outcome.FAIL, "missing")},
    "struct-bad-package-json": {"struct.package-json": (Outcome.FAIL, "invalid")},
    "struct-committed-env": {"struct.hygiene": (Outcome.WARN, "env-file")},
    "struct-common-module-escape": {"struct.common-modules": (Outcome.FAIL, "escape")},
    "struct-yarn-with-npm-scripts": {"struct.package-manager": (Outcome.WARN, "npm-with-yarn-lockfile")},
    "struct-old-node-engine": {"struct.node-engine": (Outcome.WARN, "unsupported")},
}


@pytest.fixture
def all_results(catalogue, context, fixture_dir):
    def run(name):
        ctx = context(fixture_dir(name))
        return [r for spec in catalogue.values() for r in harness.results(spec, ctx)]

    return run


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_fails_exactly_the_expected_checks(catalogue, all_results, name):
    results = all_results(name)
    assert {r.check_id for r in results} == set(catalogue)
    expected = EXPECTED[name]
    for result in results:
        assert result.outcome is not Outcome.ERROR, (result.check_id, result.app, result.summary)
        if result.check_id in expected and result.app in (None, "hello-service"):
            outcome, rule = expected[result.check_id]
            assert result.outcome is outcome, (result.check_id, result.summary)
            assert rule in {f.rule for f in result.findings if f.severity is not Severity.INFO}
        else:
            assert result.outcome in {Outcome.PASS, Outcome.NOT_APPLICABLE}, (
                result.check_id,
                result.app,
                result.findings,
            )
            assert all(f.severity is Severity.INFO for f in result.findings)


def test_minimal_runs_every_structure_check_on_its_app(catalogue, all_results):
    applied = {r.check_id for r in all_results("minimal") if r.outcome is Outcome.PASS}
    assert applied == set(catalogue) - {"struct.java-app"}


def test_java_fixture_checks_the_java_app_for_its_own_basics(all_results):
    java = {r.check_id: r for r in all_results("struct-java-app") if r.app == "hello-java"}
    assert java["struct.java-app"].outcome is Outcome.PASS
    assert java["struct.tests-present"].outcome is Outcome.PASS
    assert java["struct.package-json"].outcome is Outcome.NOT_APPLICABLE
    assert "Java" in java["struct.package-json"].summary


def test_every_structure_check_is_registered(catalogue):
    assert set(catalogue) == {
        "struct.package-json",
        "struct.start-script",
        "struct.build-script",
        "struct.test-script",
        "struct.tests-present",
        "struct.lockfile",
        "struct.package-manager",
        "struct.node-engine",
        "struct.lifecycle-scripts",
        "struct.common-modules",
        "struct.java-app",
        "struct.readme",
        "struct.license",
        "struct.support-contact",
        "struct.hygiene",
        "struct.symlinks",
    }


@pytest.mark.parametrize("name", sorted(set(EXPECTED) - {"minimal", "struct-java-app"}))
def test_findings_say_where_and_how_to_fix(all_results, name):
    for result in all_results(name):
        for finding in result.findings:
            assert finding.location is not None and finding.location.path
            if finding.severity is not Severity.INFO:
                assert finding.remediation and finding.rule
            if result.app:
                assert result.app in finding.message


def test_readme_sections_still_checked_without_a_connector_model(catalogue, context, fixture_dir):
    import dataclasses

    from certifier.checks.execute import run_check

    ctx = context(fixture_dir("struct-readme-missing-key"))
    bare = dataclasses.replace(ctx, inventory=dataclasses.replace(ctx.inventory, connector=None))
    result = run_check(catalogue["struct.readme"], bare)
    assert result.outcome is Outcome.PASS  # keys cannot be known; the spec stage reports the manifest
