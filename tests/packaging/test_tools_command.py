"""`certifier tools install` and `certifier tools doctor`: a private venv built from pinned requirements, found by
core.locate; a report of what is found, in which version, against which pin, and what is missing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from certifier.core.locate import locate

ROOT = Path(__file__).resolve().parents[2]
CERTIFIER = [sys.executable, "-m", "certifier.cli.main"]
SCANNERS = {"semgrep", "detect-secrets", "bandit"}


def certifier(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([*CERTIFIER, *args], env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def env(tmp_path):
    """No scanner anywhere: neither the checkout's .venv-tools nor a private tools venv nor PATH has one."""
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8",
            "CERTIFIER_CACHE_DIR": str(tmp_path / "cache"), "CERTIFIER_TOOLS_VENV": str(tmp_path / "no-venv"),
            "CERTIFIER_TOOLS_DIR": str(tmp_path / "tools"), "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            **{k: v for k, v in os.environ.items() if k.startswith("PIP_")}}


def doctor(env: dict[str, str], *args: str) -> tuple[int, dict]:
    done = certifier("tools", "doctor", "--format", "json", *args, env=env)
    return done.returncode, json.loads(done.stdout)


@pytest.mark.slow  # builds a venv and installs from the registry (10-15 s)
def test_install_builds_a_private_venv_that_locate_searches(env, tmp_path, monkeypatch):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("pyflakes==3.2.0  # a small package with a program\n")
    first = certifier("tools", "install", "--requirements", str(requirements), env=env)
    assert first.returncode == 0, first.stderr
    tools = tmp_path / "tools"
    assert (tools / "pyvenv.cfg").is_file() and "pyflakes==3.2.0" in first.stderr
    version = subprocess.run([str(tools / "bin" / "pyflakes"), "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("3.2.0")
    monkeypatch.setenv("CERTIFIER_TOOLS_VENV", env["CERTIFIER_TOOLS_VENV"])
    monkeypatch.setenv("CERTIFIER_TOOLS_DIR", str(tools))
    monkeypatch.setenv("PATH", env["PATH"])
    assert locate("pyflakes") == tools / "bin" / "pyflakes"

    again = certifier("tools", "install", "--requirements", str(requirements), env=env)
    assert again.returncode == 0 and "up to date" in again.stdout and "installing" not in again.stderr
    requirements.write_text("pyflakes==3.1.0\n")  # new pins: the venv is rebuilt
    changed = certifier("tools", "install", "--requirements", str(requirements), env=env)
    assert changed.returncode == 0 and "installing pyflakes==3.1.0" in changed.stderr


def test_install_never_replaces_a_folder_that_is_not_a_venv(env, tmp_path):
    precious = tmp_path / "tools"
    precious.mkdir()
    (precious / "notes.txt").write_text("mine")
    done = certifier("tools", "install", env=env)
    assert done.returncode == 2 and "is not a virtual environment" in done.stderr
    assert (precious / "notes.txt").read_text() == "mine"


@pytest.mark.slow  # builds a venv and installs from the registry (10-15 s)
def test_an_install_that_pip_cannot_do_is_an_error_naming_the_file(env, tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("certifier-no-such-package-anywhere==0.0.1\n")
    done = certifier("tools", "install", "--requirements", str(requirements), env=env)
    assert done.returncode == 2 and f"pip could not install {requirements}" in done.stderr
    assert not (tmp_path / "tools" / "certifier-tools.json").exists()  # a retry installs again


def test_doctor_names_the_missing_scanners_and_fails(env):
    code, report = doctor(env, "--static-only")
    assert code == 1 and set(report["missing"]) == SCANNERS
    states = {tool["name"]: tool for tool in report["tools"]}
    assert states["git"]["state"] == "ok" and states["git"]["path"] == "/usr/bin/git"
    assert states["semgrep"]["state"] == "MISSING" and states["semgrep"]["pinned"] == "semgrep==1.182.0"
    text = certifier("tools", env=env)  # `certifier tools` alone is the doctor
    assert text.returncode == 1 and "certifier tools install" in text.stderr


def test_doctor_requires_node_and_npm_unless_static_only(env):
    env["PATH"] = "/nowhere"
    env["CERTIFIER_GIT"] = "/usr/bin/git"
    assert {"node", "npm"} <= set(doctor(env)[1]["missing"])
    assert not {"node", "npm"} & set(doctor(env, "--static-only")[1]["missing"])


def test_doctor_checks_versions_against_the_pins(env, tmp_path):
    env["CERTIFIER_TOOLS_VENV"] = str(ROOT / ".venv-tools")  # make tools: the pinned versions
    code, report = doctor(env)
    states = {tool["name"]: tool for tool in report["tools"]}
    assert code == 0 and all(states[name]["matches_pin"] is True for name in SCANNERS), states
    old = tmp_path / "semgrep"
    old.write_text("#!/bin/sh\necho 1.100.0\n")
    old.chmod(0o755)
    env["CERTIFIER_SEMGREP"] = str(old)
    states = {tool["name"]: tool for tool in doctor(env)[1]["tools"]}
    assert states["semgrep"]["version"] == "1.100.0" and states["semgrep"]["matches_pin"] is False
    assert states["semgrep"]["state"] == "WRONG VERSION"


def test_the_private_tools_venv_lives_in_the_user_data_folder(monkeypatch, tmp_path):
    from certifier.core.locate import tools_dir

    monkeypatch.delenv("CERTIFIER_TOOLS_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert tools_dir() == tmp_path / "data" / "certifier" / "tools"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert tools_dir() == tmp_path / ".local" / "share" / "certifier" / "tools"
    monkeypatch.setenv("CERTIFIER_TOOLS_DIR", str(tmp_path / "elsewhere"))
    assert tools_dir() == tmp_path / "elsewhere"


def test_the_checkout_venv_comes_before_the_private_one_and_path(monkeypatch, tmp_path):
    for venv in ("checkout", "private", "on-path"):
        program = tmp_path / venv / "bin" / "certifier-probe"
        program.parent.mkdir(parents=True)
        program.write_text("#!/bin/sh\n")
        program.chmod(0o755)
    monkeypatch.setenv("CERTIFIER_TOOLS_VENV", str(tmp_path / "checkout"))
    monkeypatch.setenv("CERTIFIER_TOOLS_DIR", str(tmp_path / "private"))
    monkeypatch.setenv("PATH", str(tmp_path / "on-path" / "bin"))
    assert locate("certifier-probe") == tmp_path / "checkout" / "bin" / "certifier-probe"
    (tmp_path / "checkout" / "bin" / "certifier-probe").unlink()
    assert locate("certifier-probe") == tmp_path / "private" / "bin" / "certifier-probe"
    (tmp_path / "private" / "bin" / "certifier-probe").unlink()
    assert locate("certifier-probe") == tmp_path / "on-path" / "bin" / "certifier-probe"
