"""The terminal summary."""

from __future__ import annotations

from pathlib import Path

from certifier.core.model import Stage
from certifier.report.canonical import seal
from certifier.report.text import render_text


def test_text_summary_has_verdict_counts_blocking_findings_and_paths(report):
    text = render_text(seal(report), paths={"json": Path("/out/report.json"), "html": Path("/out/report.html")})
    assert "Verdict: Rejected (negative, exit code 1)" in text
    assert "Outcomes: pass 2, fail 2, warn 2, error 1, skip 1, not-applicable 1" in text
    assert "Blocking findings (2):" in text
    assert "  - connect.yaml:7: endpoint must start with '/' [spec.endpoint]" in text
    assert "hello-service/package.json:3: package.json has no start script [struct.start-script, hello-service]" in text
    assert "Could not run (1):\n  - sec.sast [hello-service]: semgrep timed out after 120 s" in text
    assert "  json: /out/report.json" in text and "  html: /out/report.html" in text


def test_terminal_control_sequences_are_made_visible(make_report, make_result, make_finding):
    finding = make_finding("\x1b[2J\x1b]0;owned\x07cleared\nnext line", path="a.js", line=1)
    report = make_report(results=[make_result("sec.sast", Stage.SECURITY, "fail", findings=[finding])])
    text = render_text(seal(report))
    assert "\x1b" not in text and "\x07" not in text
    assert "\u27e8U+001B\u27e9[2J" in text
    assert "cleared next line" in text  # one finding, one line


def test_blocking_list_is_bounded(make_report, make_result, make_finding):
    findings = [make_finding(f"p{n}", path="a.js", line=n) for n in range(30)]
    report = make_report(results=[make_result("sec.sast", Stage.SECURITY, "fail", findings=findings)])
    text = render_text(seal(report), limit=5)
    assert "Blocking findings (30):" in text and "... and 25 more" in text
    assert text.count("  - a.js:") == 5
