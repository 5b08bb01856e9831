"""SARIF 2.1.0: schema-valid (the official schema), rule metadata from the catalogue, stable
fingerprints, waivers as suppressions, crashes visible, hostile text harmless, no evidence."""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from urllib.parse import unquote_to_bytes

import jsonschema
import pytest

from certifier.checks.registry import load_all
from certifier.core.dedup import code_key
from certifier.core.report import CheckInfo
from certifier.core.model import Finding, Location, Outcome, Severity, Stage
from certifier.core.paths import rules_dir
from certifier.report.sarif import (
    FINGERPRINT_KEY,
    MAX_RESULTS_PER_RUN,
    SCHEMA_FILE_NAME,
    SCHEMA_SHA256,
    artifact_uri,
    render_sarif,
    repository_uri,
)

SCHEMA_PATH = rules_dir() / "schema" / SCHEMA_FILE_NAME
URI_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")


@lru_cache(maxsize=1)
def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def assert_valid(log: dict) -> None:
    """Schema-valid, and every artifact URI is plain ASCII URI characters (percent-encoded)."""
    errors = sorted(sarif_validator().iter_errors(log), key=lambda e: e.json_path)
    assert not errors, [f"{e.json_path}: {e.message[:200]}" for e in errors[:5]]
    json.dumps(log, allow_nan=False)
    for run in log["runs"]:
        described = {d["id"] for d in run["tool"]["driver"].get("notifications", [])}
        assert {n["descriptor"]["id"] for n in run["invocations"][0]["toolExecutionNotifications"]} <= described
        for result in run["results"]:
            uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            assert URI_CHARS.fullmatch(uri) and not uri.startswith(("/", "..")), uri


