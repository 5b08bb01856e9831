"""The GitHub Action: its run steps executed as a runner would (GITHUB_* variables, per-step
GITHUB_OUTPUT files, `if:` conditions) against a temporary tagged repository. `uses:` steps
(setup-python, upload-sarif) are not run; the test checks whether and with what they would run."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from certifier.report.canonical import verify
from support import CONNECTORS, make_tagged_repo

pytestmark = pytest.mark.slow  # each test runs the certifier CLI in a subprocess

ROOT = Path(__file__).resolve().parents[2]
ACTION = YAML(typ="safe").load((ROOT / "action.yml").read_text())
# The built-in preview profile requires every stage, so a static-only run can only reach "Accepted"
# with a profile that requires just the static stages (the one the service tests use).
STATIC_PREVIEW = Path(__file__).resolve().parent / "profiles" / "preview-static.yaml"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


class Runner:
    """Just enough of the Actions runner for a composite action of `run:` steps."""

    def __init__(self, env: dict[str, str], inputs: dict[str, str], tmp: Path) -> None:
        defaults = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
        self.inputs = {**defaults, **inputs}
        self.env, self.tmp = env, tmp
        self.steps: dict[str, dict] = {}
        self.log: list[tuple[str, str, str]] = []  # (step name, result, output)

    def value(self, expression: str) -> str:
        names = {"github.action_path": str(ROOT), "github.ref_name": self.env.get("GITHUB_REF_NAME", "")}
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
        return bool(eval(text, {"__builtins__": {}}, {}))  # noqa: S307 (our own action.yml, test only)

    def run(self) -> bool:
        failed = False
        for index, step in enumerate(ACTION["runs"]["steps"]):
            name = step.get("name", f"step {index}")
            if not self.condition(step, failed):
                self.log.append((name, "skipped", ""))
                continue
            if "uses" in step:
                with_ = {k: self.render(v) for k, v in (step.get("with") or {}).items()}
                self.log.append((name, "uses " + step["uses"], repr(with_)))
                continue
            ok = self._shell(step, name, index)
            failed = failed or not ok
        return not failed

    def _shell(self, step: dict, name: str, index: int) -> bool:
        assert step["shell"] == "bash"
        output_file = self.tmp / f"output-{index}"
        output_file.write_text("")
        env = {**self.env, **{k: self.render(v) for k, v in (step.get("env") or {}).items()},
               "GITHUB_OUTPUT": str(output_file)}
        assert "${{" not in step["run"], "inputs must reach scripts through env, not be interpolated into code"
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                              env=env, cwd=env["GITHUB_WORKSPACE"], capture_output=True, text=True, timeout=300)
        outcome = "success" if done.returncode == 0 else "failure"
        if "id" in step:
            self.steps[step["id"]] = {"outputs": parse_outputs(output_file.read_text()), "outcome": outcome}
        self.log.append((name, outcome, done.stdout + done.stderr))
        return done.returncode == 0

    def outputs(self) -> dict[str, str]:
        return {name: self.render(spec["value"]) for name, spec in ACTION["outputs"].items()}

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


@pytest.fixture
def github(tmp_path):
    def make(connector: str, **inputs) -> Runner:
        workspace = make_tagged_repo(CONNECTORS / connector, tmp_path / "workspace", "v1.0.0")
        (tmp_path / "runner-temp").mkdir()
        env = {
            "PATH": f"{ROOT / '.venv' / 'bin'}{os.pathsep}/usr/local/bin:/usr/bin:/bin",
            "HOME": str(tmp_path), "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_REF_NAME": "v1.0.0", "GITHUB_REF_TYPE": "tag", "GITHUB_REF": "refs/tags/v1.0.0",
            "GITHUB_STEP_SUMMARY": str(tmp_path / "step-summary.md"), "RUNNER_TEMP": str(tmp_path / "runner-temp"),
        }
        return Runner(env, {"static-only": "true", **inputs}, tmp_path)

    return make


def test_a_positive_tag_passes_with_summary_outputs_and_sarif(github):
    runner = github("minimal", profile=str(STATIC_PREVIEW))
    assert runner.run(), runner.log
    outputs = runner.outputs()
    assert outputs["decision"] == "Accepted" and outputs["decision-kind"] == "positive"
    assert outputs["exit-code"] == "0"
    report = Path(outputs["report-path"])
    assert report.parent == Path(runner.env["RUNNER_TEMP"]) / "certifier-report"
    assert verify(report.read_bytes()).ok
    summary = Path(runner.env["GITHUB_STEP_SUMMARY"]).read_text()
    assert "Accepted" in summary and summary == (report.parent / "summary.md").read_text().rstrip("\n") + "\n"
    assert "installed already" in runner.result("Install certifier")[1]
    upload = runner.result("Upload SARIF")
    assert upload[0].startswith("uses github/codeql-action/upload-sarif") and outputs["sarif-path"] in upload[1]
    assert json.loads(Path(outputs["sarif-path"]).read_text())["version"] == "2.1.0"
    assert runner.result("Fail on a negative decision")[0] == "success"


def test_no_decision_fails_the_job(github):
    runner = github("minimal")  # static-only against the built-in preview profile: stages are missing
    assert not runner.run()
    assert runner.outputs()["decision-kind"] == "undecided" and runner.outputs()["exit-code"] == "3"
    result, output = runner.result("Fail on a negative decision")
    assert result == "failure" and "Could not decide" in output


def test_a_negative_decision_fails_the_job(github):
    runner = github("spec-unknown-key")
    assert not runner.run()
    assert runner.outputs()["decision"] == "Rejected"
    assert runner.result("Certify")[0] == "success"  # the decision was made and published ...
    result, output = runner.result("Fail on a negative decision")
    assert result == "failure" and "::error" in output and "Rejected" in output  # ... and then fails the job
    assert "Rejected" in Path(runner.env["GITHUB_STEP_SUMMARY"]).read_text()


def test_a_branch_push_without_a_tag_is_refused(github):
    runner = github("minimal")
    runner.env.update(GITHUB_REF_TYPE="branch", GITHUB_REF_NAME="main")
    assert not runner.run()
    result, output = runner.result("Certify")
    assert result == "failure" and "no tag to certify" in output
    assert runner.result("Fail on a negative decision")[0] == "skipped"


def test_hostile_inputs_are_data_not_code(github, tmp_path):
    marker = tmp_path / "pwned"
    runner = github("minimal", tag=f"$(touch {marker})", stage="preview; touch " + str(marker))
    assert not runner.run()
    assert not marker.exists()
