"""JUnit XML for CI display: one testsuite per stage, one testcase per check result.

  classname = check id, name = app (or "connector" for connector-level results)
  fail            -> <failure> (message: the first findings, bounded; text: every finding, bounded)
  error           -> <error> (the check could not run: never shown as a pass or a failure)
  skip, n.a.      -> <skipped> with the reason
  pass, warn      -> a passing testcase; warnings are listed in <system-out>
Every testcase has <system-out> with its summary. A run that stopped early gets a testsuite `run`
with one errored testcase, so CI never shows an aborted run as green.

The blocking message comes first: the first testsuite, `decision`, holds one testcase for the verdict
(a <failure> whose message is the verdict and the first blocking problem when the decision is negative,
an <error> when no decision could be made, <skipped> while a reviewer decides), and inside each failure
the findings the decision blocks on are listed before the others. Valid against the JUnit XSD of
Jenkins' xUnit plugin (junit-10.xsd; tests/report/test_junit_schema.py).

Built with xml.etree.ElementTree (which escapes markup); connector text is made inert first, which
also removes the characters XML 1.0 forbids (C0 controls, lone surrogates, U+FFFE/U+FFFF).
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

from certifier.core.decision import DecisionKind, FindingStatus
from certifier.core.model import CheckResult, Finding, Outcome

from certifier.core.report import Report, StageRun
from certifier.report.escape import safe_text
from certifier.report.view import stage_order

MAX_MESSAGE = 500
MAX_LISTED = 50
MAX_TEXT = 20_000
CONNECTOR = "connector"
_NOT_XML = re.compile("[\ufffe\uffff]")  # the XML 1.0 non-characters that escape.inert leaves alone


def xml_text(text: object, limit: int = MAX_TEXT) -> str:
    """Bounded, inert text that XML 1.0 can carry."""
    return _NOT_XML.sub(lambda m: f"\u27e8U+{ord(m.group()):04X}\u27e9", safe_text(str(text), limit))


def _finding_line(finding: Finding) -> str:
    where = finding.location.display() if finding.location else (finding.manifest_path or "")
    rule = f" [{finding.rule}]" if finding.rule else ""
    return f"{finding.severity.value}: {where + ': ' if where else ''}{finding.message}{rule}"


def _blocking_first(findings: tuple[Finding, ...], statuses: dict[str, FindingStatus]) -> list[Finding]:
    """The findings the decision blocks on first, then those for review, waived, advisory (stable)."""
    def weight(finding: Finding) -> int:
        status = statuses.get(finding.fingerprint)
        return -status.weight if status is not None else 0
    return sorted(findings, key=weight)


def _lines(findings: list[Finding], statuses: dict[str, FindingStatus]) -> list[str]:
    def status(finding: Finding) -> str:
        known = statuses.get(finding.fingerprint)
        return f" ({known.value})" if known is not None and known is not FindingStatus.BLOCKS else ""
    return [_finding_line(f) + status(f) for f in findings]


def _findings_text(findings: list[Finding], statuses: dict[str, FindingStatus]) -> str:
    lines = _lines(findings[:MAX_LISTED], statuses)
    if len(findings) > MAX_LISTED:
        lines.append(f"... {len(findings) - MAX_LISTED} more findings in report.json")
    return "\n".join(lines)


def _failure_message(result: CheckResult, findings: list[Finding], statuses: dict[str, FindingStatus]) -> str:
    if not findings:
        return result.summary or "failed"
    first = "; ".join(_lines(findings[:3], statuses))
    more = len(findings) - 3
    return first + (f" (+{more} more)" if more > 0 else "")


def _testcase(result: CheckResult, statuses: dict[str, FindingStatus]) -> ET.Element:
    case = ET.Element("testcase", classname=xml_text(result.check_id, 200), name=xml_text(result.app or CONNECTOR, 256),
                      time=_seconds(result.duration_s))
    summary = result.summary or result.outcome.value
    findings = _blocking_first(result.findings, statuses)
    if result.outcome is Outcome.FAIL:
        failure = ET.SubElement(case, "failure", message=xml_text(_failure_message(result, findings, statuses),
                                                                  MAX_MESSAGE), type="fail")
        failure.text = xml_text(_findings_text(findings, statuses) or summary)
    elif result.outcome is Outcome.ERROR:
        error = ET.SubElement(case, "error", message=xml_text(summary, MAX_MESSAGE), type="could-not-run")
        error.text = xml_text(f"{result.check_id} could not run: {summary}")
    elif result.outcome in (Outcome.SKIP, Outcome.NOT_APPLICABLE):
        ET.SubElement(case, "skipped", message=xml_text(f"{result.outcome.value}: {summary}", MAX_MESSAGE))
    out = result.outcome.value + (f": {result.summary}" if result.summary else "")
    if result.outcome is Outcome.WARN and result.findings:
        out += "\n" + _findings_text(findings, statuses)
    ET.SubElement(case, "system-out").text = xml_text(out)
    return case


def _seconds(value: float) -> str:
    return f"{value:.3f}" if math.isfinite(value) and value > 0 else "0.000"


def _stage_case(run: StageRun) -> ET.Element:
    """A stage that errored without an errored check (or ran no check at all) still shows."""
    case = ET.Element("testcase", classname=f"stage.{run.stage.value}", name="stage", time=_seconds(run.duration_s))
    summary = run.summary or run.outcome.value
    if run.outcome is Outcome.ERROR:
        ET.SubElement(case, "error", message=xml_text(summary, MAX_MESSAGE), type="could-not-run").text = xml_text(
            f"the {run.stage.value} stage could not complete: {summary}")
    elif run.outcome is Outcome.FAIL:
        ET.SubElement(case, "failure", message=xml_text(summary, MAX_MESSAGE), type="fail").text = xml_text(summary)
    elif run.outcome in (Outcome.SKIP, Outcome.NOT_APPLICABLE):
        ET.SubElement(case, "skipped", message=xml_text(f"{run.outcome.value}: {summary}", MAX_MESSAGE))
    ET.SubElement(case, "system-out").text = xml_text(f"{run.outcome.value}: {summary}")
    return case


def _stage_cases(report: Report, stage: str, statuses: dict[str, FindingStatus]) -> list[ET.Element]:
    results = [r for r in report.results if r.stage.value == stage]
    cases = [_testcase(r, statuses) for r in results]
    run = next((s for s in report.stages if s.stage.value == stage), None)
    errored = any(r.outcome is Outcome.ERROR for r in results)
    if run is not None and (not results or run.outcome is Outcome.ERROR and not errored):
        cases.append(_stage_case(run))
    return cases


def _counts(cases: list[ET.Element]) -> dict[str, int]:
    return {
        "tests": len(cases),
        "failures": sum(c.find("failure") is not None for c in cases),
        "errors": sum(c.find("error") is not None for c in cases),
        "skipped": sum(c.find("skipped") is not None for c in cases),
    }


def _suite(name: str, cases: list[ET.Element], report: Report) -> ET.Element:
    counts = _counts(cases)
    seconds = sum(float(c.get("time", "0")) for c in cases)
    suite = ET.Element("testsuite", name=name, **{k: str(v) for k, v in counts.items()}, time=f"{seconds:.3f}",
                       timestamp=xml_text(report.created_at, 64))
    properties = ET.SubElement(suite, "properties")
    for key, value in (("run_id", report.run_id), ("verdict", report.decision.verdict.value),
                       ("commit", report.provenance.commit or ""), ("tag", report.provenance.tag or "")):
        ET.SubElement(properties, "property", name=key, value=xml_text(value, 256))
    suite.extend(cases)
    return suite


def _aborted_case(report: Report) -> ET.Element:
    case = ET.Element("testcase", classname="certifier.run", name="run", time="0.000")
    error = ET.SubElement(case, "error", message=xml_text(f"the run stopped early: {report.aborted}", MAX_MESSAGE),
                          type="aborted")
    error.text = xml_text(f"The run stopped early: {report.aborted}")
    return case


def _decision_case(report: Report, statuses: dict[str, FindingStatus]) -> ET.Element:
    """The verdict as one testcase: what blocks comes first in CI's list of failures."""
    decision = report.decision
    case = ET.Element("testcase", classname="certifier.decision", name=xml_text(decision.stage, 100), time="0.000")
    blocking = [f for r in report.results for f in r.findings if statuses.get(f.fingerprint) is FindingStatus.BLOCKS]
    verdict = f"{decision.verdict.value}: {decision.summary}"
    if decision.kind is DecisionKind.NEGATIVE:
        first = f"{decision.verdict.value}: {_finding_line(blocking[0])}" if blocking else verdict
        more = f" (+{len(blocking) - 1} more blocking)" if len(blocking) > 1 else ""
        failure = ET.SubElement(case, "failure", message=xml_text(first + more, MAX_MESSAGE), type="blocking")
        failure.text = xml_text("\n".join([verdict, *_lines(blocking[:MAX_LISTED], statuses)]))
    elif decision.kind is DecisionKind.UNDECIDED:
        ET.SubElement(case, "error", message=xml_text(verdict, MAX_MESSAGE), type="undecided").text = xml_text(verdict)
    elif decision.kind is DecisionKind.REVIEW:
        ET.SubElement(case, "skipped", message=xml_text(verdict, MAX_MESSAGE))
    ET.SubElement(case, "system-out").text = xml_text(verdict)
    return case


def render_junit(report: Report) -> str:
    """JUnit XML (UTF-8 text with an XML declaration) of `report`'s decision and check results."""
    statuses = {v.fingerprint: v.status for v in report.decision.findings}
    suites = [_suite("decision", [_decision_case(report, statuses)], report)]
    for stage in stage_order(report):
        cases = _stage_cases(report, stage, statuses)
        if cases:
            suites.append(_suite(stage, cases, report))
    if report.aborted:
        suites.append(_suite("run", [_aborted_case(report)], report))
    root = ET.Element("testsuites", name=f"certifier {xml_text(report.requested_stage, 100)}")
    totals = _counts([case for suite in suites for case in suite.iter("testcase")])
    # the XSD allows no `skipped` on <testsuites>: each suite carries its own
    root.attrib.update({k: str(v) for k, v in totals.items() if k != "skipped"})
    root.set("time", f"{sum(float(s.get('time', '0')) for s in suites):.3f}")
    root.extend(suites)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
