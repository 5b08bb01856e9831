"""action.yml as GitHub reads it: pinned third-party actions, a non-fatal SARIF upload, a cache keyed by the
scanners' pins, inputs that reach scripts only as data."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
ACTION = YAML(typ="safe").load((ROOT / "action.yml").read_text())
STEPS = {step["name"]: step for step in ACTION["runs"]["steps"]}
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def test_every_third_party_action_is_pinned_by_commit_with_its_version_named():
    text = (ROOT / "action.yml").read_text()
    uses = [step["uses"] for step in ACTION["runs"]["steps"] if "uses" in step]
    assert uses and all(PINNED.match(ref) for ref in uses), uses
    for ref in uses:  # a reader sees which release the commit is
        assert re.search(re.escape(ref) + r"\s+# v\d+\.\d+\.\d+", text), ref


def test_sarif_goes_to_code_scanning_with_upload_sarif_v4_and_never_fails_the_job():
    step = STEPS["Upload SARIF"]
    assert step["uses"].startswith("github/codeql-action/upload-sarif@")
    assert re.search(re.escape(step["uses"]) + r"\s+# v4\.", (ROOT / "action.yml").read_text())
    assert step["continue-on-error"] is True
    assert "inputs.upload-sarif == 'true'" in step["if"]


def test_the_scanners_are_cached_by_the_hash_of_their_pins(tmp_path):
    restore, save = STEPS["Restore the scanners"], STEPS["Save the scanners"]
    assert restore["uses"].startswith("actions/cache/restore@") and save["uses"].startswith("actions/cache/save@")
    assert restore["with"] == save["with"]
    assert "cache-hit != 'true'" in save["if"]
    outputs = tmp_path / "outputs"
    env = {"ACTION_PATH": str(ROOT), "RUNNER_TEMP": str(tmp_path), "GITHUB_OUTPUT": str(outputs),
           "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "RUNNER_OS": "Linux", "RUNNER_ARCH": "X64"}
    subprocess.run(["bash", str(ROOT / "scripts/action/prepare.sh")], env=env, check=True)
    values = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    pins = subprocess.run(["sha256sum", str(ROOT / "tools-requirements.txt")], capture_output=True, text=True,
                          check=True).stdout[:16]
    assert values["cache-key"].startswith("certifier-tools-Linux-X64-py3.") and values["cache-key"].endswith(pins)
    assert values["tools-dir"] == str(tmp_path / "certifier-tools")


def test_the_reports_are_uploaded_even_when_the_decision_fails_the_job():
    step = STEPS["Upload the reports"]
    assert step["uses"].startswith("actions/upload-artifact@") and "always()" in step["if"]
    assert step["with"]["path"] == "${{ steps.certify.outputs.report-dir }}"
    assert "steps.artifact.outputs.artifact-url" in STEPS["Fail on a negative decision"]["env"]["ARTIFACT_URL"]


def test_inputs_reach_scripts_only_through_the_environment():
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step["name"]
    names = {value for step in ACTION["runs"]["steps"] for value in (step.get("env") or {}).values()}
    assert "${{ inputs.baseline }}" in names and "${{ inputs.mode }}" in names


def test_the_last_tags_report_is_looked_for_only_when_asked_and_never_fails_the_job():
    step = STEPS["Find the last tag's report"]
    assert step["if"] == "${{ inputs.baseline == 'last-tag' }}" and step["continue-on-error"] is True
    assert step["env"]["GH_TOKEN"] == "${{ github.token }}"
    assert STEPS["Certify"]["env"]["BASELINE_FOUND"] == "${{ steps.baseline.outputs.path }}"


def test_connector_code_is_contained_before_certifier_runs_and_the_level_is_an_output():
    names = [step["name"] for step in ACTION["runs"]["steps"]]
    assert names.index("Install certifier") < names.index("Contain connector code") < names.index("Certify")
    step = STEPS["Contain connector code"]
    assert "if" not in step and "continue-on-error" not in step  # `required` must be able to stop the job
    assert step["env"]["INPUT_SANDBOX"] == "${{ inputs.sandbox }}" == STEPS["Certify"]["env"]["INPUT_SANDBOX"]
    assert step["env"]["STATIC_ONLY"] == "${{ inputs.static-only }}"
    assert step["env"]["CERTIFIER_PYTHON"] == "${{ steps.install.outputs.python }}"
    assert ACTION["inputs"]["sandbox"]["default"] == "auto"
    assert ACTION["outputs"]["isolation"]["value"] == "${{ steps.sandbox.outputs.isolation }}"


def test_sarif_help_links_come_from_the_actions_own_repository_through_the_environment():
    env = STEPS["Certify"]["env"]
    assert (env["CATALOGUE_SERVER"], env["CATALOGUE_REPOSITORY"], env["CATALOGUE_REF"]) == (
        "${{ github.server_url }}", "${{ github.action_repository }}", "${{ github.action_ref }}")
