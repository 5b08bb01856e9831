"""The GitHub Action on a fresh runner: nothing of certifier is installed, no scanner is on PATH. The Python
that actions/setup-python would provide is a clean venv; the action's checkout is a copy of this repository.
The runner executes every `run:` step; `uses:` steps are simulated (a cache that misses, then hits; an artifact
upload that answers with a URL).

The first run installs certifier and the pinned scanners from the package registry (about a minute); the other
tests of this module reuse that installation as a cache hit would, on each pytest worker."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest
from ruamel.yaml import YAML

from certifier.report.canonical import verify
from support import CONNECTORS, EXAMPLES, git, make_tagged_repo

# one machine per pytest worker: with `--dist loadgroup` these tests share the one installation
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("action-fresh-runner")]

ROOT = Path(__file__).resolve().parents[2]
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
# a step that the runner does not execute: its `with:` inputs -> its outputs
UsesHandler = Callable[[dict[str, str]], dict[str, str]]


def load_action(action_path: Path) -> dict:
    return YAML(typ="safe").load((action_path / "action.yml").read_text())


class Runner:
    """Just enough of the Actions runner for a composite action."""

    def __init__(self, action_path: Path, env: dict[str, str], inputs: dict[str, str], tmp: Path,
                 uses: dict[str, UsesHandler] | None = None) -> None:
        self.action_path, self.action = action_path, load_action(action_path)
        defaults = {name: str(spec.get("default", "")) for name, spec in self.action["inputs"].items()}
        unknown = set(inputs) - set(defaults)
        assert not unknown, f"action.yml has no inputs {unknown}"
        self.inputs = {**defaults, **inputs}
        self.env, self.tmp, self.uses = env, tmp, uses or {}
        self.steps: dict[str, dict] = {}
        self.log: list[tuple[str, str, str]] = []  # (step name, result, output)

    def value(self, expression: str) -> str:
        names = {"github.action_path": str(self.action_path), "github.workspace": self.env["GITHUB_WORKSPACE"],
                 "github.token": "ghs_token-of-the-job", "github.server_url": self.env.get("GITHUB_SERVER_URL", ""),
                 # composite actions may see these empty (actions/runner#2473); the tests give both cases
                 "github.action_repository": self.env.get("GITHUB_ACTION_REPOSITORY", ""),
                 "github.action_ref": self.env.get("GITHUB_ACTION_REF", "")}
        if expression in names:
            return names[expression]
        if expression.startswith("inputs."):
            return self.inputs[expression[len("inputs."):]]
        match = re.fullmatch(r"steps\.([\w-]+)\.(outputs\.([\w-]+)|outcome)", expression)
        assert match, f"the test runner does not know the expression {expression!r}"
        step = self.steps.get(match.group(1), {"outputs": {}, "outcome": ""})
        return step["outputs"].get(match.group(3), "") if match.group(3) else step["outcome"]

    def render(self, text: str) -> str:
        return EXPRESSION.sub(lambda m: self.value(m.group(1)), str(text))

    def condition(self, step: dict, failed: bool) -> bool:
        text = EXPRESSION.sub(lambda m: m.group(1), str(step.get("if", "success()")))
        text = re.sub(r"(inputs|steps)\.[\w.-]+", lambda m: repr(self.value(m.group(0))), text)
        text = text.replace("&&", " and ").replace("||", " or ").replace("always()", "True")
        text = text.replace("success()", repr(not failed)).replace("failure()", repr(failed))
        if "success()" not in str(step.get("if", "")) and "always()" not in str(step.get("if", "")):
            text = f"({text}) and {not failed!r}"  # GitHub adds success() to a condition without a status check
        return bool(eval(text, {"__builtins__": {}}, {}))  # noqa: S307 (our own action.yml, test only)

    def run(self) -> bool:
        failed = False
        for index, step in enumerate(self.action["runs"]["steps"]):
            name = step.get("name", f"step {index}")
            if not self.condition(step, failed):
                self.log.append((name, "skipped", ""))
                continue
            ok = self._uses(step, name) if "uses" in step else self._shell(step, name, index)
            failed = failed or not (ok or step.get("continue-on-error") is True)
        return not failed

    def _uses(self, step: dict, name: str) -> bool:
        with_ = {k: self.render(v) for k, v in (step.get("with") or {}).items()}
        action = step["uses"].split("@", 1)[0]
        handler = self.uses.get(action)
        outputs = handler(with_) if handler else {}
        if "id" in step:
            self.steps[step["id"]] = {"outputs": outputs, "outcome": "success"}
        self.log.append((name, "uses " + step["uses"], repr(with_)))
        return True

    def _shell(self, step: dict, name: str, index: int) -> bool:
        assert step["shell"] == "bash"
        output_file = self.tmp / f"output-{index}"
        output_file.write_text("")
        env = {**self.env, **{k: self.render(v) for k, v in (step.get("env") or {}).items()},
               "GITHUB_OUTPUT": str(output_file)}
        assert "${{" not in step["run"], "inputs must reach scripts through env, not be interpolated into code"
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                              env=env, cwd=env["GITHUB_WORKSPACE"], capture_output=True, text=True, timeout=900)
        outcome = "success" if done.returncode == 0 else "failure"
        if "id" in step:
            self.steps[step["id"]] = {"outputs": parse_outputs(output_file.read_text()), "outcome": outcome}
        self.log.append((name, outcome, done.stdout + done.stderr))
        return done.returncode == 0

    def outputs(self) -> dict[str, str]:
        return {name: self.render(spec["value"]) for name, spec in self.action["outputs"].items()}

    def transcript(self) -> str:
        return "\n".join(f"--- {step}: {result}\n{output[-3000:]}" for step, result, output in self.log)

    def result(self, name: str) -> tuple[str, str]:
        return next((result, output) for step, result, output in self.log if step == name)


def parse_outputs(text: str) -> dict[str, str]:
    outputs, lines = {}, iter(text.splitlines())
    for line in lines:
        if "<<" in line:
            key, delimiter = line.split("<<", 1)
            value = []
            for item in lines:
                if item == delimiter:
                    break
                value.append(item)
            outputs[key] = "\n".join(value)
        elif "=" in line:
            key, value = line.split("=", 1)
            outputs[key] = value
    return outputs


def copy_action(dest: Path) -> Path:
    """The action's repository as `uses: OWNER/certifier@REF` checks it out: the files git tracks (and new,
    not ignored ones), without tests, benchmarks or local venvs."""
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if name.startswith(("tests/", "benchmarks/", "examples/", "docs/")) or not source.is_file():
            continue
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest / name)
    return dest


STATIC_PROFILE = Path(__file__).resolve().parent / "profiles" / "preview-static.yaml"
ARTIFACT_URL = "https://github.com/acme/connector/actions/runs/1/artifacts/2"
CLEAN_PATH = "/usr/local/bin:/usr/bin:/bin"  # git, node, npm of the image; no certifier, no scanner


class Machine:
    """One runner image: the setup-python interpreter, RUNNER_TEMP and HOME shared by the jobs it runs."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.action = copy_action(root / "action")
        self.python = root / "setup-python"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(self.python)], check=True)
        self.runner_temp = root / "runner-temp"
        self.runner_temp.mkdir()
        self.cached: set[str] = set()  # cache keys saved by "Save the scanners"

    def job(self, tmp: Path, workspace: Path, event: dict[str, str], **inputs: str) -> Runner:
        env = {
            "PATH": f"{self.python / 'bin'}{os.pathsep}{CLEAN_PATH}", "HOME": str(self.root / "home"),
            "LANG": "C.UTF-8", "GITHUB_ACTIONS": "true", "CI": "true", "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_STEP_SUMMARY": str(tmp / "step-summary.md"), "RUNNER_TEMP": str(self.runner_temp),
            "RUNNER_OS": "Linux", "RUNNER_ARCH": "X64", "CERTIFIER_CACHE_DIR": str(self.root / "cache"),
            "RUNNER_ENVIRONMENT": "github-hosted", "GITHUB_SERVER_URL": "https://github.com",
            **event,
        }
        return Runner(self.action, env, inputs, tmp, uses={
            "actions/cache/restore": lambda with_: {"cache-hit": "true" if with_["key"] in self.cached else ""},
            "actions/cache/save": lambda with_: self.cached.add(with_["key"]) or {},
            "actions/upload-artifact": lambda with_: {"artifact-url": ARTIFACT_URL} if Path(with_["path"]).is_dir()
            else {},
        })


