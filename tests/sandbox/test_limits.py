"""Limits per run, not per process: the commands of one workspace share one control group (memory, tasks),
its root is a filesystem of a fixed size, and the group is gone once its last command ended."""

from __future__ import annotations

import os
import subprocess
import time

import pytest

from certifier.sandbox import cgroups, quota
from certifier.sandbox.runner import Limits, run, start

pytestmark = pytest.mark.skipif(cgroups.mode() == "rlimits", reason="no writable cgroup hierarchy here")

HOG = ("import sys, time\nkept = []\nfor step in range(%d):\n kept.append(bytearray(32 << 20))\n"
       " print(sys.argv[1], 32 * (step + 1), flush=True)\ntime.sleep(%s)\nprint(sys.argv[1], 'DONE', flush=True)")


def test_three_processes_under_the_per_process_limit_together_exceed_the_runs(make_workspace):
    workspace = make_workspace(memory_mb=300, disk_mb=None)
    hog = HOG % (6, 2)  # 192 MiB each: each far under RLIMIT_DATA, together over the run's 300 MiB
    result = run(["sh", "-c", " & ".join(f"python3 -c \"{hog}\" {name}" for name in "abc") + " & wait"],
                 cwd=workspace.root, workspace=workspace)
    assert 0 < result.stdout.count("DONE") < 3, result.stdout


def test_two_commands_of_one_run_share_its_memory(make_workspace):
    workspace = make_workspace(memory_mb=300, disk_mb=None)
    server = start(["python3", "-c", HOG % (6, 30), "server"], cwd=workspace.root, workspace=workspace)
    try:
        deadline = time.monotonic() + 20
        while "server 192" not in server.output() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "server 192" in server.output()
        second = run(["python3", "-c", HOG % (6, 0), "second"], cwd=workspace.root, workspace=workspace)
        # 192 + 192 MiB > 300 MiB for the run: the kernel kills one of the two (whichever it picks)
        assert not (second.ok and server.alive()), second.stdout
    finally:
        server.stop(grace_s=0.5)


def test_the_task_limit_binds_the_run_without_rlimit_nproc(make_workspace):
    workspace = make_workspace(pids=40, disk_mb=None)
    result = run(["sh", "-c", "n=0; for i in $(seq 100); do sleep 5 & n=$((n+1)); done 2>/dev/null; "
                  "echo started $(jobs -p | wc -l)"], cwd=workspace.root, workspace=workspace,
                 limits=Limits(wall_s=20, max_procs=None))
    started = int(result.stdout.split()[-1]) if result.stdout.strip() else 0
    assert started < 40, result.stdout + result.stderr


def test_the_workspace_disk_quota_stops_a_filler_and_nothing_of_the_run_survives(make_workspace):
    workspace = make_workspace(disk_mb=64)
    assert workspace.disk_quota and quota.mounted(workspace.root)
    result = run(["sh", "-c", "head -c 100000000 /dev/zero > big.bin; echo exit=$?; sleep 60 &"],
                 cwd=workspace.home, workspace=workspace, limits=Limits(max_file_mb=None))
    assert "No space left on device" in result.stderr
    assert (workspace.home / "big.bin").stat().st_size <= 64 * 1024 * 1024
    assert workspace.cgroup.members() == set() and not workspace.cgroup._dirs  # group emptied and removed
    quota.release(workspace.root)
    assert not quota.mounted(workspace.root) and not (workspace.root.parent / f".{workspace.root.name}.disk").exists()


def test_groups_left_by_a_killed_certifier_are_swept():
    gone = subprocess.Popen(["true"])
    gone.wait()  # a pid that no longer runs
    parents = [cgroups.ROOT / name / cgroups.PARENT for name in cgroups.V1_CONTROLLERS]
    if cgroups.mode() == "cgroup-v2":
        parents = [cgroups.ROOT / cgroups.PARENT]
    left = [parent / f"run-{gone.pid}-leftover" for parent in parents if parent.is_dir()]
    ours = [parent / f"run-{os.getpid()}-alive" for parent in parents if parent.is_dir()]
    for group in left + ours:
        group.mkdir()
    try:
        cgroups._sweep(parents)
        assert not any(group.exists() for group in left)
        assert all(group.exists() for group in ours)  # a live certifier's groups are its own
    finally:
        for group in left + ours:
            if group.exists():
                group.rmdir()
