"""One problem, one finding across the results of a run (certifier.checks.merge): results in, results out."""

from __future__ import annotations

from datetime import date

import pytest

from certifier.checks.merge import merged
from certifier.core.model import CheckResult, Confidence, Finding, Location, Outcome, Severity, Stage
from certifier.policy.waivers import Waiver


PROPERTIES = ("cwe", "secret_sha1")


def finding(path="shared/src/index.js", line=3, rule="eval-dynamic", severity=Severity.ERROR, tool="semgrep",
            key="k", check="sec.sast", app="hello-service", **fields) -> Finding:
    """A completed finding; `cwe` and `secret_sha1` go to its properties, other keywords are its fields."""
    properties = {name: fields.pop(name) for name in PROPERTIES if name in fields}
    fields.setdefault("location", Location(path=path, line=line))
    base = Finding(message=f"{rule} in {path}", severity=severity, rule=rule, tool=tool, key=key,
                   properties=properties, **fields)
    return base.with_fingerprint(check, app)


def result(check="sec.sast", app="hello-service", *findings: Finding, stage=Stage.SECURITY) -> CheckResult:
    worst = {f.severity for f in findings}
    outcome = Outcome.FAIL if Severity.ERROR in worst else Outcome.WARN if Severity.WARNING in worst else Outcome.PASS
    return CheckResult(check_id=check, check_version="1", stage=stage, title=check, app=app, outcome=outcome,
                       summary="as run", findings=findings)


def test_a_shared_file_reported_once_per_app_is_one_finding_in_the_first_apps_result():
    a = finding(app="hello-events")
    b = finding(app="hello-service")
    events, service = merged([result("sec.sast", "hello-events", a), result("sec.sast", "hello-service", b)])
    [kept] = events.findings
    assert kept.fingerprint == a.fingerprint  # waivers of the kept finding still match
    assert kept.properties["merged_fingerprints"] == [b.fingerprint]
    assert kept.properties["apps"] == ["hello-events", "hello-service"]
    assert kept.seen_by == ("sec.sast@hello-events/semgrep:eval-dynamic", "sec.sast@hello-service/semgrep:eval-dynamic")
    assert kept.also_at == ()  # the same place: nothing else to list
    assert (service.findings, service.outcome) == ((), Outcome.PASS)
    assert service.summary == "no findings; 1 reported once with sec.sast (hello-events)"
    assert service.evidence["merged_into"] == [{"fingerprint": b.fingerprint, "check_id": "sec.sast",
                                                "app": "hello-events", "into": a.fingerprint}]


def test_the_most_severe_then_most_confident_member_is_kept_wherever_it_is():
    advisory = finding(app="admin", severity=Severity.WARNING)  # a Merchant Center app: advisory only
    blocking = finding(app="hello-service")
    admin, service = merged([result("sec.sast", "admin", advisory), result("sec.sast", "hello-service", blocking)])
    assert admin.findings == () and service.findings[0].fingerprint == blocking.fingerprint
    low = finding(rule="no-console-log", key="k1", cwe="CWE-532", confidence=Confidence.LOW)
    high = finding(rule="log-environment", key="k2", cwe="CWE-532")
    [one] = merged([result("sec.sast", "hello-service", low, high)])
    assert [f.rule for f in one.findings] == ["log-environment"]


def test_one_line_under_two_rules_is_one_finding_seen_by_both():
    console = finding(rule="no-console-log", key="k1", cwe="CWE-532: Insertion of Sensitive Information")
    environment = finding(rule="log-environment", key="k2", cwe="CWE-532: Insertion of Sensitive Information",
                          needs_review=True)
    [out] = merged([result("sec.sast", "hello-service", console, environment)])
    [kept] = out.findings
    assert kept.seen_by == ("sec.sast@hello-service/semgrep:log-environment",
                            "sec.sast@hello-service/semgrep:no-console-log")
    assert kept.needs_review and out.summary == "1 error" and "merged_into" not in out.evidence


def test_one_secret_found_by_two_checks_lists_both_places():
    in_code = finding(path="app/src/ctp.js", line=4, rule="hardcoded-credential", check="sec.secrets", app=None,
                      secret_sha1="ab12")
    in_python = finding(path="app/src/ctp.js", line=9, rule="B105", tool="bandit", severity=Severity.WARNING,
                        secret_sha1="ab12", key="k2")
    secrets, python = merged([result("sec.secrets", None, in_code), result("sec.python-sast", "app", in_python)])
    [kept] = secrets.findings
    assert kept.also_at == (Location(path="app/src/ctp.js", line=9),)
    assert kept.seen_by == ("sec.python-sast@app/bandit:B105", "sec.secrets/semgrep:hardcoded-credential")
    assert python.outcome is Outcome.PASS and "reported once with sec.secrets" in python.summary


@pytest.mark.parametrize("findings", [
    [finding(), finding(line=4)],  # another line
    [finding(), finding(path="other/src/index.js")],  # another file
    [finding(rule="ssrf-request-url", cwe="CWE-918"), finding(rule="tls-verification-disabled", key="k2",
                                                               cwe="CWE-295")],  # two weaknesses on one line
    [finding(location=None), finding(location=None)],  # no place: never one problem
])
def test_different_problems_stay_apart_and_results_are_untouched(findings):
    results = [result("sec.sast", "hello-service", *findings)]
    assert merged(results) == results


def test_results_that_could_not_run_are_left_alone():
    error = CheckResult(check_id="sec.sast", check_version="1", stage=Stage.SECURITY, title="t", app="b",
                        outcome=Outcome.ERROR, summary="semgrep crashed")
    results = [result("sec.sast", "a", finding(app="a")), error]
    assert merged(results) == results


def test_merging_is_idempotent_and_keeps_earlier_merges():
    a, b, c = finding(app="a"), finding(app="b"), finding(app="c")
    once = merged([result("sec.sast", "a", a), result("sec.sast", "b", b), result("sec.sast", "c", c)])
    assert merged(once) == once
    assert once[0].findings[0].properties["merged_fingerprints"] == sorted([b.fingerprint, c.fingerprint])
    assert once[2].summary.endswith("1 reported once with sec.sast (a)")


def test_a_waiver_written_for_a_merged_finding_still_covers_it():
    a, b = finding(app="hello-events"), finding(app="hello-service")
    events, service = merged([result("sec.sast", "hello-events", a), result("sec.sast", "hello-service", b)])
    waiver = Waiver(id="w1", check="sec.sast", app="hello-service", fingerprint=b.fingerprint, reason="r",
                    approver="reviewer", expires=date(2099, 1, 1))
    assert waiver.covers(events, events.findings[0])  # now in hello-events' result, with b's fingerprint listed
    other = Waiver(id="w2", check="sec.sast", fingerprint="0" * 32, reason="r", approver="reviewer",
                   expires=date(2099, 1, 1))
    assert not other.covers(events, events.findings[0])
