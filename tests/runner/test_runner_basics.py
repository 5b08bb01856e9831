"""The runner's ordinary behaviour: environment, redaction, results, workspace and uid allocation."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from certifier.sandbox import env as runner_env

from certifier.sandbox import workspace as runner_sandbox
from certifier.sandbox.runner import Limits, ProcessResult, Workspace, run, tool_env
from certifier.sandbox.output import BoundedBuffer

root_only = pytest.mark.skipif(os.geteuid() != 0, reason="the sandbox uid exists only when certifier runs as root")


def test_exit_code_output_and_stdin(workspace):
    result = run(["sh", "-c", "cat; echo err >&2; exit 3"], cwd=workspace.root, workspace=workspace, stdin="in\n")
    assert (result.exit_code, result.stdout, result.stderr) == (3, "in\n", "err\n")
    assert not result.ok and not result.timed_out and result.killed_reason is None
    assert result.argv == ("sh", "-c", "cat; echo err >&2; exit 3")


def test_missing_executable_is_a_result_not_an_exception(workspace):
    result = run(["no-such-program-xyz"], cwd=workspace.root, workspace=workspace)
    assert result.exit_code is None and not result.ok
    assert "not found" in result.killed_reason


def test_environment_is_the_allowlist_plus_the_callers_env(workspace, monkeypatch):
    monkeypatch.setenv("SOME_HOST_SETTING", "host-only")
    result = run(["sh", "-c", "env"], cwd=workspace.root, workspace=workspace,
                 env={"CTP_PROJECT_REGION": "europe-west1", "HOME": "/root"})
    env = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    assert "SOME_HOST_SETTING" not in env
    assert env["CTP_PROJECT_REGION"] == "europe-west1"
    assert env["HOME"] == str(workspace.home)  # the caller cannot move HOME out of the workspace
    assert env["TMPDIR"] == str(workspace.tmp)
    assert env["npm_config_cache"] == str(workspace.npm_cache)
    assert (env["LC_ALL"], env["TZ"], env["CI"]) == ("C.UTF-8", "UTC", "true")


def test_secrets_are_redacted_from_output(workspace):
    result = run(["sh", "-c", 'echo "token=$CTP_CLIENT_SECRET pw=hunter2-long other=$PLAIN"; echo "$CTP_CLIENT_SECRET" >&2'],
                 cwd=workspace.root, workspace=workspace,
                 env={"CTP_CLIENT_SECRET": "s3cr3t-value-xyz", "PLAIN": "visible-value"}, redact=["hunter2-long"])
    assert "s3cr3t-value-xyz" not in result.stdout + result.stderr
    assert "hunter2-long" not in result.stdout
    assert result.stdout == "token=*** pw=*** other=visible-value\n"
    assert result.stderr == "***\n"


def test_redaction_survives_truncation_cutting_a_secret():
    secret = "ABCDEFGHIJKLMNOP"
    buffer = BoundedBuffer(256)
    buffer.write(b"x" * 50 + secret.encode() * 40 + b"y" * 50)
    text = buffer.text((secret,))
    assert "dropped" in text
    for size in range(4, len(secret)):  # no piece of the secret long enough to matter survives the cut
        assert not any(secret[i:i + size] in text for i in range(len(secret) - size + 1))


def test_bounded_buffer_keeps_head_and_tail_and_counts():
    buffer = BoundedBuffer(1000)
    buffer.write(b"HEAD" + b"m" * 100_000 + b"TAIL")
    text = buffer.text()
    assert text.startswith("HEAD") and text.endswith("TAIL")
    assert buffer.dropped == 100_008 - 1000
    assert f"[... {buffer.dropped} bytes of output dropped ...]" in text


def test_result_evidence_is_bounded():
    result = ProcessResult(argv=("npm", "ci"), exit_code=1, timed_out=False, duration_s=1.23456, stdout="o" * 9000,
                           stderr="E", output_truncated=False, killed_reason=None)
    evidence = result.evidence(chars=100)
    assert evidence["command"] == "npm ci" and evidence["exit_code"] == 1 and evidence["duration_s"] == 1.23
    assert len(evidence["log_tail"]) == 100 and evidence["log_tail"].endswith("E")


def test_npmrc_keeps_registry_settings_and_drops_credentials(tmp_path, monkeypatch):
    npmrc = tmp_path / ".npmrc"
    npmrc.write_text("registry=https://mirror.example/npm/\n@acme:registry=https://acme.example/\n"
                     "//mirror.example/npm/:_authToken=SECRET-TOKEN\n_auth=dXNlcjpwYXNz\n"
                     "registry=https://user:pw@evil.example/\nfund=false\ncafile=/etc/ssl/ca.pem\n")
    monkeypatch.setenv("npm_config_userconfig", str(npmrc))
    kept = runner_env.registry_npmrc()
    assert kept.splitlines() == ["registry=https://mirror.example/npm/", "@acme:registry=https://acme.example/",
                                 "cafile=/etc/ssl/ca.pem"]


def test_workspace_gets_the_registry_npmrc(tmp_path, monkeypatch):
    npmrc = tmp_path / "user.npmrc"
    npmrc.write_text("registry=https://mirror.example/npm/\n//mirror.example/:_authToken=TOKEN-XYZ\n")
    monkeypatch.setenv("npm_config_userconfig", str(npmrc))
    workspace = Workspace(tmp_path / "ws").prepare()
    result = run(["npm", "config", "get", "registry"], cwd=workspace.root, workspace=workspace)
    assert result.stdout.strip() == "https://mirror.example/npm/"
    assert "TOKEN-XYZ" not in (workspace.home / ".npmrc").read_text()


def test_tool_env_is_an_allowlist(monkeypatch):
    monkeypatch.setenv("CERTIFIER_TEST_CANARY", "canary")
    env = tool_env({"SEMGREP_ENABLE_VERSION_CHECK": "0"})
    assert "CERTIFIER_TEST_CANARY" not in env and env["SEMGREP_ENABLE_VERSION_CHECK"] == "0"
    assert Path(env["HOME"]).is_dir() and env["HOME"] != os.environ.get("HOME")
    assert set(env) <= {*runner_env.base_env(Path("/h"), Path("/t")), "SEMGREP_ENABLE_VERSION_CHECK"}


def test_timeout_reports_budget(workspace):
    result = run(["sleep", "30"], cwd=workspace.root, workspace=workspace, limits=Limits(wall_s=0.5))
    assert result.timed_out and result.duration_s < 10 and "0.5s" in result.killed_reason


@root_only
def test_code_runs_as_the_workspace_uid_with_a_stable_allocation(tmp_path):
    first = Workspace(tmp_path / "a").prepare()
    again = Workspace(tmp_path / "a").prepare()
    other = Workspace(tmp_path / "b").prepare()
    assert first.uid == again.uid != other.uid
    assert first.uid >= runner_sandbox.UID_BASE
    result = run(["id", "-u"], cwd=first.root, workspace=first)
    assert result.stdout.strip() == str(first.uid)
    assert first.home.stat().st_uid == first.uid and oct(first.home.stat().st_mode)[-3:] == "700"


@root_only
def test_other_workspaces_are_not_readable(tmp_path):
    mine = Workspace(tmp_path / "mine").prepare()
    theirs = Workspace(tmp_path / "theirs").prepare()
    (theirs.home / "secret.txt").write_text("theirs")
    os.chown(theirs.home / "secret.txt", theirs.uid, theirs.gid)
    result = run(["cat", str(theirs.home / "secret.txt")], cwd=mine.root, workspace=mine)
    # in the namespaces the other workspace is not even there; with the uid alone its mode keeps us out
    assert not result.ok and ("No such file" if mine.namespaced() else "Permission denied") in result.stderr


def test_adopt_refuses_paths_outside_the_workspace(workspace, tmp_path):
    with pytest.raises(runner_sandbox.SandboxError):
        workspace.adopt(tmp_path / "elsewhere")


@root_only
def test_shared_cache_is_written_only_by_the_install_and_read_by_every_workspace(tmp_path):
    cache = tmp_path / "shared" / "npm"
    one = Workspace(tmp_path / "one", npm_cache=cache).prepare()
    two = Workspace(tmp_path / "two", npm_cache=cache).prepare()
    if not one.namespaced():  # no read-only mount possible: every workspace keeps a cache of its own
        assert one.npm_cache != two.npm_cache and one.npm_cache.is_relative_to(one.root)
        return
    write = ["sh", "-c", "mkdir -p $npm_config_cache/d && echo 1 > $npm_config_cache/d/f"]
    assert not run(write, cwd=one.root, workspace=one).ok  # connector code: read-only
    assert run(write, cwd=one.root, workspace=one, cache_writable=True).ok  # the trusted install
    assert run(["sh", "-c", "echo 2 >> $npm_config_cache/d/f"], cwd=two.root, workspace=two,
               cache_writable=True).ok
    assert run(["cat", str(cache / "d" / "f")], cwd=two.root, workspace=two).stdout == "1\n2\n"
