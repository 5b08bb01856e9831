"""Linux namespaces for connector code, through bubblewrap (`bwrap`, Debian package `bubblewrap`).

Every connector command runs as `bwrap <mounts> -- python3 jail.py ... -- command`: a private PID, IPC
and UTS namespace (the command sees only its own processes), and, unless the caller asks for the
network (a package install where its registry proxy, certifier.sandbox.egress, cannot be set up),
an empty network namespace with only its own loopback; the programs of a local preview share one such
namespace (`join_network`, certifier.sandbox.netns). The mount namespace holds the system
directories read-only (/usr, /etc, the /bin and /lib links), a fresh /proc and /dev, a private
size-limited /tmp, /var/tmp and /dev/shm, the run's workspace writable, the shared package cache
read-only (writable only for the trusted install), the command's own directory and the paths the
workspace lists as `readable` read-only. Nothing else of the host is there: no other workspace, no
certifier state (result cache, store, uid registry), no home.

The jail is PID 1 of the namespace (`--as-pid-1`): when it exits the kernel kills every process left
in the namespace, and code inside cannot signal it. As root it keeps only the capabilities it needs to
drop to the sandbox uid and kill its descendants (SETUID, SETGID, SETPCAP, KILL); the command itself
has none (uid change, no_new_privs, empty bounding set).

Availability is probed once (bwrap installed and able to make the namespaces here);
CERTIFIER_SANDBOX_NAMESPACES=0 turns namespaces off (benchmarks, machines without them).
"""

from __future__ import annotations

import functools
import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Sequence

JAIL = Path(__file__).with_name("jail.py")
JAIL_INSIDE = "/run/certifier/jail.py"
SYSTEM_DIRS = ("/usr", "/etc")
SYSTEM_LINKS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
JAIL_CAPABILITIES = ("CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP", "CAP_KILL")
TMP_SIZE = 512 * 1024 * 1024  # each private /tmp, /var/tmp and /dev/shm (memory-backed: counted in the cgroup)
SWITCH = "CERTIFIER_SANDBOX_NAMESPACES"


def enabled() -> bool:
    """Namespaces are used for connector code: bwrap works here and nobody turned them off."""
    return os.environ.get(SWITCH, "1") != "0" and bwrap_version() is not None


@functools.lru_cache(maxsize=1)
def bwrap_version() -> str | None:
    """'bubblewrap 0.8.0' when bwrap can make every namespace we use on this machine, else None."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return None
    probe = [bwrap, *_namespace_flags(network=False), *_system_mounts(), "--proc", "/proc", "--dev", "/dev",
             "--", jail_python(), "-I", "-S", "-c", "pass"]
    try:
        done = subprocess.run(probe, capture_output=True, timeout=20, check=False)
        version = subprocess.run([bwrap, "--version"], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return version.stdout.strip() or "bubblewrap"


def jail_python() -> str:
    """An interpreter the jail can run inside the namespace: the system's (under /usr), else ours."""
    for candidate in ("/usr/bin/python3", "/usr/local/bin/python3"):
        if os.access(candidate, os.X_OK):
            return candidate
    return sys.executable


def bwrap_argv(*, root: Path, cwd: Path, cache: Path | None, cache_writable: bool, network: bool,
               readable: Sequence[Path], info_fd: int, privileged: bool) -> list[str]:
    """The bwrap command line that runs the jail (append its own argv after this prefix). The jail, not bwrap,
    enters `cwd`: as the sandbox user, since the workspace root is that user's alone (mode 0700)."""
    argv = [shutil.which("bwrap") or "bwrap", *_namespace_flags(network), *_system_mounts()]
    argv += ["--proc", "/proc", "--dev", "/dev"]
    for place in ("/tmp", "/var/tmp", "/dev/shm"):
        argv += ["--perms", "1777", "--size", str(TMP_SIZE), "--tmpfs", place]
    argv += ["--ro-bind", str(JAIL), JAIL_INSIDE]
    binds: list[tuple[str, Path]] = [("--ro-bind", Path(path)) for path in _interpreter_dirs()]
    binds += [("--ro-bind-try", Path(path)) for path in readable]
    if cache is not None and not cache.is_relative_to(root):
        binds.append(("--bind" if cache_writable else "--ro-bind", cache))
    binds.append(("--bind", root))
    if not cwd.is_relative_to(root) and not root.is_relative_to(cwd):  # e.g. the sealed emulator package
        binds.append(("--ro-bind", cwd))  # (never "/" or a parent of the workspace: that would show the host)
    argv += _parents(path for _, path in binds)
    for option, path in binds:
        argv += [option, str(path), str(path)]
    argv += ["--chdir", "/", "--hostname", "sandbox", "--info-fd", str(info_fd), "--as-pid-1"]
    if privileged:
        argv += ["--cap-drop", "ALL"]
        for capability in JAIL_CAPABILITIES:
            argv += ["--cap-add", capability]
    return argv + ["--"]


