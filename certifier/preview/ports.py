"""Free loopback ports and bounded waits for a listener."""

from __future__ import annotations

import socket
import time
from typing import Callable


def free_port() -> int:
    """A port that was free a moment ago on 127.0.0.1 (the OS picks it; the race window is tiny)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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
