"""JUnit XML: parsed back, one suite per stage and one case per result, totals right, crashes as
<error>, hostile text well-formed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from certifier.core.model import Finding, Location, Outcome, Severity, Stage

from certifier.core.report import StageRun
from certifier.report.junit import MAX_MESSAGE, render_junit, xml_text

COUNTS = ("tests", "failures", "errors", "skipped")


def parse(text: str) -> ET.Element:
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text.encode("utf-8"))


def cases(root: ET.Element) -> dict[tuple[str, str], ET.Element]:
    return {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}


def counted(element: ET.Element) -> dict[str, int]:
    found = list(element.iter("testcase"))
    return {"tests": len(found), "failures": sum(c.find("failure") is not None for c in found),
            "errors": sum(c.find("error") is not None for c in found),
            "skipped": sum(c.find("skipped") is not None for c in found)}


def totals(root: ET.Element) -> dict[str, int]:
    """The root's totals; skipped is the sum over its suites."""
    found = {k: int(root.get(k)) for k in COUNTS if k != "skipped"}
    return {**found, "skipped": sum(int(s.get("skipped")) for s in root.findall("testsuite"))}


def test_one_suite_per_stage_one_case_per_result(report):
    root = parse(render_junit(report))
    assert root.tag == "testsuites"
    assert [s.get("name") for s in root.findall("testsuite")] == [
        "decision", "specification", "structure", "security", "dependencies", "build"]
    assert len(root.findall("testsuite/testcase")) == len(report.results) + 1
    assert set(cases(root)) == {(r.check_id, r.app or "connector") for r in report.results} | {
        ("certifier.decision", "preview")}


def test_totals_are_right_on_every_suite_and_the_root(report):
    root = parse(render_junit(report))
    assert totals(root) == {"tests": 10, "failures": 3, "errors": 1, "skipped": 2}
    assert root.get("skipped") is None  # the JUnit XSD allows `skipped` only on a testsuite
    assert totals(root) == counted(root)
    for element in root.findall("testsuite"):
        assert {k: int(element.get(k)) for k in COUNTS} == counted(element)


def test_outcomes_map_to_failure_error_skipped(report):
    by_case = cases(parse(render_junit(report)))
    failure = by_case[("spec.endpoint", "connector")].find("failure")
    assert failure.get("message") == "error: connect.yaml:7: endpoint must start with '/' [pattern]"
    error = by_case[("sec.sast", "hello-service")].find("error")
    assert error is not None and "semgrep timed out" in error.get("message")
    assert by_case[("sec.sast", "hello-service")].find("failure") is None  # error is never a failure
    assert "not-applicable" in by_case[("struct.start-script", "mc-ui")].find("skipped").get("message")
    assert by_case[("build.install", "hello-service")].find("skipped") is not None
    warn = by_case[("struct.readme", "connector")]
    assert warn.find("failure") is None and "README does not explain" in warn.find("system-out").text
    assert by_case[("spec.schema", "connector")].find("system-out").text == "pass"


def test_failure_message_is_bounded_and_lists_the_first_findings(make_result, make_report):
    findings = [Finding(message=f"problem {i} " + "x" * 300, severity=Severity.ERROR,
                        location=Location(path="a.js", line=i + 1)) for i in range(80)]
    result = make_result("x.y", Stage.SECURITY, Outcome.FAIL, findings=findings)
    root = parse(render_junit(make_report(results=[result], stages=())))
    failure = root.find("testsuite[@name='security']/testcase/failure")
    assert failure.get("message").startswith("error: a.js:1: problem 0")
    assert len(failure.get("message")) <= MAX_MESSAGE + 40
    assert "30 more findings" in failure.text and "problem 49" in failure.text and "problem 50" not in failure.text


def test_an_aborted_run_shows_as_an_error(make_report):
    root = parse(render_junit(make_report(results=[], stages=(), aborted="checkout failed: tag v9 not found")))
    decision, suite = root.findall("testsuite")
    assert decision.get("name") == "decision" and suite.get("name") == "run" and root.get("errors") == "1"
    assert "tag v9 not found" in suite.find("testcase/error").get("message")


def test_a_stage_that_errored_without_an_errored_check_still_shows(make_result, make_report):
    stages = (StageRun(stage=Stage.BUILD, outcome=Outcome.ERROR, summary="npm registry unreachable"),
              StageRun(stage=Stage.PREVIEW, outcome=Outcome.SKIP, summary="blocked by build"))
    results = [make_result("build.install", Stage.BUILD, Outcome.PASS, app="a")]
    root = parse(render_junit(make_report(results=results, stages=stages)))
    by_case = cases(root)
    assert "npm registry unreachable" in by_case[("stage.build", "stage")].find("error").get("message")
    assert by_case[("stage.preview", "stage")].find("skipped") is not None
    assert totals(root) == {"tests": 4, "failures": 1, "errors": 1, "skipped": 1}


def test_no_results_is_an_empty_but_valid_document(make_report):
    root = parse(render_junit(make_report(results=[], stages=())))
    assert root.get("tests") == "1" and [s.get("name") for s in root.findall("testsuite")] == ["decision"]


def test_hostile_report_is_well_formed_and_inert(hostile, hostile_strings):
    text = render_junit(hostile)
    root = parse(text)
    assert "<script>" not in text and "\u202e" not in text
    case = root.find("testsuite[@name='specification']/testcase")
    assert case.get("name") == hostile_strings["script"]  # escaped in the XML, the same text once parsed
    assert hostile_strings["script"] in case.find("failure").get("message")


@pytest.mark.parametrize("bad", ["\x00", "\x08", "\x0b", "\x1b[31m", "\udcff", "\ufffe", "\uffff", "\r", "\x7f"])
def test_characters_xml_forbids_never_reach_the_document(make_result, make_finding, make_report, bad):
    f = make_finding(f"bad{bad}text", path=f"src/{bad}.js", line=1, check="x.y", rule=bad)
    results = [make_result("x.y", Stage.SECURITY, Outcome.FAIL, app=f"app{bad}", findings=[f], summary=bad),
               make_result("x.z", Stage.SECURITY, Outcome.ERROR, summary=f"crash {bad}")]
    text = render_junit(make_report(results=results, stages=()))
    text.encode("utf-8")  # no lone surrogates
    root = parse(text)
    assert "U+" in root.find("testsuite[@name='security']/testcase").get("name")


def test_xml_text_marks_non_characters_and_keeps_newlines():
    assert xml_text("a\ufffeb\nc") == "a\u27e8U+FFFE\u27e9b\nc"