TAG_PUSH = {"GITHUB_EVENT_NAME": "push", "GITHUB_REF_NAME": "v1.0.0", "GITHUB_REF_TYPE": "tag",
            "GITHUB_REF": "refs/tags/v1.0.0"}
PULL_REQUEST = {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_REF_NAME": "7/merge", "GITHUB_REF_TYPE": "branch",
                "GITHUB_REF": "refs/pull/7/merge"}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """The first job on a fresh machine: certifies the example connector's tag; everything is installed."""
    machine = Machine(tmp_path_factory.mktemp("machine"))
    tmp = tmp_path_factory.mktemp("fresh-job")
    workspace = make_tagged_repo(EXAMPLES / "goods-store", tmp / "workspace", "v1.0.0")
    runner = machine.job(tmp, workspace, TAG_PUSH, **{"static-only": "true", "profile": str(STATIC_PROFILE)})
    passed = runner.run()
    return machine, runner, passed


def test_a_fresh_runner_installs_everything_and_certifies_the_tag(fresh):
    machine, runner, passed = fresh
    assert shutil.which("semgrep", path=runner.env["PATH"]) is None  # nothing was preinstalled
    assert passed, runner.transcript()
    install = runner.result("Install certifier")[1]
    assert "installing semgrep==1.182.0" in install and "ok" in install and "MISSING" not in install
    assert runner.result("Save the scanners")[0].startswith("uses actions/cache/save@")
    outputs = runner.outputs()
    assert (outputs["decision"], outputs["decision-kind"], outputs["exit-code"]) == ("Accepted", "positive", "0")
    report = Path(outputs["report-path"])
    assert report.parent == machine.runner_temp / "certifier-report"
    assert verify(report.read_bytes()).ok
    tools = json.loads(report.read_text())["tools"]
    assert tools["semgrep"] == "1.182.0" and tools["detect-secrets"] == "1.5.0"
    assert (machine.runner_temp / "certifier-tools" / "bin" / "semgrep").is_file()
    summary = Path(runner.env["GITHUB_STEP_SUMMARY"]).read_text()
    assert "Accepted" in summary and f"]({ARTIFACT_URL})" in summary
    assert outputs["artifact-url"] == ARTIFACT_URL
    sarif = json.loads(Path(outputs["sarif-path"]).read_text())
    assert sarif["version"] == "2.1.0"
    help_uris = [rule["helpUri"] for run in sarif["runs"] for rule in run["tool"]["driver"]["rules"]]
    assert not [uri for uri in help_uris if "OWNER" in uri or not uri.startswith("https://")], help_uris
    assert runner.result("Contain connector code")[0] == "success" and outputs["isolation"] == "not-needed"
    assert "**Connector code:** none ran" in summary
    upload = runner.result("Upload SARIF")
    assert upload[0].startswith("uses github/codeql-action/upload-sarif@") and outputs["sarif-path"] in upload[1]
    assert runner.result("Fail on a negative decision")[0] == "success"


