"""sec.sast: rule pack findings per app, weighed by where they are; one semgrep run per certification run."""

from __future__ import annotations

from dataclasses import replace

import pytest

from certifier.checks.merge import merged
from certifier.checks.security import sast as sast_module
from certifier.checks.security._confidence import MAX_NOT_SCANNED_FINDINGS, not_scanned_findings
from certifier.checks.security._scope import AppScope, weighed
from certifier.checks.security.rule_pack import load_rule_pack
from certifier.collect.scans import NotScanned
from certifier.core.model import Confidence, FileKind, Location, Outcome, Severity
from certifier.tools import semgrep
from certifier.tools.semgrep import Match

RULE = load_rule_pack().get("no-console-log")


def only(results):
    assert len(results) == 1, [(r.app, r.outcome) for r in results]
    return results[0]


def test_console_log_in_app_code_is_an_error(connector, check_on):
    result = only(check_on(connector("sec-console-log"), "sec.sast"))
    assert result.outcome is Outcome.FAIL
    [finding] = result.findings
    assert (finding.rule, finding.severity, finding.tool) == ("no-console-log", Severity.ERROR, "semgrep")
    assert finding.location.path == "hello-service/src/index.js" and finding.location.line == 22
    assert finding.properties["snippet"] == "console.log('extension request', req.url);"
    assert finding.properties["cwe"].startswith("CWE-532") and "logger" in finding.remediation


def test_the_valid_fixture_passes(connector, check_on):
    result = only(check_on(connector("minimal"), "sec.sast"))
    assert result.outcome is Outcome.PASS and result.findings == ()
    assert result.evidence["semgrep"]["files_scanned"] == 4


@pytest.mark.parametrize("fixture, rule", [("sec-eval", "eval-dynamic"), ("sec-tls-disabled", "tls-verification-disabled")])
def test_each_defect_fixture_is_flagged_by_its_rule(connector, check_on, fixture, rule):
    result = only(check_on(connector(fixture), "sec.sast"))
    assert result.outcome is Outcome.FAIL
    assert [f.rule for f in result.findings] == [rule]


def test_the_key_survives_line_moves_and_tells_copies_apart(connector, check_on, tmp_path):
    root = connector("sec-console-log")
    before = only(check_on(root, "sec.sast")).findings
    index = root / "hello-service/src/index.js"
    index.write_text("// moved down\n\n" + index.read_text() + "console.log('extension request', req.url);\n")
    after = only(check_on(root, "sec.sast")).findings
    assert before[0].key == after[0].key and before[0].fingerprint == after[0].fingerprint
    assert len({f.fingerprint for f in after}) == 2


def test_test_code_is_info_and_outside_src_is_warning(connector, check_on):
    root = connector("minimal")
    (root / "hello-service/tests/debug.test.js").write_text("console.log('test run');\n")
    (root / "hello-service/scripts").mkdir()
    (root / "hello-service/scripts/seed.js").write_text("console.log('seeding');\n")
    result = only(check_on(root, "sec.sast"))
    found = {f.location.path: f for f in result.findings}
    assert found["hello-service/tests/debug.test.js"].severity is Severity.INFO
    assert found["hello-service/scripts/seed.js"].severity is Severity.WARNING
    assert "outside src/" in found["hello-service/scripts/seed.js"].message
    assert result.outcome is Outcome.WARN


def test_common_modules_are_scanned_with_the_app(connector, check_on):
    root = connector("minimal")
    shared = root / "shared-utils"
    (shared / "src").mkdir(parents=True)
    (shared / "package.json").write_text('{"name": "shared-utils", "version": "1.0.0"}')
    (shared / "src/index.js").write_text("module.exports = (x) => eval(x);\n")
    package = root / "hello-service/package.json"
    package.write_text(package.read_text().replace('"private": true,', '"private": true,\n  "dependencies": {"shared-utils": "file:../shared-utils"},'))
    result = only(check_on(root, "sec.sast"))
    assert [(f.rule, f.location.path, f.severity) for f in result.findings] == [
        ("eval-dynamic", "shared-utils/src/index.js", Severity.ERROR)]
    assert result.evidence["semgrep"]["modules"] == ["shared-utils"]


def test_merchant_center_findings_are_advisory():
    scope = AppScope("admin", "merchant-center-custom-application", "admin")
    match = Match("no-console-log", "admin/src/index.js", 3, 1, 3, 20, 40, 59)
    finding = sast_module.finding(RULE, match, scope, FileKind.SOURCE, "console.log(x)", "k")
    assert finding.severity is Severity.WARNING and finding.properties["advisory"] is True
    assert "advisory" in finding.message


def rule_rated(confidence, reason=None):
    return replace(RULE, confidence=confidence, confidence_reason=reason)


@pytest.mark.parametrize("rule, path, kind, expected, reason", [
    (rule_rated("HIGH", "matches only the call itself"), "app/src/a.js", FileKind.SOURCE, Confidence.HIGH,
     "matches only the call itself"),
    (rule_rated("MEDIUM"), "app/src/a.js", FileKind.SOURCE, Confidence.MEDIUM, "rated medium confidence"),
    (rule_rated("LOW"), "app/src/a.js", FileKind.SOURCE, Confidence.LOW, "rated low confidence"),
    (rule_rated("HIGH"), "app/tests/a.test.js", FileKind.TEST, Confidence.LOW, "test file"),
    (rule_rated("HIGH"), "app/docs/a.js", FileKind.DOCS, Confidence.LOW, "docs file"),
    (rule_rated("HIGH"), "app/src/types.generated.ts", FileKind.GENERATED, Confidence.LOW, "generated file"),
    (rule_rated("HIGH"), "app/examples/a.js", FileKind.EXAMPLE, Confidence.LOW, "example file"),
])
def test_a_finding_takes_its_rules_confidence_and_at_most_low_outside_deployed_code(rule, path, kind, expected,
                                                                                     reason):
    scope = AppScope("app", "service", "app")
    match = Match(rule.id, path, 3, 1, 3, 20, 40, 59)
    finding = sast_module.finding(rule, match, scope, kind, "console.log(x)", "k")
    assert (finding.confidence, finding.file_kind) == (expected, kind)
    assert reason in finding.confidence_reason


