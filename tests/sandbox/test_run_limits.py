"""Limits per run, not per app workspace: the workspaces of one run are children of the run's control group,
which holds the memory and task limits, and draw from one disk of the run's budget (issue 10)."""

from __future__ import annotations

import os
import time

import pytest

from certifier.sandbox import cgroups, quota
from certifier.sandbox.cgroups import RunGroup, RunLimits, WorkspaceCgroup
from certifier.sandbox.runner import Limits, Workspace, run, start
from certifier.sandbox.runs import sandbox_run

needs_cgroups = pytest.mark.skipif(cgroups.mode() == "rlimits", reason="no writable cgroup hierarchy here")
needs_quota = pytest.mark.skipif(quota.mode() == "none", reason="needs root, mkfs.ext4 and loop devices")

HOG = ("import sys, time\nkept = []\nfor step in range(%d):\n kept.append(bytearray(32 << 20))\n"
       " print(sys.argv[1], 32 * (step + 1), flush=True)\ntime.sleep(%s)\nprint(sys.argv[1], 'DONE', flush=True)")
SPAWN = ("import subprocess, sys, time\nstarted = []\nfor _ in range(%d):\n try:\n"
         "  started.append(subprocess.Popen(['sleep', '20']))\n except OSError:\n  pass\n"
         "print('started', len(started), flush=True)\ntime.sleep(%d)")


