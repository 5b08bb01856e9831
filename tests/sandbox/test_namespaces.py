"""Connector code in the namespaces: no route to the host's services, its own processes only, a private
/tmp and /dev/shm, the system read-only, no capabilities; servers outlive the thread that started them."""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from pathlib import Path

from certifier.sandbox.isolation import isolation, isolation_level
from certifier.sandbox.runner import run, start
from tests.sandbox.conftest import needs_namespaces

pytestmark = needs_namespaces


def _connect(port: int) -> str:
    return ("import socket\ntry:\n socket.create_connection(('127.0.0.1', %d), 2); print('CONNECTED')\n"
            "except OSError as e:\n print('REFUSED', e.errno)" % port)


def test_the_host_loopback_is_unreachable_without_network_and_reachable_with_it(make_workspace):
    workspace = make_workspace()
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        offline = run(["python3", "-c", _connect(port)], cwd=workspace.root, workspace=workspace)
        online = run(["python3", "-c", _connect(port)], cwd=workspace.root, workspace=workspace, network=True)
    assert offline.stdout.startswith("REFUSED"), offline.stdout + offline.stderr
    assert online.stdout.strip() == "CONNECTED"  # control: the same code with the host's network


def test_only_the_commands_own_processes_are_visible(make_workspace):
    workspace = make_workspace()
    result = run(["sh", "-c", "ls /proc | grep -E '^[0-9]+$' | wc -l; cat /proc/1/cmdline | tr '\\0' ' '"],
                 cwd=workspace.root, workspace=workspace)
    count, pid1 = result.stdout.splitlines()
    assert int(count) <= 5  # the jail, sh, ls, grep, wc: nothing of the host
    assert "jail.py" in pid1 and str(os.getpid()) not in result.stdout


def test_tmp_and_dev_shm_are_private_and_gone_afterwards(make_workspace):
    workspace = make_workspace()
    mark = f"left-{uuid.uuid4().hex}"
    result = run(["sh", "-c", f"echo x > /dev/shm/{mark} && echo x > /tmp/{mark} && ls /dev/shm /tmp"],
                 cwd=workspace.root, workspace=workspace)
    assert result.ok and mark in result.stdout
    assert not Path(f"/dev/shm/{mark}").exists() and not Path(f"/tmp/{mark}").exists()
    again = run(["ls", "/dev/shm"], cwd=workspace.root, workspace=workspace)
    assert mark not in again.stdout  # the next command of the same run does not see it either


def test_system_directories_are_read_only_and_the_command_has_no_capabilities(make_workspace):
    workspace = make_workspace()
    result = run(["sh", "-c", "touch /usr/probe /etc/probe 2>&1; grep -E '^Cap(Eff|Bnd)' /proc/self/status"],
                 cwd=workspace.root, workspace=workspace)
    assert result.stdout.count("Read-only file system") == 2
    assert "CapEff:\t0000000000000000" in result.stdout and "CapBnd:\t0000000000000000" in result.stdout


def test_a_server_started_from_a_thread_that_ends_keeps_running(make_workspace):
    workspace = make_workspace()
    started = {}
    thread = threading.Thread(target=lambda: started.update(
        process=start(["sleep", "30"], cwd=workspace.root, workspace=workspace)))
    thread.start()
    thread.join()
    time.sleep(1.0)
    process = started["process"]
    assert process.alive()  # the preview starts app servers from pool threads that end
    assert process.stop(grace_s=0.5).killed_reason == "stopped by the certifier"


def test_isolation_is_reported_for_the_provenance():
    assert isolation_level() == "namespaces"
    assert isolation()["tool"].startswith("bubblewrap")
