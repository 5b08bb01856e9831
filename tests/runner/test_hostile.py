"""A hostile connector is contained: each test runs one script from tests/fixtures/hostile through the
runner. Where practical, a control run without the protection shows the script really does harm."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from certifier.sandbox.runner import Limits, run, start

HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"
root_only = pytest.mark.skipif(os.geteuid() != 0, reason="the sandbox uid exists only when certifier runs as root")

CANARIES = {
    "CERTIFIER_TEST_CANARY": "canary-5f1b9a7e",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI-canary-K7MDENG",
    "DATABASE_URL": "postgres://certifier:canary-pw@db.internal/certifier",
    "NPM_TOKEN": "npm_canary0123456789",
}


def test_environment_secrets_do_not_reach_connector_code(workspace, monkeypatch):
    for key, value in CANARIES.items():
        monkeypatch.setenv(key, value)
    result = run(["python3", str(HOSTILE / "steal_env.py")], cwd=workspace.root, workspace=workspace)
    assert result.ok, result.stderr
    for value in CANARIES.values():
        assert value not in result.stdout
    seen = json.loads(result.stdout)
    assert set(seen["env"]) - {"PWD", "SHLVL", "_"} <= _allowed(seen["env"])
    assert seen["env"]["HOME"] == str(workspace.home)


@root_only
def test_connector_code_cannot_read_the_certifier_environment_from_proc(workspace, monkeypatch):
    monkeypatch.setenv("CERTIFIER_TEST_CANARY", CANARIES["CERTIFIER_TEST_CANARY"])
    result = run(["python3", str(HOSTILE / "steal_env.py")], cwd=workspace.root, workspace=workspace)
    ancestors = json.loads(result.stdout)["ancestors"]
    if workspace.namespaced():  # its own PID namespace: the walk up ends at the jail, pid 1
        assert str(os.getpid()) not in ancestors and ancestors["1"].startswith("REFUSED")
    else:
        assert str(os.getpid()) in ancestors  # it did walk up to us ...
        assert ancestors[str(os.getpid())].startswith("REFUSED")  # ... and could not read our environment
    assert CANARIES["CERTIFIER_TEST_CANARY"] not in result.stdout


@root_only
def test_writes_outside_the_workspace_are_refused(workspace, tmp_path):
    ours = tmp_path / "owned-by-the-certifier.txt"
    ours.write_text("original\n")
    checkout_file = tmp_path / "checkout" / "connect.yaml"
    checkout_file.parent.mkdir()
    checkout_file.write_text("deployAs: []\n")
    targets = [ours, checkout_file, tmp_path / "checkout" / "new-file", Path("/root/.hostile-probe"),
               Path("/etc/hostile-probe")]
    inside = workspace.home / "allowed.txt"
    result = run(["python3", str(HOSTILE / "write_outside.py"), *map(str, targets), str(inside)],
                 cwd=workspace.root, workspace=workspace)
    lines = result.stdout.splitlines()
    # 13 EACCES; in the namespaces also 2 ENOENT (not there at all) and 30 EROFS (system directories)
    refusals = (13, 2, 30) if workspace.namespaced() else (13,)
    for target in targets:
        assert any(f"REFUSED {target} {errno}" in lines for errno in refusals), result.stdout
        assert not target.exists() or "pwned" not in target.read_text()
    assert f"WROTE {inside}" in lines  # the workspace itself is writable


@root_only
def test_fork_bomb_is_bounded_and_leaves_no_process_behind(workspace, marker, survivors, processes_of):
    limits = Limits(wall_s=4, max_procs=40)
    result = run(["python3", str(HOSTILE / "fork_bomb.py"), marker, "300"], cwd=workspace.root,
                 workspace=workspace, limits=limits)
    forked = dict(part.split("=") for part in result.stdout.split())
    assert int(forked["failed"]) > 0 and int(forked["forked"]) < 40
    assert result.timed_out
    assert survivors(marker) == []
    assert processes_of(workspace.uid) == []


@root_only
def test_control_without_a_process_limit_the_bomb_forks_freely(workspace, marker, survivors):
    result = run(["python3", str(HOSTILE / "fork_bomb.py"), marker, "60"], cwd=workspace.root,
                 workspace=workspace, limits=Limits(wall_s=4, max_procs=None))
    assert "forked=60 failed=0" in result.stdout  # so the test above would fail without RLIMIT_NPROC
    assert survivors(marker) == []


def test_hang_is_killed_at_the_budget_with_its_setsid_daemon(workspace, marker, survivors):
    started = time.monotonic()
    result = run(["sh", str(HOSTILE / "hang.sh"), marker], cwd=workspace.root, workspace=workspace,
                 limits=Limits(wall_s=4))  # room for the namespaces to start on a busy machine
    assert result.timed_out and not result.ok
    assert "wall-clock budget" in result.killed_reason
    assert time.monotonic() - started < 12
    assert "daemon started" in result.stdout
    assert survivors(marker) == []


def test_started_server_and_its_daemon_are_stopped(workspace, marker, survivors):
    process = start(["sh", str(HOSTILE / "hang.sh"), marker], cwd=workspace.root, workspace=workspace,
                    limits=Limits(wall_s=60))
    deadline = time.monotonic() + 10
    while len(survivors(marker)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.alive() and len(survivors(marker)) >= 2  # the script and its daemon (and the jail)
    result = process.stop(grace_s=0.5)
    assert result.killed_reason == "stopped by the certifier" and not process.alive()
    assert survivors(marker) == []


def test_huge_output_is_truncated_with_a_count(workspace):
    result = run(["python3", str(HOSTILE / "flood.py"), "20"], cwd=workspace.root, workspace=workspace,
                 limits=Limits(max_output_bytes=100_000))
    assert result.ok and result.output_truncated
    assert len(result.stdout) < 60_000
    assert "bytes of output dropped" in result.stdout
    assert result.stdout.rstrip().endswith("FLOOD-END")  # the tail is kept


def test_memory_hog_is_stopped_by_the_memory_limit(workspace):
    result = run(["python3", str(HOSTILE / "memory_hog.py"), "1024"], cwd=workspace.root, workspace=workspace,
                 limits=Limits(memory_mb=256))
    assert "ALLOCATED-ALL" not in result.stdout
    assert "MemoryError" in result.stderr and not result.ok
    reached = [int(line.split("=")[1]) for line in result.stdout.split() if line.startswith("allocated=")]
    assert max(reached, default=0) <= 256


def test_control_without_a_memory_limit_the_hog_allocates(workspace):
    result = run(["python3", str(HOSTILE / "memory_hog.py"), "512"], cwd=workspace.root, workspace=workspace,
                 limits=Limits(memory_mb=None))
    assert "ALLOCATED-ALL" in result.stdout


def test_big_file_is_stopped_by_the_file_size_limit(workspace):
    target = workspace.tmp / "big.bin"
    result = run(["python3", str(HOSTILE / "big_file.py"), str(target), "64"], cwd=workspace.root,
                 workspace=workspace, limits=Limits(max_file_mb=8))
    assert "WROTE-ALL" not in result.stdout
    # Python ignores SIGXFSZ (write fails with EFBIG); most programs are killed by it instead
    assert not result.ok
    assert "File too large" in result.stderr or result.killed_reason == "file size limit exceeded (RLIMIT_FSIZE)"
    assert target.stat().st_size <= 8 * 1024 * 1024


def test_file_size_limit_kills_programs_that_do_not_ignore_sigxfsz(workspace):
    result = run(["sh", "-c", f"head -c 20000000 /dev/zero > {workspace.tmp / 'big.bin'}"], cwd=workspace.root,
                 workspace=workspace, limits=Limits(max_file_mb=4))
    assert result.exit_code == -signal.SIGXFSZ or result.exit_code == 128 + signal.SIGXFSZ
    assert (workspace.tmp / "big.bin").stat().st_size <= 4 * 1024 * 1024


def test_control_without_a_file_size_limit_the_file_is_written(workspace):
    target = workspace.tmp / "big.bin"
    result = run(["python3", str(HOSTILE / "big_file.py"), str(target), "12"], cwd=workspace.root,
                 workspace=workspace, limits=Limits(max_file_mb=None))
    assert "WROTE-ALL 12" in result.stdout


def _allowed(env: dict) -> set[str]:
    from certifier.sandbox.env import CA_VARIABLES, PROXY_VARIABLES

    fixed = {"PATH", "LANG", "LC_ALL", "TZ", "HOME", "TMPDIR", "TMP", "TEMP", "CI", "NO_UPDATE_NOTIFIER",
             "CERTIFIER_SANDBOX_RUN",
             "COREPACK_HOME", "COREPACK_ENABLE_DOWNLOAD_PROMPT", "YARN_CACHE_FOLDER", "YARN_IGNORE_PATH"}
    return fixed | set(CA_VARIABLES) | set(PROXY_VARIABLES) | {k for k in env if k.startswith("npm_config_")}
