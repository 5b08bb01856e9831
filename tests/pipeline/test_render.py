"""The sealed report is authoritative for its renderings: `certifier report render` of a stored report.json
gives the run's files byte for byte, and `certifier report decide` re-decides it under another profile."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

from certifier.certify import RunRequest, certify, redecide
from certifier.core.decision import DecisionKind, FindingStatus
from certifier.core.model import Stage
from certifier.policy.profiles import load_profile
from certifier.report.canonical import load_report, verify
from certifier.report.write import FILE_NAMES

STATIC = frozenset(stage for stage in Stage if not stage.runs_connector_code)
WAIVER = """\
waivers:
  - id: W-console
    check: sec.sast
    rule: "*console-log*"
    reason: debugging output accepted until the next release
    approver: reviewer@example.com
    expires: "2099-01-01"
"""


def certifier_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "certifier.cli.main", *args], capture_output=True, text=True,
                          timeout=300)


def test_report_render_reproduces_every_file_of_the_run_byte_for_byte(tagged_repo, tmp_path):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(WAIVER)
    run_dir, again = tmp_path / "run", tmp_path / "again"
    outcome = certify(RunRequest(source=str(tagged_repo("sec-console-log")), tag="v1.0.0", stage="certification",
                                 out_dir=run_dir, stages=STATIC, waivers=waivers))
    statuses = {v.status for v in outcome.report.decision.findings}
    assert {FindingStatus.WAIVED, FindingStatus.ADVISORY} <= statuses  # the renderings have verdicts to show
    done = certifier_cli("report", "render", str(run_dir / "report.json"), "--out", str(again))
    assert done.returncode == 0, done.stderr
    rendered = sorted(path.name for path in again.iterdir())
    assert rendered == sorted(FILE_NAMES.values())
    for name in rendered:
        assert (again / name).read_bytes() == (run_dir / name).read_bytes(), name


def test_a_stored_report_is_re_decided_and_re_sealed_under_another_profile(tagged_repo, tmp_path):
    run_dir = tmp_path / "run"
    certify(RunRequest(source=str(tagged_repo("sec-console-log")), tag="v1.0.0", stage="preview", out_dir=run_dir,
                       stages=STATIC))
    stored = load_report(run_dir / "report.json")
    console = [v for v in stored.decision.findings if v.check_id == "sec.sast"]
    assert console and {v.status for v in console} == {FindingStatus.ADVISORY}  # preview: reported only
    again = redecide(stored, load_profile("certification"), today=date(2026, 1, 1))
    assert verify(again.model_dump(mode="json")).ok and again.digest != stored.digest
    assert (again.decision.profile, again.requested_stage, again.decision.kind) == (
        "certification", "certification", DecisionKind.NEGATIVE)
    assert {v.status for v in again.decision.findings if v.check_id == "sec.sast"} == {FindingStatus.BLOCKS}
    assert again.results == stored.results and again.run_id == stored.run_id

    out = tmp_path / "decided"
    done = certifier_cli("report", "decide", str(run_dir / "report.json"), "--profile", "certification",
                         "--out", str(out))
    assert done.returncode == 1, done.stderr
    written = load_report(out / "report.json")
    assert written.decision.verdict.value == "Certification failed" and (out / "report.html").is_file()
