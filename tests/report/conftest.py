"""A factory of Report objects for the report-layer tests: several stages, per-app results, every
outcome, findings with locations and connect.yaml paths, waivers, a decision trace."""

from __future__ import annotations

import pytest

from certifier import REPORT_SCHEMA_VERSION
from certifier.core.report import AppInfo, Provenance, Report, StageRun
from certifier.core.model import CheckResult, Finding, Location, Outcome, Severity, Stage
from certifier.core.decision import Decision, DecisionKind, FindingStatus, FindingVerdict, TraceStep, Verdict, WaiverUse

HOSTILE = {
    "script": "<script>alert(1)</script>",
    "attr": '"><img src=x onerror=alert(1)>',
    "template": "{{7*7}}",
    "js_path": "javascript:alert(1)//src/index.js",
    "bidi": "src/\u202eexe.js\u202c",
}


def finding(message, severity=Severity.ERROR, path=None, line=None, manifest_path=None, check="x", app=None,
            **extra) -> Finding:
    location = Location(path=path, line=line) if path else None
    raw = Finding(message=message, severity=severity, location=location, manifest_path=manifest_path, **extra)
    return raw.with_fingerprint(check, app)


def result(check_id, stage, outcome, app=None, findings=(), summary="", **extra) -> CheckResult:
    return CheckResult(check_id=check_id, check_version="1.0.0", stage=stage, title=f"title of {check_id}",
                       app=app, outcome=outcome, summary=summary, findings=tuple(findings), **extra)


def sample_results() -> list[CheckResult]:
    endpoint = finding("endpoint must start with '/'", path="connect.yaml", line=7,
                       manifest_path="deployAs.0.endpoint", check="spec.endpoint", rule="pattern",
                       remediation="Write the endpoint as /service.")
    start = finding("package.json has no start script", path="hello-service/package.json", line=3,
                    check="struct.start-script", app="hello-service", remediation="Add a start script.")
    console = finding("console.log in request path", Severity.WARNING, path="hello-service/src/index.js", line=12,
                      check="sec.console-log", app="hello-service", tool="semgrep")
    review = finding("README does not explain configuration keys", Severity.WARNING, path="README.md",
                     check="struct.readme", needs_review=True)
    return [
        result("spec.schema", Stage.SPECIFICATION, Outcome.PASS, duration_s=0.01),
        result("spec.endpoint", Stage.SPECIFICATION, Outcome.FAIL, findings=[endpoint], summary="1 error"),
        result("struct.readme", Stage.STRUCTURE, Outcome.WARN, findings=[review]),
        result("struct.start-script", Stage.STRUCTURE, Outcome.FAIL, app="hello-service", findings=[start]),
        result("struct.start-script", Stage.STRUCTURE, Outcome.NOT_APPLICABLE, app="mc-ui",
               summary="applies to service, event, job apps only"),
        result("sec.console-log", Stage.SECURITY, Outcome.WARN, app="hello-service", findings=[console]),
        result("sec.sast", Stage.SECURITY, Outcome.ERROR, app="hello-service", summary="semgrep timed out after 120 s",
               evidence={"stderr": "x" * 5000, "exit_code": 124}),
        result("deps.vulnerable-dependency", Stage.DEPENDENCIES, Outcome.PASS, app="hello-service"),
        result("build.install", Stage.BUILD, Outcome.SKIP, app="hello-service",
               summary="skipped: the structure stage failed"),
    ]


def verdicts_of(results, blocking=(), waived=()) -> tuple[FindingVerdict, ...]:
    """The verdicts a decision would seal: `blocking` and `waived` fingerprints, every other one advisory."""
    def status(fingerprint):
        return (FindingStatus.BLOCKS if fingerprint in blocking else
                FindingStatus.WAIVED if fingerprint in waived else FindingStatus.ADVISORY)
    return tuple(FindingVerdict(fingerprint=f.fingerprint, check_id=r.check_id, app=r.app, status=status(f.fingerprint),
                                rule=f"preview:rule-of-{r.check_id}", reason=f"{status(f.fingerprint).value} reason",
                                waivers=("W-0",) if f.fingerprint in waived else ())
                 for r in results for f in r.findings)


