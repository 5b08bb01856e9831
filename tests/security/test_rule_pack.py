"""The semgrep rule pack: `semgrep --test` passes (offline), every rule has positive and negative test
cases, and every rule carries the metadata reports need (validated at load)."""

from __future__ import annotations

import json
import re

import pytest

from certifier.collect.tool_workspace import ToolWorkspace
from certifier.checks.security.rule_pack import RulePackError, load_rule_pack, validate_rule
from certifier.core.model import Severity
from certifier.sandbox.runner import Limits, run, tool_env
from certifier.tools import semgrep
from certifier.core.locate import locate

PACK = load_rule_pack()
ANNOTATION = re.compile(r"(?://|#)\s*(ruleid|ok):\s*([a-z0-9, -]+)")
REQUIRED_TOPICS = {  # the issue's list of what the pack must cover
    "eval-dynamic", "child-process-shell-injection", "hardcoded-credential", "hardcoded-ctp-client-secret",
    "tls-verification-disabled", "no-console-log", "log-environment", "secret-in-log",
    "error-details-in-response", "insecure-random-token", "prototype-pollution-merge", "ssrf-request-url",
    "jwt-none-algorithm", "jwt-verification-disabled", "cors-any-origin-with-credentials",
}


def annotations() -> dict[str, set[str]]:
    """rule id -> kinds of annotation ('ruleid', 'ok') found in the test files beside the rules."""
    found: dict[str, set[str]] = {}
    for test_file in PACK.directory.iterdir():
        if test_file.suffix not in (".js", ".ts"):
            continue
        for kind, ids in ANNOTATION.findall(test_file.read_text()):
            for rule_id in (i.strip() for i in ids.split(",")):
                found.setdefault(rule_id, set()).add(kind)
    return found


def test_the_pack_covers_every_topic_of_the_issue():
    assert REQUIRED_TOPICS <= set(PACK.rules)


@pytest.mark.parametrize("rule_id", sorted(PACK.rules))
def test_every_rule_has_a_positive_and_a_negative_case(rule_id):
    assert annotations().get(rule_id) == {"ruleid", "ok"}, rule_id


def test_every_rule_file_has_a_test_file_beside_it():
    for rule_file in PACK.files:
        beside = [p for p in PACK.directory.glob(rule_file.stem + ".*") if p.suffix in (".js", ".ts")]
        assert beside, rule_file.name


def test_semgrep_test_passes_offline(tmp_path):
    """`semgrep --test rules/semgrep`: every ruleid line matches and no ok line does."""
    executable = locate("semgrep")
    assert executable is not None, "semgrep is not installed: run `make tools`"
    argv = [str(executable), "--test", "--json", "--metrics=off", "--disable-version-check", str(PACK.directory)]
    done = run(argv, cwd=PACK.directory, workspace=ToolWorkspace(tmp_path / "ws"), env=tool_env(semgrep.ENV),
               limits=Limits(wall_s=240))
    report = json.loads(done.stdout)
    failed = {check: outcome for result in report["results"].values() for check, outcome in result["checks"].items()
              if not outcome["passed"]}
    assert failed == {} and report["config_with_errors"] == [] and report["config_missing_tests"] == []
    tested = {check for result in report["results"].values() for check in result["checks"]}
    assert tested == set(PACK.rules)


def test_rule_metadata_becomes_finding_data():
    rule = PACK.get("no-console-log")
    assert rule.severity is Severity.ERROR and rule.category == "logging" and rule.cwe.startswith("CWE-532")
    assert "logger" in rule.remediation
    assert {r.id for r in PACK.rules.values() if r.is_secret} >= {"hardcoded-credential", "hardcoded-ctp-client-secret"}


GOOD = {"id": "x-rule", "severity": "ERROR", "message": "Something unsafe.", "languages": ["javascript"],
        "metadata": {"category": "security", "cwe": "CWE-1: Thing", "confidence": "HIGH",
                     "remediation": "Do the safe thing instead of this."}}


@pytest.mark.parametrize("change, problem", [
    ({"metadata": None}, "metadata"),
    ({"metadata": {**GOOD["metadata"], "cwe": "1"}}, "cwe"),
    ({"metadata": {**GOOD["metadata"], "category": "style"}}, "category"),
    ({"metadata": {**GOOD["metadata"], "confidence": "SURE"}}, "confidence"),
    ({"metadata": {**GOOD["metadata"], "remediation": ""}}, "remediation"),
    ({"severity": "CRITICAL"}, "severity"),
    ({"message": "Secret $VALUE found"}, "metavariables"),
    ({"id": "Bad_Id"}, "id"),
    ({"languages": ["python"]}, "languages"),
])
def test_a_rule_without_what_reports_need_is_refused(change, problem):
    assert validate_rule(GOOD, "x.yaml").id == "x-rule"
    with pytest.raises(RulePackError, match=problem):
        validate_rule({**GOOD, **change}, "x.yaml")


def test_a_rules_confidence_and_its_reason_are_read_and_medium_when_it_says_none():
    meta = {k: v for k, v in GOOD["metadata"].items() if k != "confidence"}
    assert validate_rule({**GOOD, "metadata": meta}, "x.yaml").confidence == "MEDIUM"
    said = validate_rule({**GOOD, "metadata": {**GOOD["metadata"], "confidence_reason": "  only the   literal\n"}},
                         "x.yaml")
    assert (said.confidence, said.confidence_reason) == ("HIGH", "only the literal")
    with pytest.raises(RulePackError, match="confidence_reason"):
        validate_rule({**GOOD, "metadata": {**GOOD["metadata"], "confidence_reason": ["a"]}}, "x.yaml")


def test_duplicate_rule_ids_are_refused(tmp_path):
    body = "rules:\n  - id: x-rule\n    severity: ERROR\n    message: m.\n    languages: [javascript]\n" \
           "    metadata: {category: security, cwe: 'CWE-1: T', confidence: HIGH, remediation: 'Do the safe thing instead of this.'}\n" \
           "    pattern: eval(...)\n"
    (tmp_path / "a.yaml").write_text(body)
    (tmp_path / "b.yaml").write_text(body)
    with pytest.raises(RulePackError, match="also defined"):
        load_rule_pack(tmp_path)
