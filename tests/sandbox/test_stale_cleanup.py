"""Nothing of a run survives it, even a certifier killed with SIGKILL: the next run (or the next certifier
process) finds the control groups, disk images and mounts named after a process that is gone, and releases
them (issue 10)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from certifier.sandbox import cgroups, quota, runs

pytestmark = pytest.mark.skipif(cgroups.mode() == "rlimits" or quota.mode() == "none",
                                reason="needs writable control groups, root, mkfs.ext4 and loop devices")
REPO = Path(__file__).resolve().parents[2]

CERTIFIER = """
import json, sys, time
from pathlib import Path
from certifier.sandbox.cgroups import RunLimits
from certifier.sandbox.runner import Workspace, start
from certifier.sandbox.runs import begin_run

base = Path(sys.argv[1])
run = begin_run(base, RunLimits(memory_mb=256, pids=64, disk_mb=64))
workspace = Workspace(base / "build" / "01-app").prepare()
server = start(["sleep", "300"], cwd=workspace.root, workspace=workspace)
print(json.dumps({"root": str(workspace.root), "quota": workspace.disk_quota, "image": str(run.disk.image),
                  "mountpoint": str(run.disk.mountpoint),
                  "groups": [str(d) for d in run.cgroup._dirs + workspace.cgroup._dirs]}), flush=True)
time.sleep(300)
"""


def mounted_at(path: str) -> bool:
    return any(line.split()[4] == path for line in Path("/proc/self/mountinfo").read_text().splitlines())


def test_a_sigkilled_certifiers_mounts_images_and_groups_are_released_by_the_next_run(tmp_path):
    certifier = subprocess.Popen([sys.executable, "-c", CERTIFIER, str(tmp_path)], cwd=REPO, text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = certifier.stdout.readline()
        assert line, certifier.stderr.read()
        left = json.loads(line)
    finally:
        certifier.send_signal(signal.SIGKILL)
        certifier.wait(timeout=30)
    assert left["quota"] and mounted_at(left["root"]) and mounted_at(left["mountpoint"])
    assert Path(left["image"]).exists() and all(Path(group).is_dir() for group in left["groups"])
    assert str(certifier.pid) in Path(left["image"]).name  # named after the certifier process

    runs.sweep_stale()  # what begin_run does first

    assert not mounted_at(left["root"]) and not mounted_at(left["mountpoint"])
    assert not Path(left["image"]).exists() and not Path(left["mountpoint"]).exists()
    assert not any(Path(group).exists() for group in left["groups"])


def test_a_live_certifiers_disk_is_not_touched(tmp_path):
    with runs.sandbox_run(tmp_path, cgroups.RunLimits(disk_mb=32)) as sandbox:
        from certifier.sandbox.runner import Workspace
        workspace = Workspace(tmp_path / "ws").prepare()
        runs.sweep_stale()
        assert mounted_at(str(workspace.root)) and sandbox.disk.image.exists()
    assert not mounted_at(str(workspace.root)) and not sandbox.disk.image.exists()


def test_an_image_whose_disk_was_never_mounted_is_deleted(tmp_path):
    gone = subprocess.Popen(["true"])
    gone.wait()
    quota._disks_dir()
    image = quota.DISKS / f"run-{gone.pid}-0123456789ab.img"
    mine = quota.DISKS / f"run-{os.getpid()}-0123456789ab.img"
    image.write_bytes(b"")
    mine.write_bytes(b"")
    try:
        assert image.name in quota.sweep()
        assert not image.exists() and mine.exists()
    finally:
        image.unlink(missing_ok=True)
        mine.unlink(missing_ok=True)
