"""scripts/action/sandbox.sh on simulated runners: sudo, apt-get, sysctl and certifier's isolation probe are
stubs on PATH (nothing is installed, no kernel setting changes). A GitHub-hosted runner gets bubblewrap and
socat and unprivileged user namespaces; `required` stops the job when connector code would still run without
namespaces, `auto` warns loudly, `off` and static-only runs change nothing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "action" / "sandbox.sh"
SYSTEM_TOOLS = ("bash", "sh", "env", "tr", "cat", "true", "echo", "rm", "chmod")


class FakeRunner:
    """A runner image whose only programs are a few system tools and the stubs below. Every stub logs its
    command line; apt-get "installs" bwrap and socat, sysctl keeps the AppArmor setting in a file, and the
    probe reports namespaces once both the programs and the setting allow them."""

    def __init__(self, root: Path, *, sudo: bool = True, apt_works: bool = True, restricted: bool = True,
                 installed: bool = False) -> None:
        self.root, self.bin, self.log = root, root / "bin", root / "calls.log"
        self.bin.mkdir(parents=True)
        self.log.write_text("")
        for tool in SYSTEM_TOOLS:
            (self.bin / tool).symlink_to(shutil.which(tool))
        self.setting = root / "apparmor_restrict_unprivileged_userns"
        self.setting.write_text("1" if restricted else "0")
        if sudo:
            self.stub("sudo", '[ "$1" = -n ] && shift\nexec "$@"')
        self.stub("apt-get", f'[ "$1" = install ] && {"true" if apt_works else "exit 100"}\n'
                  f'[ "$1" = install ] && for tool in bwrap socat; do printf \'#!/bin/sh\\necho bubblewrap 0.9.0\\n\' '
                  f'> {self.bin}/$tool; chmod +x {self.bin}/$tool; done\nexit 0')
        self.stub("sysctl", f'case "$1" in -n) cat {self.setting} ;; -w) echo "${{2#*=}}" > {self.setting} ;; esac')
        self.probe = self.stub("certifier-python", f'if [ -x {self.bin}/bwrap ] && [ "$(cat {self.setting})" = 0 ]; '
                               'then echo namespaces; else echo process-only; fi')
        if installed:
            for tool in ("bwrap", "socat"):
                self.stub(tool, "echo bubblewrap 0.9.0")

    def stub(self, name: str, body: str) -> Path:
        path = self.bin / name
        path.write_text(f'#!/bin/sh\necho "{name} $*" >> {self.log}\n{body}\n')
        path.chmod(0o755)
        return path

    def run(self, sandbox: str = "auto", static_only: str = "false", hosted: bool = True):
        outputs, summary = self.root / "outputs", self.root / "summary.md"
        env = {"PATH": str(self.bin), "INPUT_SANDBOX": sandbox, "STATIC_ONLY": static_only,
               "CERTIFIER_PYTHON": str(self.probe), "GITHUB_OUTPUT": str(outputs), "GITHUB_STEP_SUMMARY": str(summary),
               "RUNNER_ENVIRONMENT": "github-hosted" if hosted else "self-hosted"}
        done = subprocess.run([str(self.bin / "bash"), str(SCRIPT)], env=env, capture_output=True, text=True,
                              timeout=30)
        values = dict(line.split("=", 1) for line in outputs.read_text().splitlines()) if outputs.exists() else {}
        return done, values, summary.read_text() if summary.exists() else ""

    def calls(self) -> list[str]:
        return self.log.read_text().splitlines()


def test_a_fresh_github_hosted_runner_gets_bubblewrap_socat_and_user_namespaces(tmp_path):
    runner = FakeRunner(tmp_path)
    done, outputs, summary = runner.run("required")
    assert done.returncode == 0, done.stdout + done.stderr
    calls = runner.calls()
    assert any(call.startswith("apt-get install") and "bubblewrap" in call and "socat" in call for call in calls)
    assert any(call.startswith("sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install") for call in calls)
    assert "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0" in calls
    assert outputs == {"isolation": "namespaces"}
    assert "Linux namespaces (bubblewrap 0.9.0)" in done.stdout and "::warning" not in done.stdout and not summary


def test_an_image_with_everything_in_place_is_left_as_it_is(tmp_path):
    runner = FakeRunner(tmp_path, installed=True, restricted=False)
    done, outputs, _ = runner.run("auto")
    assert done.returncode == 0 and outputs == {"isolation": "namespaces"}
    assert not [call for call in runner.calls() if call.startswith(("sudo", "apt-get"))]


def test_required_stops_the_job_before_connector_code_runs_unisolated(tmp_path):
    runner = FakeRunner(tmp_path, sudo=False)
    done, outputs, summary = runner.run("required")
    assert done.returncode == 1
    assert "::error title=certifier sandbox::connector code would run WITHOUT namespace isolation" in done.stdout
    assert "bubblewrap and socat are not installed" in done.stdout
    assert outputs == {"isolation": "process-only"} and "[!CAUTION]" in summary
    assert not [call for call in runner.calls() if call.startswith("apt-get")]


def test_auto_warns_loudly_and_goes_on_when_the_install_fails(tmp_path):
    runner = FakeRunner(tmp_path, apt_works=False)
    done, outputs, summary = runner.run("auto")
    assert done.returncode == 0
    assert "::warning title=certifier sandbox::connector code would run WITHOUT namespace isolation" in done.stdout
    assert "apt-get could not install bubblewrap and socat" in done.stdout
    assert outputs == {"isolation": "process-only"}
    assert "[!WARNING]" in summary and "without namespace isolation" in summary
    assert "apt-get update -q" in runner.calls()  # stale package lists are refreshed before giving up


def test_a_self_hosted_runner_is_never_changed(tmp_path):
    runner = FakeRunner(tmp_path)
    done, outputs, _ = runner.run("auto", hosted=False)
    assert done.returncode == 0 and outputs == {"isolation": "process-only"}
    assert not [call for call in runner.calls() if call.startswith(("sudo", "apt-get", "sysctl -w"))]
    assert "AppArmor forbids unprivileged user namespaces" in done.stdout


@pytest.mark.parametrize("inputs", [{"sandbox": "off"}, {"sandbox": "required", "static_only": "true"}])
def test_off_and_static_only_runs_touch_nothing(tmp_path, inputs):
    runner = FakeRunner(tmp_path)
    done, outputs, _ = runner.run(**inputs)
    assert not [call for call in runner.calls() if call.startswith(("sudo", "apt-get", "sysctl -w"))]
    if inputs.get("static_only") == "true":
        assert done.returncode == 0 and outputs == {"isolation": "not-needed"}
    else:  # off: certifier is still asked, and the summary still says what that means
        assert done.returncode == 0 and outputs == {"isolation": "process-only"} and "sandbox: off" in done.stdout


def test_an_unknown_sandbox_value_is_a_clear_error(tmp_path):
    done, outputs, _ = FakeRunner(tmp_path).run("maybe")
    assert done.returncode == 2 and "input sandbox is 'maybe': use auto, required or off" in done.stdout
    assert outputs == {}
