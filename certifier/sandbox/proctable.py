"""Finding and killing what is left of a process tree, from /proc (Linux).

The jail (jail.py) normally kills its own descendants. This is the certifier-side backstop for
when the jail itself was killed (possible when not root: the untrusted code runs as our own uid) or did
not stop in time: it kills the jail's session and process group, its descendants, and - when the run
used a sandbox uid that nothing else of ours is using - every process of that uid.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Proc:
    pid: int
    ppid: int
    pgid: int
    sid: int
    state: str
    uid: int


def proc_table() -> dict[int, Proc]:
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            uid = os.stat(f"/proc/{entry}").st_uid
        except OSError:
            continue
        pid = int(entry)
        table[pid] = Proc(pid, int(fields[1]), int(fields[2]), int(fields[3]), fields[0].decode(), uid)
    return table


def descendants(root: int, table: dict[int, Proc]) -> set[int]:
    children: dict[int, list[int]] = {}
    for proc in table.values():
        children.setdefault(proc.ppid, []).append(proc.pid)
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def members(leader: int, uid: int | None, token: str | None = None) -> set[int]:
    """Live processes belonging to the run led by `leader` (session/group leader, the jail): its
    descendants, session and process group, every process of `uid`, and every process whose environment
    still carries `token` (a daemon that left the session but kept the environment it was given)."""
    table = proc_table()
    found = descendants(leader, table)
    found |= {p.pid for p in table.values() if p.sid == leader or p.pgid == leader}
    if uid is not None:
        found |= {p.pid for p in table.values() if p.uid == uid}
    if token:
        found |= {p.pid for p in table.values() if p.pid not in found and _carries(p.pid, token)}
    found.discard(os.getpid())
    return {pid for pid in found if pid in table and table[pid].state != "Z"}


def _carries(pid: int, token: str) -> bool:
    try:
        with open(f"/proc/{pid}/environ", "rb") as handle:
            return token.encode() in handle.read(1 << 20)
    except OSError:
        return False


def kill_all(leader: int, uid: int | None, token: str | None = None, rounds: int = 100) -> bool:
    """Freeze and kill every member until none is left; True when nothing survived."""
    for _ in range(rounds):
        alive = members(leader, uid, token)
        if not alive:
            return True
        for _ in range(20):
            _send(alive, signal.SIGSTOP)
            again = members(leader, uid, token)
            if again <= alive:
                break
            alive |= again
        _send(alive, signal.SIGKILL)
        time.sleep(0.02)
    return not members(leader, uid, token)


def _send(pids: set[int], sig: int) -> None:
    for pid in pids:
        send(pid, sig)


def send(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except OSError:
        pass


def wait_until(condition, seconds: float) -> bool:
    """Poll `condition` (quickly at first) for up to `seconds`; its last value."""
    end, pause = time.monotonic() + seconds, 0.001
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(pause)
        pause = min(pause * 2, 0.05)
    return condition()


def tasks_of(uid: int) -> int:
    """Tasks (processes and threads: what RLIMIT_NPROC counts) of `uid`."""
    count = 0
    for proc in proc_table().values():
        if proc.uid == uid:
            try:
                count += len(os.listdir(f"/proc/{proc.pid}/task"))
            except OSError:
                count += 1
    return count


class UidUsers:
    """How many runs of this certifier process currently use each sandbox uid (for the uid sweep)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count: Counter[int] = Counter()

    def enter(self, uid: int | None) -> None:
        if uid is not None:
            with self._lock:
                self._count[uid] += 1

    def leave(self, uid: int | None) -> bool:
        """Leave; True when nobody else uses the uid any more (so all its processes may be killed)."""
        if uid is None:
            return False
        with self._lock:
            self._count[uid] -= 1
            return self._count[uid] <= 0


UID_USERS = UidUsers()
