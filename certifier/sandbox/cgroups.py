"""Limits per run, not per process: one control group per certifier run, one child group per workspace.

Every command of a workspace (install, scripts, build, test, an app server and its postDeploy at the same
time) joins the workspace's group before bwrap starts; the workspaces' groups are children of the run's
group, which holds the limits, so memory, task count and CPU are shared by every app of the connector:
three processes of 2 GiB each cannot run at once under a 4 GiB limit, whichever apps they belong to; a
fork bomb meets the task limit of the run. cgroup v2 (`memory.max`, `pids.max`, `cpu.max`) where the
unified hierarchy has the controllers, else the v1 hierarchies mounted at /sys/fs/cgroup/{memory,pids,cpu};
when neither is writable only the per-process rlimits of the jail hold (`mode()` says which, for the
report).

When the last command of a workspace ends, whatever is still in its group is killed and the group removed;
the run's group goes with its last workspace group (or at the run's end). Groups are named
`run-<pid>-<id>/ws-<id>` after the certifier process: those of a process that is gone (killed with
SIGKILL) are removed by `sweep`, at the start of the next run.
"""

from __future__ import annotations

import functools
import os
import signal
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(os.environ.get("CERTIFIER_CGROUP_ROOT", "/sys/fs/cgroup"))
PARENT = "certifier-sandbox"
V1_CONTROLLERS = ("memory", "pids", "cpu")
CPU_PERIOD_US = 100_000


@dataclass(frozen=True)
class RunLimits:
    """What all commands of one run (every workspace of one connector) may use together (None: no limit)."""

    memory_mb: int | None = 4096
    pids: int | None = 2048  # tasks: processes and threads (node has ~10 threads per process)
    cpus: float | None = None  # CPU time per wall second; None: the machine's
    disk_mb: int | None = 8192  # the run's filesystem, shared by its workspaces (certifier.sandbox.quota)

    @classmethod
    def from_env(cls) -> "RunLimits":
        def number(name: str, default, kind):
            value = os.environ.get(f"CERTIFIER_SANDBOX_{name}")
            if value is None:
                return default
            try:
                return kind(value) if kind(value) > 0 else None
            except ValueError:
                return default

        base = cls()
        return cls(number("MEMORY_MB", base.memory_mb, int), number("PIDS", base.pids, int),
                   number("CPUS", base.cpus, float), number("DISK_MB", base.disk_mb, int))


@functools.lru_cache(maxsize=1)
def mode() -> str:
    """'cgroup-v2', 'cgroup-v1' or 'rlimits' (no writable cgroup hierarchy: per-process limits only)."""
    if _v2_ready():
        _sweep([ROOT / PARENT])
        return "cgroup-v2"
    if all(_v1_ready(name) for name in ("memory", "pids")):
        _sweep([ROOT / name / PARENT for name in V1_CONTROLLERS])
        return "cgroup-v1"
    return "rlimits"


def _sweep(parents: list[Path]) -> None:
    """Remove the groups a killed certifier left behind (named after its pid, which is gone)."""
    for parent in parents:
        for group in parent.glob("run-*-*"):
            try:
                owner = int(group.name.split("-")[1])
            except ValueError:
                continue
            if not Path(f"/proc/{owner}").exists():
                _remove(group)  # the run's group and its workspaces' groups


def _v2_ready() -> bool:
    try:
        controllers = (ROOT / "cgroup.controllers").read_text().split()
    except OSError:
        return False
    if not {"memory", "pids"} <= set(controllers):
        return False
    parent = ROOT / PARENT
    try:
        parent.mkdir(exist_ok=True)
        wanted = _v2_controllers()
        (ROOT / "cgroup.subtree_control").write_text(" ".join(f"+{c}" for c in wanted))
        (parent / "cgroup.subtree_control").write_text(" ".join(f"+{c}" for c in wanted))
    except OSError:
        return False
    return True


def _v2_controllers() -> list[str]:
    try:
        controllers = (ROOT / "cgroup.controllers").read_text().split()
    except OSError:
        return []
    return [c for c in ("memory", "pids", "cpu") if c in controllers]


def _v1_ready(controller: str) -> bool:
    parent = ROOT / controller / PARENT
    try:
        parent.mkdir(exist_ok=True)
        return (parent / "cgroup.procs").is_file()
    except OSError:
        return False


class RunGroup:
    """The control group of one certifier run (one connector's certification): it holds the limits, and the
    groups of the run's workspaces are its children, so all of them together stay under one budget. It
    exists while any workspace of the run has a command running; `close` empties and removes it."""

    def __init__(self, limits: RunLimits) -> None:
        self.limits = limits
        self._lock = threading.Lock()
        self._users = 0  # workspace groups that exist below it
        self._dirs: list[Path] = []

    def acquire(self) -> list[Path]:
        """The run's directories (one per hierarchy) a new workspace group is made in ([] without cgroups)."""
        with self._lock:
            if mode() == "rlimits":
                return []
            if self._users == 0 or not self._dirs:
                self._dirs = _create_run(self.limits)
            self._users += 1
            return list(self._dirs)

    def release(self) -> None:
        """A workspace group was removed; the last one removes the run's group."""
        with self._lock:
            self._users -= 1
            if self._users > 0:
                return
            self._users = 0
            dirs, self._dirs = self._dirs, []
        for directory in dirs:
            _remove(directory)

    def close(self) -> None:
        """The run ended: kill whatever is left in any of its groups and remove them."""
        with self._lock:
            dirs, self._dirs, self._users = self._dirs, [], 0
        for directory in dirs:
            _remove(directory)

    def members(self) -> set[int]:
        pids: set[int] = set()
        for directory in list(self._dirs):
            for group in _tree(directory):
                pids |= _pids(group)
        return pids