def results_by_check(log: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for run in log["runs"]:
        for result in run["results"]:
            found.setdefault(result["properties"]["checkId"], []).append(result)
    return found


def run_named(log: dict, name: str) -> dict:
    (run,) = [r for r in log["runs"] if r["tool"]["driver"]["name"] == name]
    return run


# --- the schema itself ---------------------------------------------------------------------------

def test_committed_schema_is_the_official_file_unchanged():
    assert hashlib.sha256(SCHEMA_PATH.read_bytes()).hexdigest() == SCHEMA_SHA256
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    assert len(schema["definitions"]) >= 50 and {"threadFlowLocation", "webResponse"} <= set(schema["definitions"])


def test_validation_really_checks_uri_formats():
    # jsonschema silently ignores formats it has no checker for; these need rfc3986-validator.
    checker = jsonschema.Draft4Validator.FORMAT_CHECKER
    assert not checker.conforms("not a uri", "uri")
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x", "informationUri": "no scheme"}}}]}
    assert list(sarif_validator().iter_errors(bad))


def test_sample_report_is_valid_sarif(report):
    log = render_sarif(report)
    assert_valid(log)
    assert log["version"] == "2.1.0" and log["properties"]["verdict"] == report.decision.verdict.value


# --- runs and rules --------------------------------------------------------------------------------

def test_one_run_per_tool_certifier_first_with_versions(report):
    log = render_sarif(report)
    names = [r["tool"]["driver"]["name"] for r in log["runs"]]
    assert names == ["certifier", "semgrep"]
    assert run_named(log, "semgrep")["tool"]["driver"]["version"] == "1.182.0"
    assert run_named(log, "certifier")["tool"]["driver"]["version"] == report.certifier_version
    assert [r["properties"]["checkId"] for r in run_named(log, "semgrep")["results"]] == ["sec.console-log"]


def test_every_referenced_rule_has_metadata_and_a_correct_index(report):
    log = render_sarif(report)
    for run in log["runs"]:
        rules = run["tool"]["driver"]["rules"]
        assert [r["id"] for r in rules] == sorted({res["ruleId"] for res in run["results"]})
        for result in run["results"]:
            rule = rules[result["ruleIndex"]]
            assert rule["id"] == result["ruleId"]
            assert all(rule[k]["text"] for k in ("shortDescription", "fullDescription", "help"))


def test_rule_metadata_comes_from_the_catalogue_and_sub_rules_get_their_own_id(report, make_result, make_finding,
                                                                               make_report):
    spec = load_all()["struct.readme"]
    entry = CheckInfo(title=spec.title, version=spec.version, severity=spec.severity, rationale=spec.rationale,
                      remediation=spec.remediation, link=spec.link)
    sub = make_finding("bad key", path="connect.yaml", line=2, check="struct.readme", rule="required")
    log = render_sarif(make_report(results=[*report.results,
                                            make_result("struct.readme", Stage.STRUCTURE, Outcome.FAIL, findings=[sub])],
                                   checks={"struct.readme": entry}))
    rules = {r["id"]: r for r in run_named(log, "certifier")["tool"]["driver"]["rules"]}
    assert rules["spec.endpoint/pattern"]["shortDescription"]["text"] == "title of spec.endpoint (pattern)"
    readme = rules["struct.readme"]
    assert readme["shortDescription"]["text"] == spec.title
    assert readme["fullDescription"]["text"] == spec.rationale
    assert readme["help"]["text"] == spec.remediation
    assert readme["properties"]["checkVersion"] == spec.version
    assert rules["struct.readme/required"]["shortDescription"]["text"] == f"{spec.title} (required)"
    assert_valid(log)


def test_levels_and_connect_yaml_paths(report):
    by_check = results_by_check(render_sarif(report))
    endpoint = by_check["spec.endpoint"][0]
    assert endpoint["level"] == "error" and endpoint["ruleId"] == "spec.endpoint/pattern"
    assert endpoint["properties"]["manifestPath"] == "deployAs.0.endpoint"
    assert endpoint["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "connect.yaml", "uriBaseId": "SRCROOT"}, "region": {"startLine": 7}}
    assert by_check["sec.console-log"][0]["level"] == "warning"
    assert by_check["struct.readme"][0]["properties"]["needsReview"] is True


def test_provenance_names_repository_commit_and_tag(report):
    (provenance,) = render_sarif(report)["runs"][0]["versionControlProvenance"]
    assert provenance["repositoryUri"] == "https://example.invalid/acme/connector.git"
    assert provenance["revisionId"] == "c" * 40 and provenance["revisionTag"] == "v1.0.0"


@pytest.mark.parametrize("source, expected", [
    ("https://user:ghp_secret@github.com/acme/x.git", "https://github.com/acme/x.git"),
    ("git@github.com:acme/x.git", "ssh://git@github.com/acme/x.git"),
    ("ssh://git:pw@host:2222/x", "ssh://git@host:2222/x"),
    ("/home/me/connector", None),
    ("javascript:alert(1)//src/index.js", None),
    ("https://host/\u202ex", None),
])
def test_repository_uri_drops_credentials_and_odd_sources(source, expected):
    assert repository_uri(source) == expected


# --- fingerprints ----------------------------------------------------------------------------------

def test_fingerprints_are_the_findings_and_rendering_is_deterministic(report):
    log = render_sarif(report)
    assert log == render_sarif(report)
    fingerprints = {f.fingerprint for r in report.results for f in r.findings}
    emitted = {res["partialFingerprints"][FINGERPRINT_KEY] for run in log["runs"] for res in run["results"]}
    assert emitted == fingerprints


def test_fingerprint_survives_the_finding_moving_ten_lines(make_result, make_report):
    def log_with_line(line: int) -> dict:
        f = Finding(message=f"eval at line {line}", severity=Severity.ERROR, tool="semgrep", rule="no-eval",
                    location=Location(path="app/src/a.js", line=line), key=code_key("no-eval", "app/src/a.js", "eval(x)"))
        result = make_result("sec.sast", Stage.SECURITY, Outcome.FAIL, app="app",
                             findings=[f.with_fingerprint("sec.sast", "app")])
        return render_sarif(make_report(results=[result]))

    before, after = (run_named(log_with_line(n), "semgrep")["results"][0] for n in (12, 22))
    assert before["partialFingerprints"] == after["partialFingerprints"]
    assert before["locations"] != after["locations"]


# --- policy status and waivers -----------------------------------------------------------------------

def test_waived_finding_becomes_an_external_suppression_with_the_waiver_reason(report):
    readme = results_by_check(render_sarif(report))["struct.readme"][0]
    assert readme["properties"]["status"] == "waived"
    assert readme["suppressions"] == [{"kind": "external", "status": "accepted", "justification": "accepted for now",
                                       "properties": {"waiverId": "W-0", "expires": "2099-01-01"}}]
    assert "suppressions" not in results_by_check(render_sarif(report))["spec.endpoint"][0]


def test_each_result_carries_the_sealed_verdict_and_nothing_else_decides(make_report, make_results):
    from certifier.core.decision import FindingStatus, FindingVerdict

    results = make_results()
    endpoint = next(f.fingerprint for r in results if r.check_id == "spec.endpoint" for f in r.findings)
    verdicts = (FindingVerdict(fingerprint=endpoint, check_id="spec.endpoint", status=FindingStatus.WAIVED,
                               rule="preview:schema", waivers=("W-9",)),)
    log = render_sarif(make_report(results=results, verdicts=verdicts))
    result = results_by_check(log)["spec.endpoint"][0]
    assert (result["properties"]["status"], result["properties"]["decidedBy"]) == ("waived", "preview:schema")
    assert result["suppressions"][0]["justification"] == "waived by a reviewer"  # W-9 is not among the waivers
    assert "status" not in results_by_check(log)["struct.readme"][0]["properties"]  # no verdict: no status
    assert_valid(log)


# --- errors, skips, aborts -------------------------------------------------------------------------

def test_error_outcome_makes_the_run_unsuccessful_with_a_notification(report):
    certifier = render_sarif(report)["runs"][0]
    (invocation,) = certifier["invocations"]
    assert invocation["executionSuccessful"] is False
    notes = {n["descriptor"]["id"]: n for n in invocation["toolExecutionNotifications"]}
    assert notes["sec.sast"]["level"] == "error" and "semgrep timed out" in notes["sec.sast"]["message"]["text"]
    assert notes["build.install"]["level"] == "note"
    assert {d["id"] for d in certifier["tool"]["driver"]["notifications"]} == {"sec.sast", "build.install"}


def test_only_skips_keep_the_run_successful(report, make_report):
    log = render_sarif(make_report(results=[r for r in report.results if r.outcome is not Outcome.ERROR]))
    assert all(run["invocations"][0]["executionSuccessful"] for run in log["runs"])


def test_a_tool_run_is_unsuccessful_when_its_check_crashed_on_another_app(make_result, make_finding, make_report):
    found = make_finding("eval", path="a/x.js", line=1, check="sec.sast", app="a", tool="semgrep")
    log = render_sarif(make_report(results=[
        make_result("sec.sast", Stage.SECURITY, Outcome.FAIL, app="a", findings=[found]),
        make_result("sec.sast", Stage.SECURITY, Outcome.ERROR, app="b", summary="semgrep crashed: exit 2"),
    ]))
    semgrep = run_named(log, "semgrep")["invocations"][0]
    assert semgrep["executionSuccessful"] is False
    assert "semgrep crashed" in semgrep["toolExecutionNotifications"][0]["message"]["text"]
    assert_valid(log)


def test_an_aborted_run_with_no_results_is_not_a_clean_run(make_report):
    log = render_sarif(make_report(results=[], aborted="checkout failed: tag not found"))
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert "tag not found" in invocation["toolExecutionNotifications"][0]["message"]["text"]
    assert_valid(log)


def test_every_outcome_and_severity_is_valid(make_result, make_report):
    findings = [
        Finding(message="no location at all", severity=Severity.INFO).with_fingerprint("x.a", None),
        Finding(message="manifest only", severity=Severity.WARNING, manifest_path="deployAs.0")
        .with_fingerprint("x.a", None),
        Finding(message="zero line", severity=Severity.ERROR, location=Location(path="a.js", line=0, column=0))
        .with_fingerprint("x.a", None),
        Finding(message="", severity=Severity.ERROR, location=Location(path="a.js", line=3, column=5, end_line=4)),
    ]
    results = [make_result(f"x.{o.value.replace('-', '')}", Stage.BUILD, o, findings=findings if o is Outcome.FAIL else (),
                           summary=f"{o.value} summary") for o in Outcome]
    log = render_sarif(make_report(results=results))
    assert_valid(log)
    located = [r["locations"][0]["physicalLocation"] for r in log["runs"][0]["results"]]
    assert located[0]["artifactLocation"]["uri"] == "connect.yaml" and "region" not in located[0]
    assert located[3]["region"] == {"startLine": 3, "startColumn": 5, "endLine": 4}
    assert "region" not in located[2]  # line 0 is no line


# --- hostile input, no evidence ----------------------------------------------------------------------

def test_hostile_report_is_valid_and_inert(hostile):
    log = render_sarif(hostile)
    assert_valid(log)
    text = json.dumps(log, ensure_ascii=False)
    assert "\u202e" not in text and "\u202c" not in text
    assert "versionControlProvenance" not in log["runs"][0]  # javascript: is no repository
    messages = [r["message"]["text"] for run in log["runs"] for r in run["results"]]
    assert all("<script>" in m for m in messages)  # kept as text: JSON has no markup to escape


def test_message_cannot_forge_embedded_links(make_result, make_finding, make_report):
    f = make_finding("see [here](1) and \\[x](2)", path="a.js", line=1, check="x.y")
    log = render_sarif(make_report(results=[make_result("x.y", Stage.SECURITY, Outcome.FAIL, findings=[f])]))
    text = log["runs"][0]["results"][0]["message"]["text"]
    assert text == "see \\[here\\](1) and \\\\\\[x\\](2)"
    assert not re.search(r"(?<!\\)\[", text.replace("\\\\", ""))


@pytest.mark.parametrize("path, uri, exact", [
    ("src/index.js", "src/index.js", True),
    ("../../etc/passwd", "etc/passwd", False),
    ("/abs/x.js", "abs/x.js", False),
    ("a/./b/../c.js", "a/c.js", False),
    ("src/caf\u00e9 \u65e5\u672c.js", "src/caf%C3%A9%20%E6%97%A5%E6%9C%AC.js", True),
    ("src/\u202eexe.js", "src/%E2%80%AEexe.js", True),
    ("a#b?c%d.js", "a%23b%3Fc%25d.js", True),
    ("javascript:alert(1)//x.js", "javascript%3Aalert%281%29/x.js", False),
    ("src/\udcff.js", "src/%FF.js", True),
])
def test_artifact_uris_are_encoded_and_stay_inside_the_root(path, uri, exact):
    assert artifact_uri(path) == (uri, exact)


def test_hostile_paths_produce_valid_sarif(make_result, make_report):
    paths = ["../../etc/passwd", "src/caf\u00e9.js", "src/\u202eexe.js", "src/\udcff.js", "..", "<script>.js"]
    findings = [Finding(message=p, severity=Severity.ERROR, location=Location(path=p, line=1)).with_fingerprint("x.y", None)
                for p in paths]
    log = render_sarif(make_report(results=[make_result("x.y", Stage.SECURITY, Outcome.FAIL, findings=findings)]))
    assert_valid(log)
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]]
    assert unquote_to_bytes(uris[1]).decode() == "src/caf\u00e9.js"
    assert log["runs"][0]["results"][0]["properties"]["reportedPath"] == "../../etc/passwd"