def test_the_next_job_reuses_the_cached_scanners(fresh, tmp_path):
    machine = fresh[0]
    workspace = make_tagged_repo(EXAMPLES / "goods-store", tmp_path / "workspace", "v1.0.0")
    runner = machine.job(tmp_path, workspace, TAG_PUSH, **{"static-only": "true", "profile": str(STATIC_PROFILE),
                                                           "output-dir": str(tmp_path / "out")})
    assert runner.run(), runner.transcript()
    install = runner.result("Install certifier")[1]
    assert "installed already" in install and "up to date" in install and "installing" not in install
    assert runner.result("Save the scanners")[0] == "skipped"  # a cache hit is not saved again
    assert runner.outputs()["decision"] == "Accepted"


def test_a_pull_request_certifies_the_head_of_a_subfolder_with_repository_paths(fresh, tmp_path):
    machine = fresh[0]
    workspace = tmp_path / "workspace"
    shutil.copytree(CONNECTORS / "sec-hardcoded-secret", workspace / "connectors" / "shop")
    git(workspace, "init", "-q", "-b", "main")
    git(workspace, "add", "-A")
    git(workspace, "commit", "-q", "-m", "pull request head")
    runner = machine.job(tmp_path, workspace, PULL_REQUEST, **{
        "static-only": "true", "profile": str(STATIC_PROFILE), "path": "connectors/shop",
        "output-dir": str(tmp_path / "out"), "baseline": "no-such/report.json"})
    assert not runner.run()
    certify = runner.result("Certify")[1]
    assert "--tag" not in certify and "no baseline report at no-such/report.json" in certify
    outputs = runner.outputs()
    assert outputs["decision"] == "Rejected" and outputs["exit-code"] == "1"
    report = json.loads(Path(outputs["report-path"]).read_text())
    assert report["provenance"]["tag"] is None  # a working tree, not a tag
    sarif = json.loads(Path(outputs["sarif-path"]).read_text())
    uris = [location["physicalLocation"]["artifactLocation"]["uri"]
            for run in sarif["runs"] for result in run["results"] for location in result.get("locations", [])]
    assert uris and all(uri.startswith("connectors/shop/") for uri in uris)
    assert all((workspace / uri.split("#")[0]).exists() for uri in uris)
    result, output = runner.result("Fail on a negative decision")
    assert result == "failure" and "Rejected" in output and ARTIFACT_URL in output


