"""Control for the hostile fixture connector: run WITHOUT the sandbox, its probe does report what it
reached, so a clean report from inside the sandbox means the sandbox stopped it (not a blind probe)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import uuid

import pytest

from tests.sandbox.test_hostile_connector import APP, prepared_fixture

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node")


def test_outside_the_sandbox_the_probe_reaches_the_listener_and_sees_host_processes(tmp_path):
    marker = f"hostile-{uuid.uuid4().hex[:12]}"
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    outside = subprocess.Popen([marker, "300"], executable="sleep")
    try:
        source = prepared_fixture(tmp_path, marker, port, tmp_path / "cache", None)
        home = tmp_path / "ws" / "home"
        home.mkdir(parents=True)
        done = subprocess.run(["node", "src/probe.js", "control"], cwd=source / APP, capture_output=True, text=True,
                              env={"PATH": "/usr/bin:/bin", "HOME": str(home)}, timeout=60)
    finally:
        outside.kill()
        outside.wait()
        listener.close()
    report = json.loads(done.stdout.split("HOSTILE-REPORT ", 1)[1])
    assert done.returncode == 1
    assert port in report["connected"]
    assert str(tmp_path / "cache") in report["wrote"]
    assert any(str(tmp_path / "other-run") in place for place in report["read"])
    assert any(marker in line for line in report["foreign_processes"])
    shm = report["shm"]
    assert shm and marker in shm
    subprocess.run(["rm", "-f", shm], check=True)  # the control's own leftover
