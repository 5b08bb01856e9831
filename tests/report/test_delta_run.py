"""--baseline through a real (static) run: the delta is in report.json, fixing a problem marks it fixed, and
the decision is the same with or without a baseline (the delta informs, it never gates)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from certifier.certify import RunRequest, certify
from certifier.core.model import Stage

FIXED_LINE = "    const applies = new Function('resource', `return (${body.rule});`);"


def _certify(source, out, baseline=None):
    return certify(RunRequest(source=str(source), out_dir=out, stages=Stage.static(), baseline=baseline))


@pytest.mark.slow
def test_fixing_a_problem_marks_it_fixed_and_the_decision_ignores_the_delta(connector_copy, tmp_path):
    connector = connector_copy("sec-eval")
    first = _certify(connector, tmp_path / "first")
    assert first.report.decision.kind.value == "negative" and first.report.delta is None
    blocking = {v.fingerprint for v in first.report.decision.findings if v.status.value == "blocks"}
    assert blocking

    again = _certify(connector, tmp_path / "again", baseline=tmp_path / "first" / "report.json")
    delta = again.report.delta
    assert delta.counts.new == 0 and blocking <= set(delta.fingerprints.unchanged)
    assert delta.baseline.report_id == first.report.run_id
    # every blocking finding still counts: the same decision as without a baseline
    assert again.report.decision == first.report.decision and again.exit_code == first.exit_code == 1
    on_disk = json.loads((tmp_path / "again" / "report.json").read_text())
    assert on_disk["delta"]["counts"] == delta.counts.model_dump()

    source = connector / "hello-service" / "src" / "index.js"
    source.write_text(source.read_text().replace(FIXED_LINE, "    const applies = () => false;"))
    fixed = _certify(connector, tmp_path / "fixed", baseline=tmp_path / "first" / "report.json")
    assert blocking & set(fixed.report.delta.fingerprints.fixed)
    assert not blocking & set(fixed.report.delta.fingerprints.unchanged)


def test_a_bad_baseline_exits_2_naming_the_file_without_a_traceback(connector_copy, tmp_path):
    bad = tmp_path / "previous-report.json"
    bad.write_text('{"schema_version": "1.2.0"')
    env = {k: v for k, v in os.environ.items() if k != "CERTIFIER_DEBUG"}
    done = subprocess.run([sys.executable, "-m", "certifier.cli.main", "run", str(connector_copy("minimal")),
                           "--static-only", "--out", str(tmp_path / "o"), "--baseline", str(bad)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert str(bad) in done.stderr and "--baseline" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert not (tmp_path / "o" / "report.json").exists()  # refused before anything ran
