"""The terminal summary."""

from __future__ import annotations

from pathlib import Path

from certifier.core.model import Stage
from certifier.report.canonical import seal
from certifier.report.text import render_text


def test_text_summary_has_verdict_problems_with_fixes_next_steps_and_paths(report):
    text = render_text(seal(report), paths={"json": Path("/out/report.json"), "html": Path("/out/report.html")})
    assert "Verdict: Rejected (negative, exit code 1)" in text
    assert "  2 problems block the preview stage: fix them, then tag a new release." in text
    assert "Outcomes: pass 2, fail 2, warn 2, error 1, skip 1, not-applicable 1" in text
    assert "Fix these (2):" in text
    assert ("  1. endpoint must start with '/'\n     at connect.yaml:7 [spec.endpoint]\n"
            "     fix: Write the endpoint as /service.") in text
    assert "     at hello-service/package.json:3 [struct.start-script; hello-service]\n     fix: Add a start script." in text
    assert "Could not run (1):\n  - sec.sast [hello-service]: semgrep timed out after 120 s" in text
    assert "Also: 1 warning, 1 waived" in text  # singular: one warning
    assert "Next steps:\n  - Open the report: /out/report.html" in text and "--waivers FILE" in text
    assert text.index("Fix these") < text.index("Next steps") < text.index("Reports:")
    assert "  json: /out/report.json" in text and "  html: /out/report.html" in text


def test_stages_that_did_not_run_say_why(make_report):
    from certifier.core.model import Outcome
    from certifier.core.report import StageRun

    stages = (StageRun(stage=Stage.SPECIFICATION, outcome=Outcome.PASS),
              *(StageRun(stage=s, outcome=Outcome.SKIP, summary="not run: not requested (--static-only)")
                for s in (Stage.BUILD, Stage.PREVIEW)))
    text = render_text(seal(make_report(stages=stages)))
    assert "Not run: build, preview: not requested (--static-only)" in text
    assert "Not audited" not in text


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
    assert "Fix these (30):" in text and "... and 25 more" in text
    assert text.count("     at a.js:") == 5
