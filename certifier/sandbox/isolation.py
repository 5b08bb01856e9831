"""How well connector code is isolated on this machine, in words a report's provenance can carry.

    isolation_level() -> "namespaces" | "uid-only" | "process-only"

* namespaces: bubblewrap works; connector code runs in private PID, IPC, UTS, mount and (but for the
  install) network namespaces, as a sandbox uid when the certifier is root.
* uid-only: no namespaces, but root: connector code runs as a sandbox uid of its own per workspace; it
  shares the host's network, sees its processes and reads world-readable files.
* process-only: neither: the invoking user's own uid, with the environment allowlist, budgets, rlimits
  and the process-tree kill only.

`isolation()` adds how limits and the disk quota are enforced, and the local preview's network:
"private" (the emulator and the apps share a namespace of their own, certifier.sandbox.netns) or "host"
(they listen on, and can reach, the host's loopback).
"""

from __future__ import annotations

import os

from certifier.sandbox import cgroups, namespaces, netns, quota


def isolation_level() -> str:
    if namespaces.enabled():
        return "namespaces"
    return "uid-only" if os.geteuid() == 0 else "process-only"


def isolation() -> dict[str, str]:
    """{"level", "tool", "limits", "disk_quota", "preview_network"}: e.g. namespaces, bubblewrap 0.8.0,
    cgroup-v1, loop-ext4, private."""
    level = isolation_level()
    tool = (namespaces.bwrap_version() or "none") if level == "namespaces" else "none"
    return {"level": level, "tool": tool,
            "limits": cgroups.mode(), "disk_quota": quota.mode(),
            "preview_network": "private" if netns.available() else "host"}
