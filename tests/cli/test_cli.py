"""The command line as a user drives it: exit codes, report files, clear errors, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from support import CONNECTORS

CERTIFIER = [sys.executable, "-m", "certifier.cli.main"]
REPO_ROOT = Path(__file__).resolve().parents[2]


def certifier(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CERTIFIER_DEBUG"}
    done = subprocess.run([*CERTIFIER, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120)
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout, done.stderr
    return done


@pytest.mark.slow
def test_run_at_tag_writes_every_report_and_exits_zero(tagged_repo, tmp_path):
    repo = tagged_repo("minimal")
    out = tmp_path / "out"
    done = certifier("run", str(repo), "--tag", "v1.0.0", "--out", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Accepted" in done.stdout
    written = {p.name for p in out.iterdir()}
    assert {"connect-report.json", "junit.xml", "report.html", "report.json", "report.sarif", "summary.md",
            "sbom.cdx.json"} <= written
    report = json.loads((out / "report.json").read_text())
    assert set(report["artifacts"]) == written - {"connect-report.json", "junit.xml", "report.html", "report.json",
                                                  "report.sarif", "summary.md"}
    report = json.loads((out / "report.json").read_text())
    assert report["provenance"]["tag"] == "v1.0.0" and report["provenance"]["tag_kind"] == "annotated"
    assert len(report["provenance"]["commit"]) == 40 and len(report["provenance"]["tree"]) == 40
    assert report["decision"]["verdict"] == "Accepted"
    assert {"git", "python"} <= set(report["tools"])


def test_json_format_prints_only_the_report(tagged_repo, tmp_path):
    done = certifier("run", str(tagged_repo("minimal")), "--tag", "v1.0.0", "--out", str(tmp_path / "o"),
                     "--format", "json", "--static-only")
    report = json.loads(done.stdout)
    # a static-only run leaves build and preview unaudited: never a positive verdict
    assert report["decision"]["exit_code"] == done.returncode == 3
    assert report["decision"]["verdict"] == "Could not decide"


def test_working_tree_without_tag_is_certified_and_said_so(connector_copy, tmp_path):
    done = certifier("run", str(connector_copy("minimal")), "--out", str(tmp_path / "o"), "--format", "json",
                     "--static-only")
    provenance = json.loads(done.stdout)["provenance"]
    assert provenance["working_tree"] is True and provenance["tag"] is None
    assert provenance["note"]


def test_broken_manifest_is_rejected_with_exit_one(tagged_repo, tmp_path):
    done = certifier("run", str(tagged_repo("spec-unknown-key")), "--tag", "v1.0.0", "--out", str(tmp_path / "o"),
                     "--static-only")
    assert done.returncode == 1
    assert "Rejected" in done.stdout and "Unrecognized key" in done.stdout


def test_missing_tag_is_a_usage_error_with_a_report(tagged_repo, tmp_path):
    out = tmp_path / "o"
    done = certifier("run", str(tagged_repo("minimal")), "--tag", "v9.9.9", "--out", str(out))
    assert done.returncode == 2
    report = json.loads((out / "report.json").read_text())
    assert "v9.9.9" in report["aborted"] and "v1.0.0" in report["aborted"]  # names the tags that exist
    assert report["decision"]["exit_code"] == 2


def test_unreachable_repository_could_not_decide(tmp_path):
    out = tmp_path / "o"
    done = certifier("run", "https://127.0.0.1:9/connector.git", "--tag", "v1.0.0", "--out", str(out))
    assert done.returncode == 3
    assert json.loads((out / "report.json").read_text())["decision"]["verdict"] == "Could not decide"


def test_invalid_profile_names_the_field(tmp_path, tagged_repo):
    profile = tmp_path / "mine.yaml"
    profile.write_text("id: mine\nversion: 1.0.0\nstage: preview\ndescription: x\n"
                       "verdicts: {positive: Accepted, negative: Rejected}\n"
                       "rules: [{id: r, check: 'spec.*', block_at: sometimes}]\n")
    done = certifier("run", str(tagged_repo("minimal")), "--tag", "v1.0.0", "--profile", str(profile),
                     "--out", str(tmp_path / "o"), "--static-only")
    assert done.returncode == 2
    assert "rules[0].block_at" in done.stderr


def test_waiver_file_inside_the_connector_is_refused(connector_copy, tmp_path):
    connector = connector_copy("minimal")
    waivers = connector / "waivers.yaml"
    waivers.write_text("waivers: []\n")
    done = certifier("run", str(connector), "--waivers", str(waivers), "--out", str(tmp_path / "o"), "--static-only")
    assert done.returncode == 2
    assert "never change a decision" in done.stderr


def test_report_verify_detects_tampering(tagged_repo, tmp_path):
    out = tmp_path / "o"
    certifier("run", str(tagged_repo("minimal")), "--tag", "v1.0.0", "--out", str(out), "--static-only")
    assert certifier("report", "verify", str(out / "report.json")).returncode == 0
    text = (out / "report.json").read_text().replace('"Could not decide"', '"Accepted"', 1)
    (out / "report.json").write_text(text)
    done = certifier("report", "verify", str(out / "report.json"))
    assert done.returncode == 1 and "digest" in done.stdout


def test_report_decide_recomputes_the_stored_decision(tagged_repo, tmp_path):
    out = tmp_path / "o"
    certifier("run", str(tagged_repo("spec-unknown-key")), "--tag", "v1.0.0", "--out", str(out), "--static-only")
    done = certifier("report", "decide", str(out / "report.json"), "--profile", "preview", "--format", "json")
    stored = json.loads((out / "report.json").read_text())["decision"]
    again = json.loads(done.stdout)
    assert done.returncode == 1
    assert (again["verdict"], again["trace"]) == (stored["verdict"], stored["trace"])


def test_report_render_rebuilds_html_from_json(tagged_repo, tmp_path):
    out = tmp_path / "o"
    certifier("run", str(tagged_repo("minimal")), "--tag", "v1.0.0", "--out", str(out), "--static-only")
    done = certifier("report", "render", str(out / "report.json"), "--out", str(tmp_path / "again"))
    assert done.returncode == 0 and (tmp_path / "again" / "report.html").stat().st_size > 1000


def test_manifest_command_json(tmp_path):
    good = certifier("manifest", str(CONNECTORS / "minimal"), "--format", "json")
    bad = certifier("manifest", str(CONNECTORS / "spec-unknown-key"), "--format", "json")
    assert good.returncode == 0 and json.loads(good.stdout)["manifest"]["valid"] is True
    summary = json.loads(bad.stdout)
    assert bad.returncode == 1 and summary["manifest"]["valid"] is False
    assert any(f["check"] == "spec.schema" and f["line"] for f in summary["findings"])


def test_checks_lists_every_registered_check_and_docs_are_current():
    done = certifier("checks", "--format", "json")
    ids = [entry["id"] for entry in json.loads(done.stdout)]
    assert "spec.schema" in ids and "struct.lockfile" in ids and len(ids) == len(set(ids))
    markdown = certifier("checks", "--format", "markdown").stdout
    assert (REPO_ROOT / "docs" / "checks.md").read_text() == markdown, "run `make docs`"


@pytest.mark.parametrize("args", [["run"], ["run", "x", "--stage", "nope"], ["report", "decide", "missing.json"]])
def test_usage_errors_exit_two(args):
    assert certifier(*args).returncode == 2