def wait_for(process, text: str, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while text not in process.output() and process.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    return text in process.output()


@needs_cgroups
def test_two_app_workspaces_of_one_run_share_its_memory(tmp_path):
    with sandbox_run(tmp_path, RunLimits(memory_mb=300, disk_mb=None)):
        first = Workspace(tmp_path / "build" / "01-api").prepare()
        second = Workspace(tmp_path / "build" / "02-job").prepare()
        # 192 MiB each (64% of the run's 300 MiB): either alone fits, both together do not
        server = start(["python3", "-c", HOG % (6, 30), "first"], cwd=first.root, workspace=first)
        try:
            assert wait_for(server, "first 192"), server.output()
            other = run(["python3", "-c", HOG % (6, 0), "second"], cwd=second.root, workspace=second)
            assert not (other.ok and server.alive()), other.stdout  # the kernel killed one of the two
        finally:
            server.stop(grace_s=0.5)
        alone = run(["python3", "-c", HOG % (6, 0), "alone"], cwd=second.root, workspace=second)
        assert alone.ok and "alone DONE" in alone.stdout  # the limit is the run's, not a smaller one per app


@needs_cgroups
def test_two_app_workspaces_of_one_run_share_its_task_limit(tmp_path):
    with sandbox_run(tmp_path, RunLimits(pids=40, disk_mb=None)):
        first, second = Workspace(tmp_path / "a").prepare(), Workspace(tmp_path / "b").prepare()
        no_rlimit = Limits(wall_s=30, max_procs=None)
        holder = start(["python3", "-c", SPAWN % (25, 20)], cwd=first.root, workspace=first, limits=no_rlimit)
        try:
            assert wait_for(holder, "started"), holder.output()
            held = int(holder.output().split("started")[1].split()[0])
            assert held == 25  # alone, 25 sleeps fit under the run's 40 tasks
            other = run(["python3", "-c", SPAWN % (25, 0)], cwd=second.root, workspace=second, limits=no_rlimit)
            started = int(other.stdout.split()[-1]) if "started" in other.stdout else 0
            assert 0 < started and started + held < 40, other.stdout + other.stderr
        finally:
            holder.stop(grace_s=0.5)


@needs_cgroups
def test_workspace_groups_are_children_of_the_runs_group_which_holds_the_limits(tmp_path):
    with sandbox_run(tmp_path, RunLimits(memory_mb=256, pids=64, disk_mb=None)) as sandbox:
        first, second = Workspace(tmp_path / "a").prepare(), Workspace(tmp_path / "b").prepare()
        assert first.run is sandbox and second.run is sandbox and first.limits == sandbox.limits
        servers = [start(["sleep", "20"], cwd=ws.root, workspace=ws) for ws in (first, second)]
        try:
            run_dirs = sandbox.cgroup._dirs
            for ws in (first, second):
                assert [d.parent for d in ws.cgroup._dirs] == run_dirs
            assert ws.cgroup.members() and sandbox.cgroup.members() >= first.cgroup.members() | second.cgroup.members()
            by_name = {d.parent.parent.name: d for d in run_dirs}
            if cgroups.mode() == "cgroup-v1":
                assert (by_name["memory"] / "memory.limit_in_bytes").read_text().strip() == str(256 << 20)
                assert (by_name["pids"] / "pids.max").read_text().strip() == "64"
                assert (first.cgroup._dirs[1] / "pids.max").read_text().strip() == "max"  # the run's binds
        finally:
            for server in servers:
                server.stop(grace_s=0.5)
        assert not first.cgroup._dirs and not sandbox.cgroup._dirs  # last command out: both levels removed
        assert not any(d.exists() for d in run_dirs)


@needs_cgroups
def test_a_workspace_outside_any_run_is_a_run_of_its_own(tmp_path):
    alone = Workspace(tmp_path / "ws", limits=RunLimits(pids=50, disk_mb=None)).prepare()
    other = Workspace(tmp_path / "other", limits=RunLimits(pids=50, disk_mb=None)).prepare()
    assert alone.run is not other.run and alone.limits.pids == 50
    server = start(["sleep", "20"], cwd=alone.root, workspace=alone)
    try:
        [run_dir] = [d for d in alone.run.cgroup._dirs if d.parent.parent.name == "pids"] or alone.run.cgroup._dirs
        assert run_dir.name.startswith(f"run-{os.getpid()}-") and server.alive()
        assert alone.cgroup.members() and not other.run.cgroup._dirs
    finally:
        server.stop(grace_s=0.5)
    assert not alone.run.cgroup._dirs and not run_dir.exists()


@needs_quota
def test_the_workspaces_of_one_run_share_its_disk_and_nothing_is_left(tmp_path):
    runs_dir = tmp_path / "run"
    with sandbox_run(runs_dir, RunLimits(disk_mb=64)) as sandbox:
        first, second = Workspace(runs_dir / "a").prepare(), Workspace(runs_dir / "b").prepare()
        assert first.disk_quota and second.disk_quota
        assert first.root.stat().st_dev == second.root.stat().st_dev  # one filesystem for the run
        big = Limits(max_file_mb=None)
        wrote = run(["sh", "-c", "head -c 40000000 /dev/zero > big.bin"], cwd=first.home, workspace=first, limits=big)
        assert wrote.ok, wrote.stderr
        over = run(["sh", "-c", "head -c 40000000 /dev/zero > big.bin"], cwd=second.home, workspace=second, limits=big)
        assert "No space left on device" in over.stderr  # 40 + 40 MB > the run's 64 MB
        quota.release(first.root)  # a workspace released gives its space back to the run
        again = run(["sh", "-c", "head -c 40000000 /dev/zero > big.bin"], cwd=second.home, workspace=second, limits=big)
        assert again.ok, again.stderr
        image, mountpoint = sandbox.disk.image, sandbox.disk.mountpoint
        assert image.exists() and os.path.ismount(mountpoint)
    assert not os.path.ismount(second.root) and not os.path.ismount(mountpoint)
    assert not image.exists() and not mountpoint.exists()


@pytest.fixture
def fake_cgroup_v2(tmp_path, monkeypatch):
    """cgroup v2 is not mounted here: its code path runs against a fake cgroupfs directory, made by
    `fake_cgroup_v2(controllers)` (the root's cgroup.controllers)."""

    def make(controllers: str) -> None:
        (tmp_path / "cgroup.controllers").write_text(f"{controllers}\n")
        (tmp_path / "cgroup.subtree_control").write_text("")
        monkeypatch.setattr(cgroups, "ROOT", tmp_path)
        cgroups.mode.cache_clear()

    yield make
    cgroups.mode.cache_clear()


def test_v2_run_group_holds_the_limits_and_enables_controllers_for_its_workspaces(tmp_path, fake_cgroup_v2):
    fake_cgroup_v2("cpuset cpu io memory pids")
    assert cgroups.mode() == "cgroup-v2"
    group = RunGroup(RunLimits(memory_mb=512, pids=100, cpus=1.5))
    workspaces = [WorkspaceCgroup(group), WorkspaceCgroup(group)]
    procs = [ws.enter() for ws in workspaces]
    [run_dir] = group._dirs
    assert run_dir.parent == tmp_path / cgroups.PARENT and run_dir.name.startswith(f"run-{os.getpid()}-")
    assert (run_dir / "memory.max").read_text() == str(512 << 20)
    assert (run_dir / "memory.swap.max").read_text() == "0"
    assert (run_dir / "pids.max").read_text() == "100"
    assert (run_dir / "cpu.max").read_text() == "150000 100000"
    assert (run_dir / "cgroup.subtree_control").read_text() == "+memory +pids +cpu"
    assert (tmp_path / cgroups.PARENT / "cgroup.subtree_control").read_text() == "+memory +pids +cpu"
    for [procs_file] in procs:
        assert procs_file.name == "cgroup.procs" and procs_file.parent.parent == run_dir
        assert not (procs_file.parent / "memory.max").exists()  # the run's limit binds, none per app
    assert procs[0] != procs[1]


def test_v2_sweep_removes_a_dead_certifiers_run_and_workspace_groups(tmp_path, fake_cgroup_v2):
    fake_cgroup_v2("memory pids")
    dead = dead_pid()
    left = tmp_path / cgroups.PARENT / f"run-{dead}-abc"
    ours = tmp_path / cgroups.PARENT / f"run-{os.getpid()}-def"
    for group in (left / "ws-1", left / "ws-2", ours / "ws-3"):
        group.mkdir(parents=True)
    cgroups.sweep()
    assert not left.exists() and (ours / "ws-3").is_dir()


def dead_pid() -> int:
    import subprocess
    gone = subprocess.Popen(["true"])
    gone.wait()
    return gone.pid


def test_certify_makes_one_run_of_all_its_workspaces_and_ends_it(monkeypatch):
    import certifier.certify as certify_module

    seen = {}

    def checks(request, profile, workspace, *_later):  # whatever else certify passes its _run
        seen.update(directory=workspace, build=Workspace(workspace / "build" / "01-api").run,
                    preview=Workspace(workspace / "preview" / "server").run)
        raise RuntimeError("stop after the workspaces were made")

    monkeypatch.setattr(certify_module, "_run", checks)
    with pytest.raises(RuntimeError):
        certify_module.certify(certify_module.RunRequest(source="unused"))
    assert seen["build"] is seen["preview"] and seen["build"].directory == seen["directory"]
    assert Workspace(seen["directory"] / "build" / "01-api").run is not seen["build"]  # ended: no longer registered
