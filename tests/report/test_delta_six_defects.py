"""Issue 12's connector with six defects (hard-coded secret, eval(req.body.x), console.log(process.env), lodash
4.17.15, no README, invalid cron), static stages: against the clean version's report every blocking problem is
new; fixing one and running again marks it fixed; the SARIF and JUnit of those runs validate against their
schemas; the decision counts every blocking finding whatever the delta says."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from certifier.certify import RunRequest, certify
from certifier.core.model import Stage

from report.test_junit_schema import valid as valid_junit
from report.test_sarif_schema import valid as valid_sarif

SIX = Path(__file__).resolve().parents[1] / "fixtures" / "connectors" / "six-defects"
EVAL = "const applies = eval(req.body.x);"
SIX_CHECKS = ("sec.secrets", "sec.sast", "deps.vulnerable-dependency", "struct.readme", "spec.schema")
CLEAN_EDITS = {  # file -> (defect, its fix)
    "hello-service/src/ctp-credentials.js": [("'Qm9vdGxlZ0NsaWVudFNlY3JldDEyMzQ1Njc4'",
                                              "process.env.CTP_CLIENT_SECRET")],
    "hello-service/src/discount-rule.js": [(EVAL, "const applies = req.body.x === 'member';")],
    "hello-service/src/index.js": [("console.log(process.env);", "console.log('started');")],
    "hello-service/package.json": [('"lodash": "4.17.15"', '"lodash": "4.17.21"')],
    "hello-service/package-lock.json": [('"lodash": "4.17.15"', '"lodash": "4.17.21"'),
                                        ('"version": "4.17.15"', '"version": "4.17.21"')],
    "connect.yaml": [('schedule: "every night at two"', 'schedule: "0 2 * * *"')],
}


def _edit(root: Path, edits: dict[str, list[tuple[str, str]]]) -> None:
    for name, changes in edits.items():
        path = root / name
        text = path.read_text()
        for old, new in changes:
            assert old in text, (name, old)
            text = text.replace(old, new)
        path.write_text(text)


def _certify(source: Path, out: Path, baseline: Path | None = None):
    outcome = certify(RunRequest(source=str(source), out_dir=out, stages=Stage.static(), baseline=baseline))
    valid_sarif(json.loads((out / "report.sarif").read_text()))
    valid_junit((out / "junit.xml").read_text())
    return outcome.report


@pytest.mark.slow
def test_six_defects_are_new_against_the_clean_version_and_a_fix_is_fixed(tmp_path):
    clean = tmp_path / "clean"
    shutil.copytree(SIX, clean)
    _edit(clean, CLEAN_EDITS)
    (clean / "README.md").write_text("# Six defects, fixed\n\nConfiguration: CTP_REGION, CTP_PROJECT_KEY.\n"
                                     "Support: support@example.com\n")
    broken = tmp_path / "broken"
    shutil.copytree(SIX, broken)

    _certify(clean, tmp_path / "clean-report")
    report = _certify(broken, tmp_path / "broken-report", baseline=tmp_path / "clean-report" / "report.json")
    blocking = {v.fingerprint for v in report.decision.findings if v.status.value == "blocks"}
    new = set(report.delta.fingerprints.new)
    assert report.decision.kind.value == "negative" and blocking and blocking <= new
    for check in SIX_CHECKS:  # each defect's findings are new: the clean version had none of them
        found = {f.fingerprint for r in report.results if r.check_id == check for f in r.findings
                 if f.severity.value != "info"}
        assert found and found <= new, check

    _edit(broken, {"hello-service/src/discount-rule.js": CLEAN_EDITS["hello-service/src/discount-rule.js"]})
    again = _certify(broken, tmp_path / "again", baseline=tmp_path / "broken-report" / "report.json")
    fixed = set(again.delta.fingerprints.fixed)
    evals = {f.fingerprint for r in report.results for f in r.findings if "eval" in f.message.lower()
             or "eval" in (f.rule or "")}
    assert evals and evals <= fixed, (evals, fixed)
    assert again.delta.counts.new == 0
    assert again.decision.kind.value == "negative"  # five problems remain: still blocking
