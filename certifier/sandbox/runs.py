"""One certifier run's share of the machine: every workspace of the run draws from the same limits.

A run (one connector's certification) registers its directory with `begin_run` (or `sandbox_run`); a
workspace whose root lies below it joins the run's control group (certifier.sandbox.cgroups: memory,
tasks, CPU) and the run's disk (certifier.sandbox.quota), so a connector with several apps gets the run's
limits once, not once per app. A workspace outside any registered run (a test, a tool) is a run of its
own. When the run ends its groups are emptied and removed and its disk released; what a killed certifier
left behind is swept at the start of the next run (`sweep_stale`).
"""

from __future__ import annotations

import functools
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from certifier.sandbox import cgroups, quota
from certifier.sandbox.cgroups import RunLimits

_lock = threading.Lock()
_runs: dict[Path, "SandboxRun"] = {}


class SandboxRun:
    """The limits, control group and disk shared by the workspaces below `directory`."""

    def __init__(self, directory: Path, limits: RunLimits, *, private: bool = False) -> None:
        self.directory = Path(directory).absolute()
        self.limits = limits
        self.cgroup = cgroups.RunGroup(limits)
        self.disk = quota.RunDisk(limits.disk_mb, private=private) if limits.disk_mb else None

    def close(self, *, keep_files: bool = False) -> None:
        """Kill what is left in the run's groups and remove them; release the disk unless the run's files
        are kept (then it goes when the process exits)."""
        self.cgroup.close()
        if self.disk is not None and not keep_files:
            self.disk.release()


def begin_run(directory: Path, limits: RunLimits | None = None) -> SandboxRun:
    """From now on, workspaces made below `directory` share one set of run-wide limits; end with `end_run`."""
    sweep_stale()
    run = SandboxRun(directory, limits or RunLimits.from_env())
    with _lock:
        _runs[run.directory] = run
    return run


def end_run(run: SandboxRun, *, keep_files: bool = False) -> None:
    with _lock:
        if _runs.get(run.directory) is run:
            del _runs[run.directory]
    run.close(keep_files=keep_files)


@contextmanager
def sandbox_run(directory: Path, limits: RunLimits | None = None, *, keep_files: bool = False
                ) -> Iterator[SandboxRun]:
    """`begin_run` ... `end_run` around a block."""
    run = begin_run(directory, limits)
    try:
        yield run
    finally:
        end_run(run, keep_files=keep_files)


def run_of(root: Path, limits: RunLimits | None = None) -> SandboxRun:
    """The registered run `root` belongs to (the innermost), else a run of this workspace alone."""
    root = Path(root).absolute()
    with _lock:
        owners = [run for directory, run in _runs.items() if root == directory or root.is_relative_to(directory)]
    if owners:
        return max(owners, key=lambda run: len(run.directory.parts))
    return SandboxRun(root, limits or RunLimits.from_env(), private=True)


def sweep_stale() -> None:
    """Release the control groups, disks and mounts of certifier processes that are gone."""
    cgroups.sweep()
    quota.sweep()


@functools.lru_cache(maxsize=1)
def sweep_once() -> None:
    """`sweep_stale` once per process, for workspaces made outside any registered run."""
    sweep_stale()