class WorkspaceCgroup:
    """The group of one workspace, a child of its run's group; `enter` before a command starts, `leave`
    after it ended. Its own directory carries no limit: the run's does."""

    def __init__(self, run: RunGroup) -> None:
        self.run = run
        self._lock = threading.Lock()
        self._users = 0
        self._dirs: list[Path] = []

    @property
    def limits(self) -> RunLimits:
        return self.run.limits

    def enter(self) -> list[Path]:
        """The cgroup.procs files a command's first process must write its pid to ([] without cgroups)."""
        with self._lock:
            if mode() == "rlimits":
                return []
            if self._users == 0 or not self._dirs:
                self._dirs = _create_children(self.run.acquire())
            self._users += 1
            return [directory / "cgroup.procs" for directory in self._dirs]

    def leave(self) -> None:
        """One command ended; the last one out kills what is left in the group and removes it."""
        with self._lock:
            if not self._dirs:
                return
            self._users -= 1
            if self._users > 0:
                return
            dirs, self._dirs = self._dirs, []
        for directory in dirs:
            _remove(directory)
        self.run.release()

    def members(self) -> set[int]:
        pids: set[int] = set()
        for directory in list(self._dirs):
            pids |= _pids(directory)
        return pids


def sweep() -> None:
    """Remove the groups of certifier processes that are gone (called at every run's start)."""
    current = mode()
    if current == "cgroup-v2":
        _sweep([ROOT / PARENT])
    elif current == "cgroup-v1":
        _sweep([ROOT / name / PARENT for name in V1_CONTROLLERS])


def _create_run(limits: RunLimits) -> list[Path]:
    name = f"run-{os.getpid()}-{uuid.uuid4().hex[:12]}"
    if mode() == "cgroup-v2":
        group = ROOT / PARENT / name
        group.mkdir()
        _write(group / "memory.max", _bytes(limits.memory_mb))
        _write(group / "memory.swap.max", "0" if limits.memory_mb else "max")
        _write(group / "pids.max", str(limits.pids) if limits.pids else "max")
        if limits.cpus:
            _write(group / "cpu.max", f"{int(limits.cpus * CPU_PERIOD_US)} {CPU_PERIOD_US}")
        # processes live only in the workspaces' groups below (v2: no process in an inner node)
        _write(group / "cgroup.subtree_control", " ".join(f"+{c}" for c in _v2_controllers()))
        return [group]
    dirs = []
    for controller in V1_CONTROLLERS:
        if not (ROOT / controller / PARENT).is_dir() and not _v1_ready(controller):
            continue
        group = ROOT / controller / PARENT / name
        group.mkdir()
        dirs.append(group)
        if controller == "memory" and limits.memory_mb:
            _write(group / "memory.use_hierarchy", "1")  # children count against this limit (default on new kernels)
            _write(group / "memory.limit_in_bytes", _bytes(limits.memory_mb))
            _write(group / "memory.memsw.limit_in_bytes", _bytes(limits.memory_mb))
        elif controller == "pids" and limits.pids:
            _write(group / "pids.max", str(limits.pids))
        elif controller == "cpu" and limits.cpus:
            _write(group / "cpu.cfs_period_us", str(CPU_PERIOD_US))
            _write(group / "cpu.cfs_quota_us", str(int(limits.cpus * CPU_PERIOD_US)))
    return dirs


def _create_children(parents: list[Path]) -> list[Path]:
    name = f"ws-{uuid.uuid4().hex[:12]}"
    children = []
    for parent in parents:
        child = parent / name
        child.mkdir()
        children.append(child)
    return children


def _tree(directory: Path) -> list[Path]:
    """`directory` and the groups below it, deepest first."""
    try:
        below = [entry for entry in directory.iterdir() if entry.is_dir() and not entry.is_symlink()]
    except OSError:
        below = []
    return [group for child in below for group in _tree(child)] + [directory]


def _remove(directory: Path) -> None:
    """Kill every process of `directory` and of the groups below it, then remove them, deepest first."""
    for group in _tree(directory):
        _empty(group)
        try:
            group.rmdir()
        except OSError:
            pass


def _empty(directory: Path) -> None:
    """Kill every process of the group until none is left (v2: cgroup.kill; v1: freeze-free SIGKILL loop)."""
    if (directory / "cgroup.kill").exists():
        _write(directory / "cgroup.kill", "1")
    for _ in range(200):
        pids = _pids(directory)
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.01)


def _pids(directory: Path) -> set[int]:
    try:
        return {int(line) for line in (directory / "cgroup.procs").read_text().split()}
    except (OSError, ValueError):
        return set()


def _bytes(megabytes: int | None) -> str:
    return str(megabytes * 1024 * 1024) if megabytes else "max"


def _write(path: Path, value: str) -> None:
    try:
        path.write_text(value)
    except OSError:  # e.g. memsw without swap accounting: the limits that exist still hold
        pass
