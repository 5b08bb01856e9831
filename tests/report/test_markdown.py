"""The GitHub job summary and its md_escape filter."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certifier.core.model import Severity, Stage
from certifier.report.canonical import seal
from certifier.report.escape import md_escape
from certifier.report.markdown import render_markdown

SPECIAL = set("|`[]<>*_~$#\n\r\t")


@pytest.mark.parametrize(
    "raw, escaped",
    [
        ("a|b", "a\\|b"),
        ("`rm -rf`", "\\`rm -rf\\`"),
        ("<script>x</script>", "&lt;script&gt;x&lt;/script&gt;"),
        ("a & b", "a &amp; b"),
        ("&lt;", "&amp;lt;"),
        ("[click](javascript:alert(1))", "\\[click\\](javascript:alert(1))"),
        ("![img](x)", "!\\[img\\](x)"),
        ("line1\nline2\r\n\tline3", "line1 line2 line3"),
        ("# heading", "\\# heading"),
        ("- item", "\\- item"),
        ("  - nested", "\\- nested"),
        ("+ item", "\\+ item"),
        ("=====", "\\====="),
        ("1. first", "1\\. first"),
        ("2) second", "2\\) second"),
        ("version 1.0.0", "version 1.0.0"),
        ("1.0.0", "1.0.0"),
        ("*bold* _it_ ~~del~~", "\\*bold\\* \\_it\\_ \\~\\~del\\~\\~"),
        ("$x^2$", "\\$x^2\\$"),
        ("back\\slash", "back\\\\slash"),
        ("src/\u202eexe.js", "src/\u27e8U+202E\u27e9exe.js"),
        ("\x1b[31mred", "\u27e8U+001B\u27e9\\[31mred"),
        ("hello-service", "hello-service"),
    ],
)
def test_md_escape_cases(raw, escaped):
    assert md_escape(raw) == escaped


def test_md_escape_bounds_length():
    escaped = md_escape("a" * 10_000, limit=100)
    assert escaped.startswith("a" * 100) and "more characters" in escaped and len(escaped) < 200


def test_md_escape_accepts_non_strings():
    assert md_escape(42) == "42" and md_escape(None) == "None"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_md_escape_leaves_no_active_markdown_character(text):
    escaped = md_escape(text, limit=10_000)
    unescaped = re.sub(r"\\.", "", escaped)  # drop backslash escapes: what is left must be inert
    assert not (set(unescaped) & SPECIAL)
    assert not re.match(r"[ \t]", escaped)
    assert not re.match(r"([-+=]|\d+[.)](\s|$))", escaped)  # a leading marker is escaped


def rows(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("|")]


def cells(row: str) -> int:
    return len(re.findall(r"(?<!\\)\|", row)) - 1


@pytest.fixture
def summary(report):
    return render_markdown(seal(report))


def test_summary_leads_with_the_problems_and_their_fixes(summary):
    assert summary.startswith("## \u274c Rejected \u00b7 preview stage\n\n2 problems block the preview stage")
    table = rows(summary)
    assert table[0].startswith("| Stage | Outcome | pass | fail | warn | error | skip | not-applicable |")
    assert any(row.startswith("| security | \U0001f6a7 **error** (could not run) |") for row in table)
    assert any(row.startswith("| specification | \u274c fail |") for row in table)
    assert "### Fix these (2)" in summary
    assert "1. **endpoint must start with '/'**<br>\n   connect.yaml:7 \u00b7 spec.endpoint<br>\n" in summary
    assert "   **Fix:** Write the endpoint as /service." in summary
    assert "hello-service/package.json:3" in summary
    assert summary.index("### Fix these") < summary.index("### Warnings (1)") < summary.index("| Stage |")
    assert "- **sec.sast** (hello-service): semgrep timed out after 120 s" in summary


def test_summary_lists_its_warnings(summary):
    warnings = summary[summary.index("### Warnings (1)"):summary.index("| Stage |")]
    assert "- console.log in request path \u00b7 hello-service/src/index.js:12 \u00b7 sec.console-log" in warnings


def test_blocking_findings_are_those_the_decision_sealed(make_report, make_results, make_verdicts):
    results = make_results()
    warning = next(f for r in results for f in r.findings if f.message.startswith("console.log"))
    assert warning.severity is Severity.WARNING
    sealed = seal(make_report(results=results, verdicts=make_verdicts(results, blocking={warning.fingerprint})))
    summary = render_markdown(sealed)
    fix = summary[summary.index("### Fix these (1)"):]
    assert "console.log in request path" in fix
    assert "endpoint must start" not in summary[:summary.index("### Warnings")]


def test_blocking_problems_are_bounded(make_report, make_result, make_finding):
    findings = [make_finding(f"problem {n}", path="a.js", line=n, check="sec.sast") for n in range(1, 121)]
    report = make_report(results=[make_result("sec.sast", Stage.SECURITY, "fail", findings=findings)])
    summary = render_markdown(seal(report), limit=50)
    assert "### Fix these (120)" in summary
    assert summary.count(" \u00b7 sec.sast<br>") == 50
    assert "and 70 more blocking problems" in summary


def test_no_local_path_of_the_machine_is_shown(make_report, make_result, make_finding):
    from certifier.core.report import Provenance

    finding = make_finding("cannot read /tmp/certifier-abc/checkout/src/a.js", path="src/a.js", line=1)
    report = make_report(
        results=[make_result("sec.sast", Stage.SECURITY, "fail", findings=[finding]),
                 make_result("sec.secrets", Stage.SECURITY, "error", summary="crashed in /root/.cache/certifier/x")],
        provenance=Provenance(source="/home/runner/work/acme/connector", tag="v1.0.0", commit="c" * 40))
    summary = render_markdown(seal(report))
    for local in ("/tmp/", "/root/", "/home/"):
        assert local not in summary
    assert "connector (a local repository)" in summary and "&lt;local path&gt;" in summary


def test_every_table_row_keeps_its_columns_with_hostile_text(hostile):
    summary = render_markdown(seal(hostile))
    table = rows(summary)
    stage_rows = [r for r in table if cells(r) == 8]
    assert len(stage_rows) >= 6
    assert "### Fix these" in summary
    assert "<script" not in summary and "<img" not in summary
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in summary
    assert "\u202e" not in summary


def test_positive_summary_says_no_blocking_findings(make_report, make_result):
    from certifier.core.decision import DecisionKind, Verdict

    report = make_report(results=[make_result("spec.schema", Stage.SPECIFICATION, "pass")],
                         kind=DecisionKind.POSITIVE, verdict=Verdict.ACCEPTED)
    summary = render_markdown(seal(report))
    assert summary.startswith("## \u2705 Accepted")
    assert "### No blocking problems" in summary
