"""Free loopback ports and bounded waits for a listener."""

from __future__ import annotations

import random
import socket
import time
from pathlib import Path
from typing import Callable


# Ports for our listeners come from below the kernel's ephemeral range. A port the kernel hands out for
# bind(0) comes from that range, and so does the local port of every outgoing connection: one of the many
# connections of a run (probes, emulator clients, npm) could take it before the app binds it, and the app
# then fails to start (seen under parallel test load).
LISTEN_PORTS = range(20000, 32768)
_EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")


def free_port() -> int:
    """A port of 127.0.0.1 that was free a moment ago and that no outgoing connection will take."""
    low, high = _ephemeral_range()
    candidates = [port for port in (random.randrange(LISTEN_PORTS.start, LISTEN_PORTS.stop) for _ in range(64))
                  if not low <= port <= high]
    for port in candidates:
        if _bindable(port):
            return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:  # every pick was taken: let the OS choose
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _bindable(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = (int(n) for n in _EPHEMERAL_RANGE.read_text().split()[:2])
    except (OSError, ValueError):
        return 32768, 60999  # Linux's default
    return low, high


def accepts(port: int, timeout_s: float = 0.5) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout_s):
            return True
    except OSError:
        return False


def wait_until(ready: Callable[[], bool], *, timeout_s: float, give_up: Callable[[], bool] = lambda: False,
               interval_s: float = 0.1) -> bool:
    """Poll `ready` until it is true (True), `give_up` is true or the time is over (False)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if ready():
            return True
        if give_up():
            return False
        time.sleep(interval_s)
    return ready()
