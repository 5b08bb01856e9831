"""One command under the runner: launch through the jail, bounded capture, budget, tree kill, result."""

from __future__ import annotations

import json
import os
import re
import secrets
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Mapping, Sequence

from certifier.sandbox import namespaces
from certifier.sandbox.env import sandbox_env, secret_values
from certifier.sandbox.output import BoundedBuffer, StreamReader, redact as _redact, usable_secrets
from certifier.sandbox.proctable import UID_USERS, kill_all, send, tasks_of, wait_until
from certifier.sandbox.workspace import Workspace
from certifier.sandbox.types import Limits, ProcessResult

JAIL = Path(__file__).with_name("jail.py")
MB = 1024 * 1024
TOKEN_VARIABLE = "CERTIFIER_SANDBOX_RUN"


class RunningProcess:
    """A command under the runner; created by `run`/`start`. `pid` is its supervisor's (the session leader)."""

    def __init__(self, argv: Sequence[str], cwd: Path, workspace: Workspace, env: Mapping[str, str] | None,
                 limits: Limits, redact: Sequence[str], stdin: str | bytes | None, *, network: bool = False,
                 cache_writable: bool = False, netns_fd: int | None = None) -> None:
        self.argv = tuple(str(a) for a in argv)
        self.limits = limits
        self.network = network
        self._netns_fd = netns_fd  # a shared network namespace to join (the local preview's)
        self._cache_writable = cache_writable
        self._workspace = workspace.prepare()
        self._env = sandbox_env(workspace.home, workspace.tmp, workspace.npm_cache, env, private=workspace.cache)
        # a random mark in the environment: finds daemons that left the session (see runner_proc.members)
        self._token = f"{TOKEN_VARIABLE}={secrets.token_hex(12)}"
        self._env[TOKEN_VARIABLE] = self._token.split("=", 1)[1]
        self._secrets = usable_secrets([*redact, *secret_values(env)])
        per_stream = max(limits.max_output_bytes // 2, 64)
        self._out, self._err = BoundedBuffer(per_stream), BoundedBuffer(per_stream)
        self._started = time.monotonic()
        self._deadline = self._started + limits.wall_s
        self._lock = threading.Lock()
        self._result: ProcessResult | None = None
        self._reason: str | None = None
        self._timed_out = False
        self._popen: subprocess.Popen | None = None
        self._control_lock = threading.Lock()
        self._control_eof = False
        self._status_bytes = b""
        self._jail_pid: int | None = None  # the jail's pid as the certifier sees it (signals go there)
        self._cgroup = None
        self._popen = self._launch(Path(cwd), stdin)

    # -- public -----------------------------------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        return self._popen.pid if self._popen else None

    def alive(self) -> bool:
        return self._result is None and self._popen is not None and not self._exited()

    def output(self) -> str:
        """Output so far, bounded and redacted (stdout, then stderr)."""
        out, err = self._out.text(self._secrets), self._err.text(self._secrets)
        return out + ("\n" if out and err else "") + err

    def wait(self, timeout: float | None = None) -> ProcessResult | None:
        """The result once the command ended (killing the tree at the wall-clock budget); None on timeout."""
        end = self._deadline if timeout is None else min(self._deadline, time.monotonic() + timeout)
        while self._result is None:
            if self._popen is not None and not self._reported(min(end, self._deadline)):
                if time.monotonic() >= self._deadline:
                    self._timed_out = True
                    self._terminate(f"wall-clock budget of {self.limits.wall_s:g}s exceeded: process tree killed", 2.0)
                    continue
                if time.monotonic() >= end:
                    return None
                continue
            self._finish()
        return self._result

    def stop(self, grace_s: float = 5.0) -> ProcessResult:
        """SIGTERM the tree, SIGKILL what is left after `grace_s`; the result."""
        if self._result is None and self._popen is not None and not self._exited():
            self._terminate("stopped by the certifier", grace_s)
        return self.wait()

    # -- internals --------------------------------------------------------------------------------------
    def _launch(self, cwd: Path, stdin: str | bytes | None) -> subprocess.Popen | None:
        executable = shutil.which(self.argv[0], path=self._env["PATH"]) if self.argv else None
        if executable is None:
            self._reason = f"could not start: {self.argv[:1]} not found on the sandbox PATH"
            self._finish()
            return None
        parent_end, child_end = socket.socketpair()
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        info_r, info_w = os.pipe()
        config = {"control_fd": child_end.fileno(), "rlimits": self._rlimits(), "grace_s": 5.0,
                  "uid": self._workspace.uid, "gid": self._workspace.gid, "umask": 0o007, "cwd": str(cwd),
                  "drop_capabilities": self._workspace.uid is not None and self._workspace.namespaced()}
        # run-wide limits bind connector code; the certifier's own tools keep their per-process limits
        self._cgroup = self._workspace.cgroup if self._workspace.isolated else None
        cgroup_procs = self._cgroup.enter() if self._cgroup else []
        try:
            popen = subprocess.Popen(
                [*_join_cgroup(cgroup_procs), *self._jail_argv(cwd, config, info_w), executable, *self.argv[1:]],
                cwd=cwd, env=self._env, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                stdout=out_w, stderr=err_w, start_new_session=True,
                pass_fds=(child_end.fileno(), info_w, *([self._netns_fd] if self._netns_fd is not None else [])))
        except OSError as error:
            for fd in (out_r, out_w, err_r, err_w, info_r, info_w):
                os.close(fd)
            parent_end.close()
            child_end.close()
            if self._cgroup:
                self._cgroup.leave()
            self._reason = f"could not start: {error}"
            self._finish()
            return None
        finally:
            child_end.close()
        for fd in (out_w, err_w, info_w):
            os.close(fd)
        if self._workspace.namespaced():
            self._jail_pid = _read_child_pid(info_r)
        else:
            os.close(info_r)
            self._jail_pid = popen.pid
        UID_USERS.enter(self._workspace.uid)
        self._control = parent_end
        self._readers = [StreamReader(out_r, self._out), StreamReader(err_r, self._err)]
        for reader in self._readers:
            reader.start()
        if stdin is not None:
            threading.Thread(target=_feed, args=(popen.stdin, stdin), daemon=True).start()
        return popen

    def _jail_argv(self, cwd: Path, config: dict, info_fd: int) -> list[str]:
        """bwrap + the jail inside the namespaces, or the jail alone (uid-only / process-only isolation);
        after nsenter when the command joins a shared network namespace."""
        joined = namespaces.join_network(self._netns_fd) if self._netns_fd is not None else []
        if not self._workspace.namespaced():
            return [*joined, sys.executable, "-I", "-S", str(JAIL), json.dumps(config), "--"]
        workspace = self._workspace
        prefix = namespaces.bwrap_argv(
            root=workspace.root, cwd=cwd, cache=workspace.npm_cache, cache_writable=self._cache_writable,
            network=self.network or bool(joined), readable=workspace.readable, info_fd=info_fd,
            privileged=workspace.uid is not None)
        return [*joined, *prefix, namespaces.jail_python(), "-I", "-S", namespaces.JAIL_INSIDE, json.dumps(config), "--"]

    def _rlimits(self) -> dict[str, int]:
        limits = {"RLIMIT_CORE": 0}
        if self.limits.memory_mb:
            limits["RLIMIT_DATA"] = self.limits.memory_mb * MB
        if self.limits.max_file_mb:
            limits["RLIMIT_FSIZE"] = self.limits.max_file_mb * MB
        if self.limits.max_procs:
            # the count is per real uid: not root, our own processes count too
            already = 0 if self._workspace.uid is not None else tasks_of(os.getuid())
            limits["RLIMIT_NPROC"] = self.limits.max_procs + already
        return limits

    def _reported(self, until: float) -> bool:
        """Wait (at most until `until`, in short slices) for the supervisor to close its control socket:
        it sends the command's status and exits. True once that happened."""
        with self._control_lock:
            if self._control_eof:
                return True
            remaining = max(0.0, min(until - time.monotonic(), 0.25))
            try:
                ready, _, _ = select.select([self._control], [], [], remaining)
                data = self._control.recv(4096) if ready else None
            except OSError:
                data = b""
            if data:
                self._status_bytes += data[:4096]
            elif data is not None:
                self._control_eof = True
                wait_until(self._exited, 5.0)
            return self._control_eof

    def _exited(self) -> bool:
        """True once the supervisor has exited (left as a zombie so its pid cannot be reused yet)."""
        try:
            info = os.waitid(os.P_PID, self._popen.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return True
        return info is not None

    def _terminate(self, reason: str, grace_s: float) -> None:
        with self._lock:
            self._reason = self._reason or reason
        pid = self._popen.pid
        for sig, wait_s in ((signal.SIGTERM, grace_s), (signal.SIGUSR1, 3.0)):
            send(self._jail_pid or pid, sig)
            if wait_until(self._exited, wait_s):
                return
        kill_all(pid, None, self._token)
        send(pid, signal.SIGKILL)
        wait_until(self._exited, 5.0)

    def _finish(self) -> None:
        with self._lock:
            if self._result is not None:
                return
            status = None
            if self._popen is not None:
                sole = UID_USERS.leave(self._workspace.uid)
                kill_all(self._popen.pid, self._workspace.uid if sole else None, self._token)  # backstop, see runner_proc
                self._popen.wait()
                if self._cgroup:
                    self._cgroup.leave()  # the last command of the workspace empties its group
                self._control.close()
                status = _parse_status(self._status_bytes)
                for reader in self._readers:
                    reader.finish(5.0)
            self._result = self._make_result(status)

    def _make_result(self, status: dict | None) -> ProcessResult:
        exit_code = None
        if status is not None:
            exit_code = status["exit"] if "exit" in status else -int(status["signal"])
        elif self._popen is not None:
            exit_code = self._popen.returncode
        reason = self._reason or _signal_reason(exit_code)
        stderr = self._err.text(self._secrets)
        if self._popen is None and self._reason:
            stderr = _redact(self._reason, self._secrets)
        return ProcessResult(
            argv=self.argv, exit_code=exit_code, timed_out=self._timed_out,
            duration_s=round(time.monotonic() - self._started, 3), stdout=self._out.text(self._secrets),
            stderr=stderr, output_truncated=bool(self._out.dropped or self._err.dropped), killed_reason=reason)


def _join_cgroup(procs_files: list[Path]) -> list[str]:
    """A shell that moves itself into the workspace's control group, then execs the jail (or bwrap): every
    process of the command is born inside the group."""
    if not procs_files:
        return []
    moves = " && ".join(f"echo $$ > {shlex.quote(str(path))}" for path in procs_files)
    return ["/bin/sh", "-c", f'{moves} && exec "$@"', "sh"]


def _read_child_pid(fd: int) -> int | None:
    """The jail's pid from bwrap's --info-fd (JSON, written once the namespace exists; EOF if it failed)."""
    return _child_pid(namespaces.read_info(fd, 10))


def _child_pid(data: bytes) -> int | None:
    match = re.search(rb'"child-pid"\s*:\s*(\d+)', data)
    return int(match.group(1)) if match else None


def _feed(pipe, data: str | bytes) -> None:
    try:
        pipe.write(data.encode() if isinstance(data, str) else data)
        pipe.close()
    except (OSError, ValueError):
        pass


def _parse_status(data: bytes) -> dict | None:
    try:
        status = json.loads(data) if data else None
    except ValueError:
        return None
    return status if isinstance(status, dict) and ("exit" in status or "signal" in status) else None


def _signal_reason(exit_code: int | None) -> str | None:
    if exit_code is None or exit_code >= 0:
        return None
    if -exit_code == signal.SIGXFSZ:
        return "file size limit exceeded (RLIMIT_FSIZE)"
    try:
        return f"killed by {signal.Signals(-exit_code).name}"
    except ValueError:
        return f"killed by signal {-exit_code}"
