"""The jail: a tiny supervisor between the certifier and one untrusted command (run as a script).

    python -I -S jail.py '<json config>' -- argv...

It is started (as root when the certifier is root) in a new session, makes itself a *child subreaper*
so that every descendant of the command stays its descendant even after `setsid` + double fork, then
forks the command: rlimits, no supplementary groups, the sandbox uid/gid, no_new_privs, umask, exec.
When the command ends (or the certifier asks, or the certifier dies: the control socket closes) the
jail freezes (SIGSTOP) and kills (SIGKILL) every remaining descendant, reaps them, writes the
command's exit status to the control socket, and exits. It imports only the standard library and
nothing of certifier, so it starts fast and trusts nothing in the environment.
"""

import ctypes
import json
import os
import resource
import select
import signal
import socket
import sys
import time

PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
PR_CAPBSET_DROP = 24
_stop = {"graceful": False, "now": False}
_main: dict = {"pid": None, "status": None}


def main() -> int:
    config = json.loads(sys.argv[1])
    argv = sys.argv[3:]
    control = socket.socket(fileno=config["control_fd"])
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    signal.signal(signal.SIGTERM, lambda *_: _stop.update(graceful=True))
    signal.signal(signal.SIGINT, lambda *_: _stop.update(graceful=True))
    signal.signal(signal.SIGHUP, lambda *_: _stop.update(graceful=True))
    signal.signal(signal.SIGUSR1, lambda *_: _stop.update(now=True))
    wake_r, wake_w = os.pipe()  # SIGCHLD wakes the supervision loop at once (no polling delay)
    os.set_blocking(wake_w, False)
    os.set_blocking(wake_r, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    main_pid = os.fork()
    if main_pid == 0:
        control.close()
        signal.set_wakeup_fd(-1)
        os.close(wake_r)
        os.close(wake_w)
        _exec_command(config, argv, libc)
    _main["pid"] = main_pid
    status = _supervise(control, wake_r, float(config.get("grace_s", 5.0)))
    _kill_descendants()
    try:
        control.sendall(json.dumps(status).encode())
    except OSError:
        pass
    return 0


def _exec_command(config: dict, argv: list[str], libc) -> None:
    try:
        for name, value in config.get("rlimits", {}).items():
            kind = getattr(resource, name)
            hard = resource.getrlimit(kind)[1]
            value = value if hard == resource.RLIM_INFINITY else min(value, hard)  # only root may raise
            resource.setrlimit(kind, (value, value))
        if config.get("drop_capabilities"):  # in a namespace as root: nothing for the command to regain
            for capability in range(64):
                libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0)
        if config.get("uid") is not None:
            os.setgroups([])
            os.setgid(config["gid"])
            os.setuid(config["uid"])
        libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
        if config.get("cwd"):  # as the sandbox user: the workspace is its own, mode 0700
            os.chdir(config["cwd"])
        os.umask(config.get("umask", 0o077))
        # Python ignores SIGPIPE and SIGXFSZ and exec keeps "ignored": give the command the defaults
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1, signal.SIGCHLD,
                    signal.SIGPIPE, signal.SIGXFSZ):
            signal.signal(sig, signal.SIG_DFL)
        os.execvp(argv[0], argv)
    except BaseException as error:  # report and leave: nothing of ours may run past this point
        os.write(2, f"certifier runner: could not start {argv[:1]}: {error}\n".encode(errors="replace"))
    os._exit(127)


def _supervise(control: socket.socket, wake: int, grace_s: float) -> dict:
    """Reap children until the command exits; on request (or lost parent) stop the whole tree."""
    while True:
        status = _reap()
        if status is not None:
            return status
        if _stop["now"]:
            return _stop_tree(0.0)
        if _stop["graceful"]:
            return _stop_tree(grace_s)
        try:
            readable, _, _ = select.select([control, wake], [], [], 0.5)
        except InterruptedError:
            continue
        if wake in readable:
            try:
                os.read(wake, 512)
            except BlockingIOError:
                pass
        if control in readable and not control.recv(64):  # EOF: the certifier is gone, nobody will read the output
            return _stop_tree(0.0)


def _stop_tree(grace_s: float) -> dict:
    _signal_all(signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline and not _stop["now"]:
        if _reap() is not None and not _descendants():
            break
        time.sleep(0.05)
    _kill_descendants()
    return _reap() or {"signal": int(signal.SIGKILL)}


def _reap() -> dict | None:
    """Reap every exited child (orphans end up here too); the command's status once it has exited."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            break
        if pid == _main["pid"]:
            exited = os.WIFEXITED(status)
            _main["status"] = {"exit": os.WEXITSTATUS(status)} if exited else {"signal": os.WTERMSIG(status)}
    return _main["status"]


def _kill_descendants() -> None:
    """Freeze then kill everything below us until nothing is left (a fork bomb cannot outrun a freeze)."""
    for _ in range(200):
        if not _descendants():
            return
        for _ in range(20):  # freeze until the set stops growing
            before = _descendants()
            _signal_all(signal.SIGSTOP, before)
            if _descendants() <= before:
                break
        _signal_all(signal.SIGKILL)
        time.sleep(0.02)
        _reap()
    _reap()


def _signal_all(sig: int, pids: set[int] | None = None) -> None:
    for pid in pids if pids is not None else _descendants():
        try:
            os.kill(pid, sig)
        except OSError:
            pass


def _descendants() -> set[int]:
    """Live (non-zombie) processes below this one, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if stat[0] != b"Z":
            children.setdefault(int(stat[1]), []).append(int(entry))
    found, todo = set(), [os.getpid()]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


if __name__ == "__main__":
    sys.exit(main())