def join_network(fd: int) -> list[str]:
    """The prefix that starts a command in the network namespace of descriptor `fd`, which the command
    inherits: the shared network of a local preview (certifier.sandbox.netns). bwrap then runs as usual
    but without --unshare-net, so the command keeps that network and gets every other namespace."""
    return [shutil.which("nsenter") or "nsenter", f"--net=/proc/self/fd/{fd}", "--"]


def read_info(fd: int, budget_s: float) -> bytes:
    """What bwrap wrote to its --info-fd `fd` (JSON once the namespaces exist; EOF if it failed) within
    `budget_s`; closes `fd`. Read to the end: bwrap dies of SIGPIPE if we close while it still writes."""
    data, deadline = b"", time.monotonic() + budget_s
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            chunk = os.read(fd, 4096) if ready else b""
            if not chunk:
                break
            data += chunk
    finally:
        os.close(fd)
    return data


def _parents(paths) -> list[str]:
    """Traversable (0755) directories above the bound paths: bwrap would copy the host's modes, and a
    private parent (e.g. a 0700 temporary directory) would keep the sandbox user out of its own workspace.
    They are empty: nothing of the host's directory is visible, only the path down to the bind."""
    argv: list[str] = []
    seen: set[Path] = set()
    for path in paths:
        for parent in reversed(Path(path).parents):
            if parent in seen or parent == Path("/") or str(parent).startswith(SYSTEM_DIRS):
                continue
            seen.add(parent)
            argv += ["--perms", "0755", "--dir", str(parent)]
    return argv


def _namespace_flags(network: bool) -> list[str]:
    # no --die-with-parent: its PDEATHSIG follows the *thread* that started bwrap, and the preview starts
    # app servers from pool threads that end long before the servers should. The jail stops the command
    # when the certifier goes away (its control socket closes), and as PID 1 its exit ends the namespace.
    flags = ["--new-session", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    return flags if network else [*flags, "--unshare-net"]


def _system_mounts() -> list[str]:
    argv: list[str] = []
    for directory in SYSTEM_DIRS:
        if os.path.isdir(directory):
            argv += ["--ro-bind", directory, directory]
    for link in SYSTEM_LINKS:
        if os.path.islink(link):
            argv += ["--symlink", os.readlink(link), link]
        elif os.path.isdir(link):
            argv += ["--ro-bind", link, link]
    for prefix in _toolchain_prefixes():
        argv += ["--ro-bind", prefix, prefix]
    return argv


@functools.lru_cache(maxsize=1)
def _toolchain_prefixes() -> tuple[str, ...]:
    """Installations of node, git, java or Maven outside /usr (e.g. /opt/node), read-only."""
    found: list[str] = []
    for tool in ("node", "npm", "corepack", "git", "java", "mvn"):
        path = shutil.which(tool)
        real = os.path.realpath(path) if path else None
        if real and not real.startswith(("/usr/", "/etc/")):
            prefix = str(Path(real).parents[1])
            if prefix not in found and prefix != "/":
                found.append(prefix)
    return tuple(found)


def _interpreter_dirs() -> list[str]:
    """The jail's interpreter's installation when it is not a system one (read-only)."""
    python = jail_python()
    if python.startswith("/usr/"):
        return []
    return [sys.base_prefix]
