"""scripts/action/certify.py: which certifier command each event gives, and SARIF locations relative to the
repository root when the connector sits in a subfolder."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from support import CONNECTORS, git, make_tagged_repo

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "action" / "certify.py"
_spec = importlib.util.spec_from_file_location("action_certify", SCRIPT)
certify = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(certify)


def fake_certifier(tmp_path: Path, knows_baseline: bool) -> str:
    """A `certifier` whose `run --help` lists --baseline or not (the option comes with newer versions)."""
    program = tmp_path / "certifier"
    option = "  --baseline FILE  an earlier report.json" if knows_baseline else "  --out DIRECTORY"
    program.write_text(f"#!/bin/sh\necho 'Usage: certifier run [OPTIONS] SOURCE'\necho '{option}'\n")
    program.chmod(0o755)
    return str(program)


@pytest.fixture
def repo(tmp_path):
    return make_tagged_repo(CONNECTORS / "minimal", tmp_path / "workspace", "v1.0.0")


def argv(env: dict[str, str], workspace: Path, path: str = ".") -> list[str]:
    source = certify.connector_dir(workspace, path)
    return certify.certifier_argv(env, workspace, source, workspace.parent / "out")


def test_a_tag_push_clones_the_tag(repo):
    command = argv({"GITHUB_EVENT_NAME": "push", "GITHUB_REF_TYPE": "tag", "GITHUB_REF_NAME": "v1.0.0",
                    "INPUT_STAGE": "publish"}, repo)
    assert command[1:3] == ["run", str(repo)] and command[-2:] == ["--tag", "v1.0.0"]
    assert command[command.index("--stage") + 1] == "publish"


def test_a_pull_request_certifies_the_working_tree_against_a_baseline(repo, tmp_path, capsys):
    baseline = repo / "baseline.json"
    baseline.write_text("{}")
    env = {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_REF_TYPE": "branch", "INPUT_BASELINE": "baseline.json",
           "CERTIFIER": fake_certifier(tmp_path, knows_baseline=True)}
    command = argv(env, repo)
    assert "--tag" not in command and command[-2:] == ["--baseline", str(baseline)]
    env["CERTIFIER"] = fake_certifier(tmp_path, knows_baseline=False)
    assert "--baseline" not in argv(env, repo)
    assert "cannot compare with a baseline" in capsys.readouterr().out
    env["INPUT_BASELINE"] = "gone.json"
    assert "--baseline" not in argv(env, repo)
    assert "no baseline report at gone.json" in capsys.readouterr().out


def test_an_explicit_tag_wins_over_the_pull_request_event(repo):
    env = {"GITHUB_EVENT_NAME": "pull_request", "INPUT_TAG": "v1.0.0"}
    assert argv(env, repo)[-2:] == ["--tag", "v1.0.0"]


def test_a_connector_in_a_subfolder_is_certified_at_the_checked_out_tag(tmp_path):
    workspace = tmp_path / "monorepo"
    shutil.copytree(CONNECTORS / "minimal", workspace / "connectors" / "shop")
    git(workspace, "init", "-q", "-b", "main")
    git(workspace, "add", "-A")
    git(workspace, "commit", "-q", "-m", "monorepo")
    git(workspace, "tag", "v2.0.0")
    env = {"GITHUB_REF_TYPE": "tag", "GITHUB_REF_NAME": "v2.0.0"}
    assert "--tag" not in argv(env, workspace, "connectors/shop")
    git(workspace, "commit", "-q", "--allow-empty", "-m", "after the tag")
    with pytest.raises(certify.ActionError, match="is not the tag 'v2.0.0'"):
        argv(env, workspace, "connectors/shop")
    with pytest.raises(certify.ActionError, match="'v9' is not in the checkout"):
        argv({**env, "GITHUB_REF_NAME": "v9"}, workspace, "connectors/shop")


@pytest.mark.parametrize("path, message", [("../elsewhere", "outside the workspace"), ("connectors", "no connect.yaml")])
def test_a_wrong_path_is_named(tmp_path, path, message):
    shutil.copytree(CONNECTORS / "minimal", tmp_path / "connectors" / "shop")
    with pytest.raises(certify.ActionError, match=message):
        certify.connector_dir(tmp_path, path)


def test_an_unknown_stage_or_mode_is_refused(repo):
    with pytest.raises(certify.ActionError, match="stage 'prod'"):
        argv({"INPUT_STAGE": "prod", "INPUT_TAG": "v1.0.0"}, repo)
    with pytest.raises(certify.ActionError, match="mode 'nightly'"):
        argv({"INPUT_MODE": "nightly"}, repo)


def sarif_document() -> dict:
    location = {"physicalLocation": {"artifactLocation": {"uri": "service/src/index.js", "uriBaseId": "SRCROOT"}}}
    return {"version": "2.1.0", "runs": [{
        "originalUriBaseIds": {"SRCROOT": {"description": {"text": "root"}}},
        "artifacts": [{"location": {"uri": "connect.yaml", "uriBaseId": "SRCROOT"}}],
        "results": [{"ruleId": "r", "locations": [location],
                     "relatedLocations": [{"physicalLocation": {"artifactLocation": {"uri": "./a/../b.js"}}}]},
                    {"ruleId": "s", "locations": [{"physicalLocation": {"artifactLocation": {
                        "uri": "file:///home/runner/work/x/y.js"}}}]}]}]}


def test_sarif_locations_become_relative_to_the_repository_root(tmp_path, monkeypatch):
    out = tmp_path / "report"
    out.mkdir()
    (out / "report.sarif").write_text(json.dumps(sarif_document()))
    monkeypatch.setenv("RUNNER_TEMP", str(tmp_path))
    assert certify.code_scanning_sarif(out, ".") == out / "report.sarif"
    uploaded = certify.code_scanning_sarif(out, "connectors/shop")
    assert uploaded == tmp_path / certify.CODE_SCANNING_SARIF
    run = json.loads(uploaded.read_text())["runs"][0]
    first, second = run["results"]
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "connectors/shop/service/src/index.js"
    assert first["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "connectors/shop/b.js"
    assert second["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "file:///home/runner/work/x/y.js"
    assert run["artifacts"][0]["location"]["uri"] == "connectors/shop/connect.yaml"
    assert json.loads((out / "report.sarif").read_text()) == sarif_document()  # sealed in report.json: untouched


def test_a_tag_is_compared_with_the_report_the_baseline_step_found(repo, tmp_path):
    found = tmp_path / "certifier-baseline" / "report.json"
    found.parent.mkdir()
    found.write_text("{}")
    env = {"GITHUB_REF_TYPE": "tag", "GITHUB_REF_NAME": "v1.0.0", "INPUT_BASELINE": "last-tag",
           "BASELINE_FOUND": str(found), "CERTIFIER": fake_certifier(tmp_path, knows_baseline=True)}
    command = argv(env, repo)
    assert command[-4:] == ["--tag", "v1.0.0", "--baseline", str(found)]
    env["BASELINE_FOUND"] = ""  # baseline.sh found none and said why
    assert "--baseline" not in argv(env, repo)


def recording_certifier(tmp_path: Path) -> str:
    """A `certifier run` that writes a report.json whose provenance has the isolation FAKE_ISOLATION (JSON) and
    records the catalogue address it was given."""
    program = tmp_path / "certifier-recording"
    program.write_text(f"""#!/bin/sh