def test_no_evidence_or_unknown_properties_reach_sarif(make_result, make_report):
    secret = "AKIAIOSFODNN7EXAMPLE"
    f = Finding(message="AWS key in source (redacted)", severity=Severity.ERROR, tool="detect-secrets",
                location=Location(path="a/.env", line=2),
                properties={"snippet": f"KEY={secret}", "secret": secret, "cwe": "CWE-798", "tools": ["detect-secrets"]})
    result = make_result("sec.secrets", Stage.SECURITY, Outcome.FAIL, findings=[f.with_fingerprint("sec.secrets", None)],
                         evidence={"stdout": secret})
    log = render_sarif(make_report(results=[result]))
    assert secret not in json.dumps(log)
    props = run_named(log, "detect-secrets")["results"][0]["properties"]
    assert props["cwe"] == "CWE-798" and props["tools"] == ["detect-secrets"] and "snippet" not in props


# --- limits ------------------------------------------------------------------------------------------

def many_findings_report(make_result, make_report, n: int):
    findings = [Finding(message=f"finding {i}", severity=Severity.ERROR if i == n - 1 else Severity.INFO,
                        location=Location(path="a.js", line=i + 1)).with_fingerprint("x.many", None) for i in range(n)]
    return make_report(results=[make_result("x.many", Stage.SECURITY, Outcome.FAIL, findings=findings)])


