"""JUnit XML valid against the common JUnit XSD (Jenkins' xUnit junit-10.xsd, tests/fixtures/schemas/README.md
says where it comes from), with the blocking message first: the decision's testcase leads, and inside a
failure the findings the decision blocks on come before waived and advisory ones."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path

import pytest
import xmlschema

from certifier.core.decision import DecisionKind, FindingStatus, Verdict
from certifier.core.model import Finding, Location, Outcome, Severity, Stage
from certifier.core.report import StageRun
from certifier.report.junit import render_junit

XSD = Path(__file__).resolve().parents[1] / "fixtures" / "schemas" / "junit-10.xsd"


@lru_cache(maxsize=1)
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD))


def valid(text: str) -> ET.Element:
    errors = [str(e.reason) for e in schema().iter_errors(text)]
    assert not errors, errors[:3]
    return ET.fromstring(text.encode("utf-8"))


def test_the_schema_rejects_what_ci_hosts_reject():
    assert not schema().is_valid('<testsuites><testsuite name="x"><testcase name="a"/></testsuite></testsuites>')
    assert not schema().is_valid('<testsuites><testsuite name="x" tests="1" failures="0" errors="0">'
                                 '<testcase name="a" classname="c"><failure type="f"><b/></failure></testcase>'
                                 '</testsuite></testsuites>')


def test_sample_hostile_and_aborted_reports_are_valid(report, hostile, make_report):
    for each in (report, hostile, make_report(results=[], stages=(), aborted="tag not found")):
        valid(render_junit(each))


@pytest.mark.parametrize("kind, verdict, element", [
    (DecisionKind.NEGATIVE, Verdict.REJECTED, "failure"),
    (DecisionKind.UNDECIDED, Verdict.UNDECIDED, "error"),
    (DecisionKind.REVIEW, Verdict.IN_PROGRESS, "skipped"),
    (DecisionKind.POSITIVE, Verdict.ACCEPTED, None),
])
def test_every_decision_kind_is_valid_and_leads(make_report, kind, verdict, element):
    root = valid(render_junit(make_report(kind=kind, verdict=verdict)))
    first = root.find("testsuite/testcase")
    assert root.find("testsuite").get("name") == "decision" and first.get("classname") == "certifier.decision"
    found = [child.tag for child in first if child.tag != "system-out"]
    assert found == ([element] if element else [])
    assert verdict.value in first.find("system-out").text


def test_the_first_failure_names_the_verdict_and_the_first_blocking_problem(report):
    root = valid(render_junit(report))
    message = next(root.iter("failure")).get("message")
    assert message.startswith("Rejected: error: connect.yaml:7: endpoint must start with '/' [pattern]")
    assert message.endswith("(+1 more blocking)")


def test_blocking_findings_come_first_inside_a_failure(make_result, make_report, make_verdicts):
    def made(message: str, line: int) -> Finding:
        return Finding(message=message, severity=Severity.ERROR, location=Location(path="src/a.js", line=line)
                       ).with_fingerprint("sec.sast", "app")
    advisory, waived, blocking = made("advisory one", 1), made("waived one", 2), made("blocking one", 3)
    result = make_result("sec.sast", Stage.SECURITY, Outcome.FAIL, app="app", findings=[advisory, waived, blocking])
    verdicts = make_verdicts([result], blocking=[blocking.fingerprint], waived=[waived.fingerprint])
    root = valid(render_junit(make_report(results=[result], verdicts=verdicts, stages=(
        StageRun(stage=Stage.SECURITY, outcome=Outcome.FAIL),))))
    failure = root.find("testsuite[@name='security']/testcase/failure")
    assert failure.get("message").startswith("error: src/a.js:3: blocking one;")
    lines = failure.text.splitlines()
    assert lines[0].endswith("blocking one") and lines[1].endswith(f"({FindingStatus.WAIVED.value})")
    assert lines[2].endswith(f"({FindingStatus.ADVISORY.value})")