while [ $# -gt 0 ]; do [ "$1" = --out ] && out=$2; shift; done
echo "${{CERTIFIER_CATALOGUE_URL:-unset}}" > {tmp_path / 'catalogue'}
mkdir -p "$out"
printf '{{"decision": {{"verdict": "Accepted", "kind": "positive"}}, "provenance": {{"isolation": %s}}}}' \
  "$FAKE_ISOLATION" > "$out/report.json"
""")
    program.chmod(0o755)
    return str(program)


NAMESPACES = {"level": "namespaces", "tool": "bubblewrap 0.9.0", "limits": "rlimits", "disk_quota": "none",
              "preview_network": "host"}


@pytest.fixture
def action_env(repo, tmp_path, monkeypatch):
    for name in ("CERTIFIER_CATALOGUE_URL", "CATALOGUE_SERVER", "CATALOGUE_REPOSITORY", "CATALOGUE_REF"):
        monkeypatch.delenv(name, raising=False)
    values = {"GITHUB_WORKSPACE": str(repo), "GITHUB_EVENT_NAME": "pull_request", "RUNNER_TEMP": str(tmp_path),
              "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"), "GITHUB_OUTPUT": str(tmp_path / "outputs"),
              "CERTIFIER": recording_certifier(tmp_path), "INPUT_OUTPUT_DIR": str(tmp_path / "out")}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


@pytest.mark.parametrize("sandbox, isolation, code", [
    ("required", NAMESPACES, 0), ("required", {**NAMESPACES, "level": "uid-only", "tool": "none"}, 1),
    ("auto", {**NAMESPACES, "level": "process-only", "tool": "none"}, 0), ("required", None, 0)])
def test_the_job_summary_says_how_connector_code_was_contained(action_env, tmp_path, capsys, sandbox, isolation, code):
    action_env.setenv("INPUT_SANDBOX", sandbox)
    action_env.setenv("FAKE_ISOLATION", json.dumps(isolation))
    assert certify.main() == code
    summary = (tmp_path / "summary.md").read_text()
    if isolation is None:  # static stages only: nothing to contain
        assert "**Connector code:** none ran" in summary
    elif isolation["level"] == "namespaces":
        assert "isolation:** `namespaces` (bubblewrap 0.9.0; limits rlimits; preview network host)" in summary
    else:
        assert f"`{isolation['level']}`" in summary and "**no namespaces**" in summary
    if code:
        assert "::error title=certifier::connector code ran without namespace isolation (level uid-only)" in \
            capsys.readouterr().out
    assert "decision<<" in (tmp_path / "outputs").read_text()  # the reports are published either way


def test_sarif_rules_link_to_the_catalogue_of_the_actions_own_repository_and_ref(action_env, tmp_path):
    action_env.setenv("FAKE_ISOLATION", "null")
    action_env.setenv("CATALOGUE_SERVER", "https://github.com")
    action_env.setenv("CATALOGUE_REPOSITORY", "acme/certifier")
    action_env.setenv("CATALOGUE_REF", "v1.2.0")
    assert certify.main() == 0
    assert (tmp_path / "catalogue").read_text().strip() == "https://github.com/acme/certifier/blob/v1.2.0/docs/checks.md"
    action_env.setenv("CERTIFIER_CATALOGUE_URL", "https://docs.example/checks.md")  # the workflow's own wins
    assert certify.main() == 0
    assert (tmp_path / "catalogue").read_text().strip() == "https://docs.example/checks.md"


@pytest.mark.parametrize("server, repository, ref", [
    ("https://github.com", "", "v1"),  # composite actions may not know their repository: certifier's default
    ("https://github.com", "acme/certifier", ""), ("https://github.com", "acme/x; rm -rf /", "v1"),
    ("javascript:", "acme/certifier", "v1")])
def test_no_catalogue_address_is_made_up_from_missing_or_odd_values(server, repository, ref):
    env = {"CATALOGUE_SERVER": server, "CATALOGUE_REPOSITORY": repository, "CATALOGUE_REF": ref}
    assert certify.catalogue_url(env) == ""
    assert "CERTIFIER_CATALOGUE_URL" not in certify.certifier_env(env)