def test_the_kind_of_file_comes_from_its_path_and_its_banner(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src/api.ts").write_text("// Code generated by openapi-generator. DO NOT EDIT.\nexport {}\n")
    (tmp_path / "src/index.ts").write_text("export {}\n")
    assert sast_module.kind_of(tmp_path, "src/api.ts") is FileKind.GENERATED
    assert sast_module.kind_of(tmp_path, "src/index.ts") is FileKind.SOURCE


@pytest.mark.parametrize("severity, test, in_src, advisory, expected", [
    (Severity.ERROR, False, True, False, Severity.ERROR),
    (Severity.ERROR, False, False, False, Severity.WARNING),
    (Severity.ERROR, False, True, True, Severity.WARNING),
    (Severity.ERROR, True, True, False, Severity.INFO),
    (Severity.WARNING, False, False, True, Severity.WARNING),
])
def test_weighing(severity, test, in_src, advisory, expected):
    assert weighed(severity, test=test, in_src=in_src, advisory=advisory) is expected


def test_a_file_semgrep_cannot_parse_is_listed_and_the_rest_of_the_scan_counts(connector, check_on):
    root = connector("sec-eval")
    # JSX text with a bare "&": TypeScript accepts it, semgrep's parser does not
    (root / "hello-service/src/view.tsx").write_text(
        "export const View = () => (\n  <div>\n    <h3>Look & Feel</h3>\n  </div>\n);\n")
    result = only(check_on(root, "sec.sast"))
    assert result.outcome is Outcome.FAIL and "1 file not scanned" in result.summary
    by_rule = {f.rule: f for f in result.findings}
    assert set(by_rule) == {"eval-dynamic", "not-scanned"}
    missed = by_rule["not-scanned"]
    assert missed.severity is Severity.INFO and missed.location == Location(path="hello-service/src/view.tsx", line=3)
    assert "`& Feel` was unexpected" in missed.message and missed.needs_review
    assert result.evidence["not_scanned"] == [{"path": "hello-service/src/view.tsx", "tool": "semgrep",
                                               "message": "Syntax error at line 3: `& Feel` was unexpected"}]
    assert result.evidence["not_scanned_total"] == 1


def test_missing_semgrep_is_an_error_not_a_pass(connector, check_on, monkeypatch, tmp_path):
    monkeypatch.setenv("CERTIFIER_SEMGREP", str(tmp_path / "missing"))
    result = only(check_on(connector("sec-console-log"), "sec.sast"))
    assert result.outcome is Outcome.ERROR and "not installed" in result.summary


def test_an_app_without_javascript_is_not_applicable(connector, check_on):
    root = connector("struct-java-app")
    results = {r.app: r for r in check_on(root, "sec.sast")}
    assert results["hello-java"].outcome is Outcome.NOT_APPLICABLE
    assert results["hello-service"].outcome is Outcome.PASS


def test_one_semgrep_invocation_serves_every_app(connector, check_on, monkeypatch):
    """goods-store: three apps, one semgrep process; and the example has no security Warning or Error."""
    calls = []
    real = semgrep.run
    monkeypatch.setattr(semgrep, "run", lambda argv, **kw: calls.append(argv) or real(argv, **kw))
    root = connector("examples/goods-store")
    results = check_on(root, "sec.sast")
    assert len(results) == 3 and len(calls) == 1
    assert all(r.outcome is Outcome.PASS for r in results), [(r.app, r.summary) for r in results]
    assert {f.severity for r in results for f in r.findings} <= {Severity.INFO}


def test_a_common_modules_line_under_two_rules_in_two_apps_is_one_finding(connector, check_on):
    results = check_on(connector("sec-shared-module"), "sec.sast")
    raw = [(r.app, f.rule) for r in results for f in r.findings]
    assert sorted(raw) == [("hello-service", "log-environment"), ("hello-service", "no-console-log"),
                           ("hello-worker", "log-environment"), ("hello-worker", "no-console-log")]
    after = {r.app: r for r in merged(results)}
    [one] = after["hello-service"].findings
    assert one.location.path == "shared-logging/src/index.js" and one.rule == "log-environment"
    assert {s.split("/", 1)[0] for s in one.seen_by} == {"sec.sast@hello-service", "sec.sast@hello-worker"}
    assert len(one.properties["merged_fingerprints"]) == 3 and one.properties["apps"] == ["hello-service", "hello-worker"]
    assert after["hello-worker"].findings == () and after["hello-worker"].outcome is Outcome.PASS


def test_files_not_scanned_are_named_one_by_one_up_to_a_bound_then_counted():
    items = [NotScanned(f"app/src/view-{n:02}.tsx", "semgrep", "Syntax error at line 3") for n in range(25)]
    found = list(not_scanned_findings(items, "fix it", advisory=False))
    assert len(found) == MAX_NOT_SCANNED_FINDINGS + 1
    assert found[-1].location is None and found[-1].message.startswith("5 more files were not scanned by semgrep")
    assert all(f.severity is Severity.INFO and f.needs_review for f in found)
    assert not any(f.needs_review for f in not_scanned_findings(items[:1], "fix it", advisory=True))