def sample_report(results=None, kind=DecisionKind.NEGATIVE, verdict=Verdict.REJECTED, verdicts=None,
                  **overrides) -> Report:
    """A report whose decision blocks on the Error findings of failed results and waives the first warning
    (or seals `verdicts` when given)."""
    results = sample_results() if results is None else results
    blocking = [f.fingerprint for r in results if r.outcome is Outcome.FAIL for f in r.findings]
    warned = [f.fingerprint for r in results if r.outcome is Outcome.WARN for f in r.findings]
    if verdicts is None:
        verdicts = verdicts_of(results, blocking, warned[:1])
    decision = Decision(
        stage="preview", profile="preview", profile_version="1.0.0", kind=kind, verdict=verdict,
        exit_code={DecisionKind.NEGATIVE: 1, DecisionKind.POSITIVE: 0, DecisionKind.UNDECIDED: 3,
                   DecisionKind.REVIEW: 4}[kind],
        summary="2 blocking errors",
        trace=(
            TraceStep(rule="block-on-error", effect=DecisionKind.NEGATIVE, message="Error findings block preview",
                      check_id="spec.endpoint", fingerprints=tuple(blocking[:1])),
            TraceStep(rule="block-on-error", effect=DecisionKind.NEGATIVE, message="Error findings block preview",
                      check_id="struct.start-script", app="hello-service", fingerprints=tuple(blocking[1:])),
            TraceStep(rule="error-is-undecided", effect=None, message="sec.sast could not run; an Error already decides",
                      check_id="sec.sast", app="hello-service"),
        ),
        waivers=(
            WaiverUse(waiver_id="W-0", status="applied", reason="accepted for now", approver="rev@example.com",
                      expires="2099-01-01", fingerprints=tuple(warned[:1])),
            WaiverUse(waiver_id="W-1", status="expired", reason="temporary", approver="rev@example.com",
                      expires="2025-01-01"),
            WaiverUse(waiver_id="W-2", status="unused", reason="old rule", approver="rev@example.com"),
        ),
        findings=verdicts,
    )
    base = dict(
        schema_version=REPORT_SCHEMA_VERSION, certifier_version="0.1.0", rules_digest="ab" * 32, run_id="run-0001",
        created_at="2026-01-15T10:00:00+00:00", requested_stage="preview",
        provenance=Provenance(source="https://example.invalid/acme/connector.git", tag="v1.0.0",
                              tag_kind="annotated", commit="c" * 40, tree="d" * 40),
        apps=(AppInfo(name="hello-service", type="service", path="hello-service"),
              AppInfo(name="mc-ui", type="merchant-center-custom-application", path="mc-ui")),
        stages=tuple(StageRun(stage=s, outcome=o, summary=f"{s.value} done", duration_s=1.5) for s, o in [
            (Stage.SPECIFICATION, Outcome.FAIL), (Stage.STRUCTURE, Outcome.FAIL), (Stage.SECURITY, Outcome.ERROR),
            (Stage.DEPENDENCIES, Outcome.PASS), (Stage.BUILD, Outcome.SKIP)]),
        results=tuple(results), decision=decision, tools={"semgrep": "1.182.0", "node": "20.11.1"},
        timings={"total": 12.5, "security": 8.25},
    )
    base.update(overrides)
    return Report(**base)


def hostile_report() -> Report:
    """Every connector-controlled field carries hostile text."""
    bad = " ".join(HOSTILE.values())
    f = finding(bad, path=HOSTILE["js_path"], line=1, manifest_path=HOSTILE["attr"], check="spec.endpoint",
                rule=HOSTILE["script"], remediation=HOSTILE["attr"], tool=HOSTILE["template"],
                properties={"snippet": HOSTILE["script"], "bidi": HOSTILE["bidi"]})
    odd = f.model_copy(update={"fingerprint": '"><script>alert(2)</script>'})
    results = [
        result("spec.endpoint", Stage.SPECIFICATION, Outcome.FAIL, app=HOSTILE["script"], findings=[f, odd],
               summary=bad, evidence={HOSTILE["attr"]: HOSTILE["script"], "bidi": HOSTILE["bidi"]}),
        result("sec.sast", Stage.SECURITY, Outcome.ERROR, summary=bad),
    ]
    return sample_report(
        results=results,
        apps=(AppInfo(name=HOSTILE["script"], type="service", path=HOSTILE["js_path"]),),
        provenance=Provenance(source=HOSTILE["js_path"], tag=HOSTILE["attr"], note=bad, commit=HOSTILE["bidi"]),
        tools={HOSTILE["script"]: HOSTILE["attr"]},
        aborted=bad,
    )


@pytest.fixture
def report() -> Report:
    return sample_report()


@pytest.fixture
def make_report():
    """make_report(results=None, kind=..., verdict=..., **report_fields) -> Report."""
    return sample_report


@pytest.fixture
def make_result():
    """make_result(check_id, stage, outcome, app=None, findings=(), summary='', **fields) -> CheckResult."""
    return result


@pytest.fixture
def make_finding():
    """make_finding(message, severity=ERROR, path=None, line=None, manifest_path=None, check=, app=, **fields)."""
    return finding


@pytest.fixture
def make_verdicts():
    """make_verdicts(results, blocking=(), waived=()) -> the verdicts a decision would seal for them."""
    return verdicts_of


@pytest.fixture
def make_results():
    return sample_results


@pytest.fixture
def hostile() -> Report:
    return hostile_report()


@pytest.fixture
def hostile_strings() -> dict[str, str]:
    return dict(HOSTILE)
