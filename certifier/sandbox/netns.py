"""A private network namespace shared by the programs of one local preview, reached through a relay.

The emulator and the app servers of a preview must reach each other (an app calls the emulator, scripts
call their app) but nothing of the host: not Redis, PostgreSQL or RabbitMQ on the host's loopback, not a
listener of any other program. So one network namespace is made per preview, with only a loopback of its
own, and every program of the preview joins it:

* `SharedNetwork.start(directory)` starts the relay (certifier/sandbox/relay.py) in bubblewrap with a new
  network namespace (and its own PID, IPC, UTS and mount namespaces; as root without any capability).
  The relay holds the namespace and listens on a unix socket in `directory` (the run's workspace).
* The certifier keeps a file descriptor of that namespace (`fd`): the runner starts each command of the
  preview as `nsenter --net=/proc/self/fd/<fd> -- bwrap ...` (`runner.start(..., netns_fd=fd)`), so the
  command has every namespace of the sandbox but shares this network. Holding the descriptor (not a pid)
  means a recycled pid can never send a command into another namespace, least of all the host's.
* The certifier reaches a port inside with `connect(port)`: a connection to the unix socket that the
  relay carries to 127.0.0.1:<port> inside. Nothing of the preview listens on the host's network.

Joining a namespace (setns) needs CAP_SYS_ADMIN over it: `available()` is true as root, with namespaces
on and nsenter installed. Elsewhere the preview shares the host's network (docs/sandbox.md).
"""

from __future__ import annotations

import errno
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from certifier.sandbox import namespaces

RELAY = Path(__file__).with_name("relay.py")
RELAY_INSIDE = "/run/certifier/relay.py"
SOCKET_DIR_INSIDE = "/run/certifier/net"
SOCKET_NAME = "relay.sock"
START_BUDGET_S = 20.0


class NetworkError(RuntimeError):
    """The preview network could not be made: an environment problem, not the connector's."""


def available() -> bool:
    """A preview network can be made here: namespaces on, root (to join it) and nsenter installed."""
    return namespaces.enabled() and os.geteuid() == 0 and shutil.which("nsenter") is not None


class SharedNetwork:
    """One private network namespace, held by its relay; `close()` ends both."""

    def __init__(self, process: subprocess.Popen, fd: int, directory: Path) -> None:
        self._process = process  # bwrap, waiting for the relay
        self.fd = fd
        self.directory = directory
        # a short path to the socket whatever the workspace's length (unix socket paths stop at 108 bytes)
        self._dir_fd = os.open(directory, os.O_PATH | os.O_DIRECTORY)
        self._socket_path = f"/proc/self/fd/{self._dir_fd}/{SOCKET_NAME}"

    @classmethod
    def start(cls, directory: Path) -> "SharedNetwork":
        directory = Path(directory).absolute()
        directory.mkdir(parents=True, exist_ok=True)
        os.chmod(directory, 0o700)  # the certifier's alone: no sandbox uid can even find the socket
        (directory / SOCKET_NAME).unlink(missing_ok=True)
        info_r, info_w = os.pipe()
        try:
            process = subprocess.Popen(
                [*_relay_bwrap(directory, info_w), namespaces.jail_python(), "-I", "-S", RELAY_INSIDE,
                 f"{SOCKET_DIR_INSIDE}/{SOCKET_NAME}"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, pass_fds=(info_w,),
                start_new_session=True)
        except OSError as error:
            os.close(info_r)
            raise NetworkError(f"could not start the preview network's relay: {error}") from None
        finally:
            os.close(info_w)
        try:
            fd = _namespace_fd(info_r)
        except NetworkError:
            _end(process)
            raise
        if not _ready(process):
            os.close(fd)
            detail = _end(process)
            raise NetworkError(f"the preview network's relay did not start: {detail}")
        return cls(process, fd, directory)

    def connect(self, port: int, timeout_s: float) -> socket.socket:
        """A stream to 127.0.0.1:`port` inside the namespace; ConnectionRefusedError when nothing listens."""
        stream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            stream.settimeout(timeout_s)
            stream.connect(self._socket_path)
            stream.sendall(f"{int(port)}\n".encode())
            status = stream.recv(1)
        except BaseException:
            stream.close()
            raise
        if status != b"\x00":
            stream.close()
            raise ConnectionRefusedError(errno.ECONNREFUSED, f"nothing listens on port {port} in the preview network")
        return stream

    def alive(self) -> bool:
        return self._process.poll() is None

    def close(self) -> None:
        """End the relay; the namespace goes away with the last program in it."""
        _end(self._process)
        for fd in (self.fd, self._dir_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        (self.directory / SOCKET_NAME).unlink(missing_ok=True)


def _relay_bwrap(directory: Path, info_fd: int) -> list[str]:
    argv = [shutil.which("bwrap") or "bwrap", "--unshare-net", "--unshare-pid", "--unshare-ipc",
            "--unshare-uts", "--unshare-cgroup-try", *namespaces._system_mounts(), "--proc", "/proc",
            "--dev", "/dev", "--tmpfs", "/tmp", "--ro-bind", str(RELAY), RELAY_INSIDE,
            "--bind", str(directory), SOCKET_DIR_INSIDE]
    for prefix in namespaces._interpreter_dirs():
        argv += ["--ro-bind", prefix, prefix]
    argv += ["--hostname", "preview", "--info-fd", str(info_fd), "--as-pid-1"]  # the relay's exit ends the namespace
    if os.geteuid() == 0:
        argv += ["--cap-drop", "ALL"]  # root's files only (the socket directory), no capability
    return argv + ["--"]


def _namespace_fd(info_fd: int) -> int:
    """A descriptor of the relay's network namespace, checked to be the new one bwrap reported."""
    data = namespaces.read_info(info_fd, START_BUDGET_S)
    try:
        info = json.loads(data)
        pid, inode = int(info["child-pid"]), int(info["net-namespace"])
    except (ValueError, KeyError, TypeError):
        raise NetworkError(f"bwrap did not make the preview network ({data[:200]!r})") from None
    fd = os.open(f"/proc/{pid}/ns/net", os.O_RDONLY | os.O_CLOEXEC)
    if os.fstat(fd).st_ino != inode or inode == os.stat("/proc/self/ns/net").st_ino:
        os.close(fd)
        raise NetworkError("the preview network's namespace changed under us")
    return fd


def _ready(process: subprocess.Popen) -> bool:
    """The relay printed `ready` (its socket is bound) within the budget."""
    deadline = time.monotonic() + START_BUDGET_S
    line = b""
    while time.monotonic() < deadline and not line.endswith(b"\n"):
        ready, _, _ = select.select([process.stdout], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(process.stdout.fileno(), 64) if ready else b""
        if not chunk:
            break
        line += chunk
    return line.strip() == b"ready"


def _end(process: subprocess.Popen) -> str:
    """Stop the relay (stdin closed, then killed); what it said on stderr."""
    try:
        process.stdin.close()
    except OSError:
        pass
    try:
        process.wait(timeout=3)
    except subprocess.TimeoutExpired:  # the relay stays in the session of bwrap (no --new-session: no tty)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    detail = process.stderr.read(2000).decode(errors="replace").strip() if process.stderr else ""
    for stream in (process.stdout, process.stderr):
        if stream:
            stream.close()
    return detail or f"exit status {process.returncode}"