def test_a_branch_push_without_a_tag_is_refused(fresh, tmp_path):
    workspace = make_tagged_repo(CONNECTORS / "minimal", tmp_path / "workspace", "v1.0.0")
    runner = fresh[0].job(tmp_path, workspace, {**TAG_PUSH, "GITHUB_REF_TYPE": "branch", "GITHUB_REF_NAME": "main"},
                          **{"output-dir": str(tmp_path / "out")})
    assert not runner.run()
    result, output = runner.result("Certify")
    assert result == "failure" and "no tag to certify" in output
    assert runner.result("Fail on a negative decision")[0] == "skipped"
    assert runner.result("Upload the reports")[0] == "skipped"


def test_hostile_inputs_are_data_not_code(fresh, tmp_path):
    marker = tmp_path / "pwned"
    workspace = make_tagged_repo(CONNECTORS / "minimal", tmp_path / "workspace", "v1.0.0")
    runner = fresh[0].job(tmp_path, workspace, TAG_PUSH, tag=f"$(touch {marker})",
                          stage="preview; touch " + str(marker), **{"output-dir": str(tmp_path / "out")})
    assert not runner.run()
    assert not marker.exists()


def test_no_decision_fails_the_job(fresh, tmp_path):
    workspace = make_tagged_repo(CONNECTORS / "minimal", tmp_path / "workspace", "v1.0.0")
    # static-only against the built-in preview profile: the build and preview stages it requires did not run
    runner = fresh[0].job(tmp_path, workspace, TAG_PUSH, **{"static-only": "true", "output-dir": str(tmp_path / "out")})
    assert not runner.run()
    assert runner.outputs()["decision-kind"] == "undecided" and runner.outputs()["exit-code"] == "3"
    result, output = runner.result("Fail on a negative decision")
    assert result == "failure" and "Could not decide" in output
    assert runner.result("Upload the reports")[0].startswith("uses actions/upload-artifact@")


def test_a_pull_request_is_compared_with_the_last_tags_report(fresh, tmp_path):
    machine, first, _ = fresh
    # the GitHub CLI of the runner, answering with the report artifact of the run on tag v1.0.0
    gh = tmp_path / "bin" / "gh"
    gh.parent.mkdir()
    gh.write_text(f"""#!/bin/sh
echo "$*" >> {tmp_path / 'gh.log'}
case "$1 $2" in
  "run list") echo 4242 ;;
  "run download") while [ $# -gt 0 ]; do [ "$1" = --dir ] && dir=$2; shift; done
                  mkdir -p "$dir" && cp {first.outputs()['report-path']} "$dir/report.json" ;;
esac
""")
    gh.chmod(0o755)
    workspace = make_tagged_repo(EXAMPLES / "goods-store", tmp_path / "workspace", "v1.0.0")
    git(workspace, "commit", "-q", "--allow-empty", "-m", "pull request change")
    runner = machine.job(tmp_path, workspace, {**PULL_REQUEST, "GITHUB_REPOSITORY": "acme/goods-store",
                                               "GITHUB_WORKFLOW_REF": "acme/goods-store/.github/workflows/certify.yml@x"},
                         **{"static-only": "true", "profile": str(STATIC_PROFILE), "output-dir": str(tmp_path / "out"),
                            "baseline": "last-tag"})
    runner.env["PATH"] = f"{gh.parent}{os.pathsep}{runner.env['PATH']}"
    assert runner.run(), runner.transcript()
    assert "--branch v1.0.0" in (tmp_path / "gh.log").read_text()
    found = machine.runner_temp / "certifier-baseline" / "report.json"
    assert runner.result("Find the last tag's report")[0] == "success" and found.is_file()
    certify = runner.result("Certify")[1]
    report = json.loads(Path(runner.outputs()["report-path"]).read_text())
    assert report["provenance"]["tag"] is None
    help_text = subprocess.run([str(machine.runner_temp / "certifier-venv" / "bin" / "certifier"), "run", "--help"],
                               capture_output=True, text=True).stdout
    if "--baseline" in help_text:  # the comparison ships with certifier's --baseline
        assert f"--baseline {found}" in certify and report["delta"] is not None
    else:
        assert "cannot compare with a baseline" in certify and "--baseline" not in certify.splitlines()[0]


