"""scripts/action/baseline.sh (`baseline: last-tag`): which tag's run it asks the GitHub CLI for, and that it
never fails the job. `gh` is a stand-in that records its arguments and answers like the real one."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from support import CONNECTORS, git, make_tagged_repo

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "action" / "baseline.sh"
FAKE_GH = """#!/bin/sh
echo "$*" >> "$GH_LOG"
case "$1 $2" in
  "run list") [ -n "$FAKE_GH_FAIL" ] && { echo "HTTP 403: Resource not accessible by integration" >&2; exit 1; }
              echo "$FAKE_RUN_ID" ;;
  "run download") while [ $# -gt 0 ]; do [ "$1" = --dir ] && dir=$2; shift; done
                  mkdir -p "$dir" && cp "$FAKE_REPORT" "$dir/report.json" ;;
esac
"""


@pytest.fixture
def job(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(FAKE_GH)
    (bin_dir / "gh").chmod(0o755)
    report = tmp_path / "old-report.json"
    report.write_text('{"run_id": "old"}')
    workspace = make_tagged_repo(CONNECTORS / "minimal", tmp_path / "workspace", "v1.0.0")

    def run(**env: str) -> tuple[subprocess.CompletedProcess, dict[str, str], list[str]]:
        outputs, log = tmp_path / "outputs", tmp_path / "gh.log"
        outputs.write_text("")
        log.write_text("")
        full = {"PATH": f"{bin_dir}:/usr/bin:/bin", "GITHUB_OUTPUT": str(outputs), "RUNNER_TEMP": str(tmp_path),
                "GITHUB_WORKSPACE": str(workspace), "GITHUB_REPOSITORY": "acme/shop", "GH_LOG": str(log),
                "GITHUB_WORKFLOW_REF": "acme/shop/.github/workflows/certify.yml@refs/pull/7/merge",
                "FAKE_RUN_ID": "4242", "FAKE_REPORT": str(report), "GITHUB_REF_TYPE": "branch", **env}
        done = subprocess.run(["bash", str(SCRIPT)], env=full, capture_output=True, text=True, timeout=60)
        values = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
        return done, values, log.read_text().splitlines()

    return workspace, run


def test_a_pull_request_gets_the_report_of_the_newest_tag_below_its_head(job, tmp_path):
    workspace, run = job
    git(workspace, "commit", "-q", "--allow-empty", "-m", "pull request change")
    done, outputs, calls = run()
    assert done.returncode == 0, done.stderr
    assert calls[0].startswith("run list --repo acme/shop --workflow certify.yml --branch v1.0.0 --event push")
    assert calls[1].startswith("run download 4242 --repo acme/shop --name certifier-report")
    assert Path(outputs["path"]).read_text() == '{"run_id": "old"}'
    assert "comparing with the report of v1.0.0 (run 4242)" in done.stdout


def test_a_tag_push_is_compared_with_the_tag_before_it(job):
    workspace, run = job
    git(workspace, "commit", "-q", "--allow-empty", "-m", "next release")
    git(workspace, "tag", "-a", "v1.1.0", "-m", "release v1.1.0")
    done, outputs, calls = run(GITHUB_REF_TYPE="tag")
    assert done.returncode == 0 and "--branch v1.0.0" in calls[0] and "path" in outputs


@pytest.mark.parametrize("env, reason", [
    ({"GITHUB_REF_TYPE": "tag"}, "no earlier tag in the checkout"),  # v1.0.0 is the first tag
    ({"FAKE_RUN_ID": ""}, "no run of certify.yml for tag v1.0.0"),
    ({"FAKE_GH_FAIL": "1"}, "cannot list the runs of v1.0.0: HTTP 403"),
])
def test_without_a_baseline_the_job_goes_on(job, env, reason):
    done, outputs, _ = job[1](**env)
    assert done.returncode == 0 and "path" not in outputs
    assert f"::notice title=certifier::no baseline: {reason}" in done.stdout