def test_results_per_run_are_capped_keeping_the_most_severe(make_result, make_report):
    log = render_sarif(many_findings_report(make_result, make_report, MAX_RESULTS_PER_RUN + 1))
    run = log["runs"][0]
    assert len(run["results"]) == MAX_RESULTS_PER_RUN and run["properties"]["resultsOmitted"] == 1
    assert run["results"][-1]["message"]["text"] == f"finding {MAX_RESULTS_PER_RUN}"  # the error was kept
    assert any("1 of" in n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"])
    assert_valid(log)


def test_size_is_capped(make_result, make_report):
    log = render_sarif(many_findings_report(make_result, make_report, 200), max_bytes=40_000)
    assert len(json.dumps(log, ensure_ascii=False).encode()) <= 40_000
    assert 0 < len(log["runs"][0]["results"]) < 200
    assert_valid(log)


def test_results_carry_the_findings_confidence_and_file_kind(make_result, make_finding, make_report):
    from certifier.core.model import Confidence, FileKind

    guess = make_finding("token-like string", path="app/test/a.test.js", line=3, check="sec.secrets",
                         confidence=Confidence.MEDIUM, file_kind=FileKind.TEST, confidence_reason="in a test file")
    log = render_sarif(make_report(results=[make_result("sec.secrets", Stage.SECURITY, Outcome.FAIL,
                                                         findings=[guess])]))
    properties = results_by_check(log)["sec.secrets"][0]["properties"]
    assert (properties["confidence"], properties["fileKind"]) == ("medium", "test")
    assert_valid(log)