def test_connector_code_runs_in_namespaces_when_required(fresh, tmp_path):
    workspace = make_tagged_repo(CONNECTORS / "preview-good", tmp_path / "workspace", "v1.0.0")
    runner = fresh[0].job(tmp_path, workspace, {**TAG_PUSH, "GITHUB_ACTION_REPOSITORY": "acme/certifier",
                                                "GITHUB_ACTION_REF": "v1.2.0"},
                          **{"sandbox": "required", "output-dir": str(tmp_path / "out")})
    runner.run()
    assert runner.result("Certify")[0] == "success", runner.transcript()
    assert runner.outputs()["isolation"] == "namespaces"  # bubblewrap is on this image; nothing was installed
    report = json.loads(Path(runner.outputs()["report-path"]).read_text())
    assert report["provenance"]["isolation"]["level"] == "namespaces"
    assert "isolation:** `namespaces` (bubblewrap" in Path(runner.env["GITHUB_STEP_SUMMARY"]).read_text()


def test_sarif_links_to_the_catalogue_of_the_actions_own_repository_and_ref(fresh, tmp_path):
    workspace = make_tagged_repo(CONNECTORS / "sec-hardcoded-secret", tmp_path / "workspace", "v1.0.0")
    runner = fresh[0].job(tmp_path, workspace, {**TAG_PUSH, "GITHUB_ACTION_REPOSITORY": "acme/certifier",
                                                "GITHUB_ACTION_REF": "v1.2.0"},
                          **{"static-only": "true", "profile": str(STATIC_PROFILE), "output-dir": str(tmp_path / "out")})
    runner.run()
    sarif = json.loads((tmp_path / "out" / "report.sarif").read_text())
    uris = [rule["helpUri"] for run in sarif["runs"] for rule in run["tool"]["driver"]["rules"]]
    catalogue = "https://github.com/acme/certifier/blob/v1.2.0/docs/checks.md#"
    assert uris and any(uri.startswith(catalogue) for uri in uris), uris


def test_required_stops_the_job_before_any_connector_code_runs_without_namespaces(fresh, tmp_path):
    marker = tmp_path / "out"
    workspace = make_tagged_repo(CONNECTORS / "preview-good", tmp_path / "workspace", "v1.0.0")
    runner = fresh[0].job(tmp_path, workspace, TAG_PUSH, **{"sandbox": "required", "output-dir": str(marker)})
    runner.env["CERTIFIER_SANDBOX_NAMESPACES"] = "0"  # a runner where bubblewrap cannot make namespaces
    assert not runner.run()
    result, output = runner.result("Contain connector code")
    assert result == "failure" and "WITHOUT namespace isolation" in output
    assert runner.result("Certify")[0] == "skipped" and not marker.exists()
    assert "[!CAUTION]" in Path(runner.env["GITHUB_STEP_SUMMARY"]).read_text()
    runner = fresh[0].job(tmp_path, workspace, TAG_PUSH, **{"sandbox": "auto", "output-dir": str(marker),
                                                            "static-only": "true", "profile": str(STATIC_PROFILE)})
    runner.env["CERTIFIER_SANDBOX_NAMESPACES"] = "0"
    assert runner.run(), runner.transcript()  # static-only: nothing to contain, nothing to refuse
