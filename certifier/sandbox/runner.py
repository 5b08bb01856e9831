"""The process runner: the one way certifier runs connector code (install, build, test, app servers,
postDeploy/preUndeploy) and, with `tool_env`, the environment for its own tools.

Every command gets
  * an environment built from an allowlist (certifier.sandbox.env): none of our variables or secrets;
    values of the caller's variables named *SECRET*/*TOKEN*/*PASSWORD*/*KEY* are redacted from output;
  * HOME, TMPDIR and the npm cache in a `Workspace` (certifier.sandbox.workspace); registry lines (never
    credentials) of the invoking user's ~/.npmrc are copied into the workspace's .npmrc;
  * a wall-clock budget after which the whole process tree is killed (SIGTERM, then SIGKILL): a
    supervisor (certifier/sandbox/jail.py) is a child subreaper, so descendants that called setsid stay
    below it; a certifier-side backstop also kills the session, process group, and processes that carry
    the run's mark (CERTIFIER_SANDBOX_RUN) in their environment;
  * rlimits: RLIMIT_DATA (`memory_mb`; RLIMIT_AS would break Node's WebAssembly and fetch, which reserve
    tens of GB of address space), RLIMIT_NPROC, RLIMIT_FSIZE, no core dumps; no_new_privs;
  * output captured in bounded buffers (head and tail kept, the rest counted), secrets redacted.

As root (RLIMIT_NPROC does not bind root, and root can write anywhere), the command runs as the
workspace's own unprivileged uid (one per workspace root, in a shared sandbox group); the workspace root
is that uid's alone. Where bubblewrap works, every command runs in namespaces of its own
(certifier.sandbox.namespaces): no network but with `network=True` (the install with scripts disabled)
or the local preview's shared namespace (`netns_fd`, certifier.sandbox.netns), its own processes only,
the system read-only, its workspace writable, a private /tmp and /dev/shm, the shared package cache
read-only (writable with `cache_writable=True`: the install only), nothing else of the host. The
commands of one workspace share one control group (run-wide memory, task and CPU limits,
certifier.sandbox.cgroups) and, as root, a workspace root of a fixed size (certifier.sandbox.quota).
`certifier.sandbox.isolation.isolation()` says which of these this machine gives; docs/sandbox.md has
the threat model and what is left.
Not root and without bwrap, the command runs as the invoking user: environment, budget, tree kill, rlimits
and output bounds still apply, but file permissions are the user's own.
`run`/`start` raise SandboxError only when the workspace cannot be set up (e.g. under /root).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Mapping, Sequence

from certifier.sandbox.env import tool_env
from certifier.sandbox.process import RunningProcess
from certifier.sandbox.workspace import SandboxError, Workspace
from certifier.sandbox.types import Limits, ProcessResult

__all__ = ["Limits", "ProcessResult", "RunningProcess", "SandboxError", "Workspace", "run", "start", "tool_env"]


def run(argv: Sequence[str], *, cwd: Path, workspace: Workspace, env: Mapping[str, str] | None = None,
        limits: Limits = Limits(), stdin: str | bytes | None = None, redact: Sequence[str] = (),
        network: bool = False, cache_writable: bool = False, netns_fd: int | None = None) -> ProcessResult:
    """Run a command to its end (or its budget) under the runner's protections.

    `network`: the host's network (a package install with scripts disabled); otherwise the command has
    only a loopback of its own, or with `netns_fd` the shared network namespace of a local preview
    (certifier.sandbox.netns). `cache_writable`: the shared package cache is writable (only for a
    package manager that runs no connector code: scripts disabled)."""
    return RunningProcess(argv, cwd, workspace, env, limits, redact, stdin, network=network,
                          cache_writable=cache_writable, netns_fd=netns_fd).wait()


def start(argv: Sequence[str], *, cwd: Path, workspace: Workspace, env: Mapping[str, str] | None = None,
          limits: Limits = Limits(), redact: Sequence[str] = (), network: bool = False,
          netns_fd: int | None = None) -> RunningProcess:
    """Start a long-running command (an app server); a watchdog kills its tree at the wall-clock budget."""
    process = RunningProcess(argv, cwd, workspace, env, limits, redact, None, network=network, netns_fd=netns_fd)
    threading.Thread(target=process.wait, daemon=True, name=f"runner-watchdog-{process.pid}").start()
    return process
