"""The certifier-side backstop: processes that left the session are still found by their run's mark."""

from __future__ import annotations

import os
import subprocess
import time

from certifier.sandbox.proctable import kill_all, members

NO_LEADER = 2**22 + 12345  # above pid_max defaults: a leader that has no descendants, session or group


def _daemon(token: str | None) -> subprocess.Popen:
    env = {"PATH": "/usr/bin:/bin", **({"CERTIFIER_SANDBOX_RUN": token} if token else {})}
    return subprocess.Popen(["sleep", "60"], env=env, start_new_session=True)


def test_a_daemon_carrying_the_runs_mark_is_killed():
    token = f"mark-{os.getpid()}-{time.monotonic_ns()}"
    daemon = _daemon(token)
    try:
        time.sleep(0.1)
        assert daemon.pid in members(NO_LEADER, None, f"CERTIFIER_SANDBOX_RUN={token}")
        assert kill_all(NO_LEADER, None, f"CERTIFIER_SANDBOX_RUN={token}")
        assert daemon.wait(5) == -9
    finally:
        daemon.kill()


def test_a_process_without_the_mark_is_left_alone():
    daemon = _daemon(None)
    try:
        time.sleep(0.1)
        assert kill_all(NO_LEADER, None, "CERTIFIER_SANDBOX_RUN=some-other-run")
        assert daemon.poll() is None
    finally:
        daemon.kill()
        daemon.wait(5)
