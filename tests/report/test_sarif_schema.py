"""SARIF for code scanning, validated against the OASIS SARIF 2.1.0 schema: every rule has helpUri and
help.markdown, security findings carry security-severity and the security tag, a passed check gives no
result, and every scanner that ran has a run even with zero results (so fixed alerts close)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import jsonschema
import pytest

from certifier.checks.registry import load_all
from certifier.core.model import Finding, Location, Outcome, Severity, Stage
from certifier.core.paths import rules_dir
from certifier.core.report import CheckInfo
from certifier.report.sarif import SCHEMA_FILE_NAME, render_sarif
from certifier.report.sarif_rules import catalogue_anchor, catalogue_url

DOCS_CHECKS = Path(__file__).resolve().parents[2] / "docs" / "checks.md"


@lru_cache(maxsize=1)
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads((rules_dir() / "schema" / SCHEMA_FILE_NAME).read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def valid(log: dict) -> dict:
    errors = [f"{e.json_path}: {e.message[:200]}" for e in validator().iter_errors(log)]
    assert not errors, errors[:5]
    return log


def runs_by_tool(log: dict) -> dict[str, dict]:
    return {run["tool"]["driver"]["name"]: run for run in log["runs"]}


def catalogue_entry(check_id: str) -> CheckInfo:
    spec = load_all()[check_id]
    return CheckInfo(title=spec.title, version=spec.version, severity=spec.severity, rationale=spec.rationale,
                     remediation=spec.remediation, link=spec.link)


def test_the_validator_rejects_what_code_scanning_would_reject():
    assert list(validator().iter_errors({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}))
    bad_help = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x", "rules": [
        {"id": "r", "helpUri": "not a uri"}]}}}]}
    assert list(validator().iter_errors(bad_help))


def test_every_rule_has_help_uri_and_markdown_help(report, make_report, monkeypatch):
    monkeypatch.delenv("CERTIFIER_CATALOGUE_URL", raising=False)
    checks = {check_id: catalogue_entry(check_id) for check_id in ("struct.readme", "sec.sast")
              if check_id in load_all()}
    log = valid(render_sarif(make_report(checks=checks)))
    rules = [rule for run in log["runs"] for rule in run["tool"]["driver"]["rules"]]
    assert rules
    for rule in rules:
        assert rule["helpUri"].startswith(catalogue_url() + "#"), rule["helpUri"]
        assert rule["help"]["markdown"].startswith("**") and "[The check in the certifier catalogue](" in rule["help"]["markdown"]
    readme = next(rule for rule in rules if rule["id"] == "struct.readme")
    spec = checks["struct.readme"]
    assert readme["helpUri"].endswith("#" + catalogue_anchor("struct.readme", spec.version))
    assert "How to fix:" in readme["help"]["markdown"]


def test_the_help_anchor_is_the_catalogue_heading():
    assert catalogue_anchor("spec.api-scopes", "1.0.0") == "specapi-scopes-v100"  # GitHub's heading slug
    spec = load_all()["spec.api-scopes"]
    assert f"### `spec.api-scopes` (v{spec.version})" in DOCS_CHECKS.read_text(encoding="utf-8")


def test_markdown_help_from_connector_text_is_escaped(make_result, make_finding, make_report):
    hostile = make_finding("x", path="a.js", line=1, check="x.unknown", remediation="[click](javascript:alert(1))")
    log = valid(render_sarif(make_report(results=[make_result("x.unknown", Stage.STRUCTURE, Outcome.FAIL,
                                                              findings=[hostile])], checks={})))
    (rule,) = runs_by_tool(log)["certifier"]["tool"]["driver"]["rules"]
    assert "](javascript" not in rule["help"]["markdown"] and "\\[click\\]" in rule["help"]["markdown"]


@pytest.mark.parametrize("properties, severity, expected", [
    ({"osv_severity": "CRITICAL"}, Severity.ERROR, "9.5"),
    ({"osv_severity": "HIGH"}, Severity.ERROR, "8.0"),
    ({"osv_severity": "MODERATE"}, Severity.WARNING, "5.5"),
    ({"osv_severity": "LOW"}, Severity.INFO, "3.0"),
    ({}, Severity.ERROR, "8.0"),
    ({}, Severity.WARNING, "5.5"),
    ({}, Severity.INFO, "3.0"),
])
def test_security_findings_carry_security_severity_and_tag(make_result, make_report, properties, severity, expected):
    finding = Finding(message="vulnerable", severity=severity, location=Location(path="package-lock.json", line=1),
                      properties=properties).with_fingerprint("deps.vulnerable-dependency", "app")
    result = make_result("deps.vulnerable-dependency", Stage.DEPENDENCIES, Outcome.FAIL, app="app", findings=[finding])
    log = valid(render_sarif(make_report(results=[result])))
    run = runs_by_tool(log)["certifier"]
    (rule,) = run["tool"]["driver"]["rules"]
    (sarif,) = run["results"]
    assert rule["properties"]["security-severity"] == sarif["properties"]["security-severity"] == expected
    assert "security" in rule["properties"]["tags"] and sarif["properties"]["tags"] == ["security"]


def test_a_rule_takes_the_severity_of_its_worst_result(make_result, make_report):
    findings = [Finding(message=m, severity=s, location=Location(path="src/a.js", line=i + 1), tool="semgrep",
                        rule="no-eval").with_fingerprint("sec.sast", "app")
                for i, (m, s) in enumerate([("a", Severity.WARNING), ("b", Severity.ERROR), ("c", Severity.INFO)])]
    log = valid(render_sarif(make_report(results=[
        make_result("sec.sast", Stage.SECURITY, Outcome.FAIL, app="app", findings=findings)])))
    (rule,) = runs_by_tool(log)["semgrep"]["tool"]["driver"]["rules"]
    assert rule["properties"]["security-severity"] == "8.0"


def test_non_security_findings_have_no_security_severity(report):
    log = valid(render_sarif(report))
    endpoint = next(r for run in log["runs"] for r in run["results"] if r["properties"]["checkId"] == "spec.endpoint")
    assert "security-severity" not in endpoint["properties"]
    rule = next(r for run in log["runs"] for r in run["tool"]["driver"]["rules"] if r["id"].startswith("spec.endpoint"))
    assert "security" not in rule["properties"]["tags"]


def test_a_passed_check_gives_no_result(make_result, make_finding, make_report):
    note = make_finding("nothing to audit", Severity.INFO, path="package.json", check="deps.vulnerable-dependency")
    failing = make_finding("bad", path="connect.yaml", line=1, check="spec.endpoint")
    log = valid(render_sarif(make_report(results=[
        make_result("deps.vulnerable-dependency", Stage.DEPENDENCIES, Outcome.PASS, findings=[note]),
        make_result("spec.schema", Stage.SPECIFICATION, Outcome.NOT_APPLICABLE, findings=[note]),
        make_result("spec.endpoint", Stage.SPECIFICATION, Outcome.FAIL, findings=[failing]),
    ])))
    checks = [r["properties"]["checkId"] for run in log["runs"] for r in run["results"]]
    assert checks == ["spec.endpoint"]


def test_every_scanner_that_ran_has_a_run_even_with_no_results(make_result, make_report):
    results = [make_result("sec.sast", Stage.SECURITY, Outcome.PASS, app="app"),
               make_result("sec.secrets", Stage.SECURITY, Outcome.PASS),
               make_result("sec.python-sast", Stage.SECURITY, Outcome.NOT_APPLICABLE, app="app")]
    log = valid(render_sarif(make_report(results=results, tools={"semgrep": "1.182.0", "bandit": "1.8.6",
                                                                 "detect-secrets": "1.5.0"})))
    runs = runs_by_tool(log)
    assert [run["tool"]["driver"]["name"] for run in log["runs"]] == ["certifier", "bandit", "detect-secrets",
                                                                      "semgrep"]
    assert all(run["results"] == [] for run in runs.values())
    assert runs["semgrep"]["tool"]["driver"]["version"] == "1.182.0"
    assert all(run["invocations"][0]["executionSuccessful"] for run in runs.values())


def test_a_scanner_whose_checks_did_not_run_gets_no_run(make_result, make_report):
    # an empty run would close every open alert of that tool: only a tool that looked may say "nothing"
    results = [make_result("sec.sast", Stage.SECURITY, Outcome.SKIP, app="app", summary="not requested"),
               make_result("sec.secrets", Stage.SECURITY, Outcome.ERROR, summary="detect-secrets crashed")]
    log = valid(render_sarif(make_report(results=results)))
    assert [run["tool"]["driver"]["name"] for run in log["runs"]] == ["certifier"]
