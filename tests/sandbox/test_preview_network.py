"""The local preview runs in a network namespace of its own (issue 10, docs/sandbox.md): the emulator, the
app servers and their scripts share it, reach each other on its loopback and nothing of the host; the
certifier reaches them through the namespace's relay (a unix socket in the run's workspace), so nothing
of the preview listens on the host's network. Without namespaces the preview runs on the host's network
as before, and the report's provenance says so."""

from __future__ import annotations

import json
import random
import shutil
import socket
import time
from pathlib import Path

import pytest

from certifier.certify import RunRequest, certify
from certifier.collect.preview import deployment as preview_deployment
from certifier.collect.preview.network import PreviewNetwork
from certifier.collect.preview.ports import LISTEN_PORTS
from certifier.sandbox import netns, runner
from certifier.sandbox.isolation import isolation
from support import CONNECTORS, make_tagged_repo

needs_preview_network = pytest.mark.skipif(not netns.available(),
                                           reason="needs bubblewrap, nsenter and root (make install sets it up)")
FIXTURE = CONNECTORS / "preview-hostile-network"
APP = "hostile-service"
SERVICES = ("127.0.0.1:6379", "127.0.0.1:5432", "127.0.0.1:5672")  # Redis, PostgreSQL, RabbitMQ
ATTEMPTS = """
import json, socket, sys
outcomes = {}
for host, port in json.loads(sys.argv[1]):
    try:
        socket.create_connection((host, port), timeout=2).close()
        outcomes[f"{host}:{port}"] = "connected"
    except OSError as error:
        outcomes[f"{host}:{port}"] = type(error).__name__
print(json.dumps(outcomes))
"""


def host_listening_ports() -> set[int]:
    """What `ss -ltn` shows on the host: the ports of listening TCP sockets (IPv4 and IPv6)."""
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A":  # TCP_LISTEN
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def host_refuses(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


def host_address() -> str | None:
    """A non-loopback IPv4 address of this machine (no packet is sent), if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address


@pytest.fixture
def network(tmp_path):
    shared = netns.SharedNetwork.start(tmp_path / "network")
    yield PreviewNetwork(shared)
    shared.close()


def until(condition, timeout_s: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@needs_preview_network
def test_a_server_of_the_preview_is_reached_through_the_relay_and_not_on_the_host(network, make_workspace):
    workspace = make_workspace()
    port = random.randrange(LISTEN_PORTS.start, LISTEN_PORTS.stop)
    server = runner.start(["python3", "-m", "http.server", "--bind", "127.0.0.1", str(port)], cwd=workspace.root,
                          workspace=workspace, **network.runner_options())
    try:
        assert until(lambda: network.accepts(port)), server.output()
        connection = network.connection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/")
        assert connection.getresponse().status == 200
        connection.close()
        assert port not in host_listening_ports()
        assert host_refuses(port)
    finally:
        server.stop(grace_s=1)
    assert until(lambda: not network.accepts(port), 5)


@needs_preview_network
def test_a_command_on_the_preview_network_reaches_no_service_of_the_host(network, make_workspace):
    listener = socket.create_server(("127.0.0.1", 0))
    targets = [["127.0.0.1", int(service.split(":")[1])] for service in SERVICES]
    targets.append(["127.0.0.1", listener.getsockname()[1]])
    workspace = make_workspace()
    try:
        inside = runner.run(["python3", "-c", ATTEMPTS, json.dumps(targets)], cwd=workspace.root,
                            workspace=workspace, **network.runner_options())
        control = runner.run(["python3", "-c", ATTEMPTS, json.dumps(targets[-1:])], cwd=workspace.root,
                             workspace=workspace, network=True)
    finally:
        listener.close()
    outcomes = json.loads(inside.stdout)
    assert len(outcomes) == 4 and set(outcomes.values()) == {"ConnectionRefusedError"}, outcomes
    assert set(json.loads(control.stdout).values()) == {"connected"}  # the same attempt on the host's network


@needs_preview_network
def test_the_relay_carries_only_a_port_of_its_own_loopback(network):
    shared = network.shared
    for header in (b"abc\n", b"0\n", b"70000\n", b"1234567\n"):
        with socket.socket(socket.AF_UNIX) as raw:
            raw.settimeout(5)
            raw.connect(str(shared.directory / netns.SOCKET_NAME))
            raw.sendall(header)
            assert raw.recv(1) == b"\x01", header
    with pytest.raises(ConnectionRefusedError):
        shared.connect(1, timeout_s=5)  # nothing listens there inside
    with pytest.raises(ConnectionRefusedError):
        network.connection("example.com", 80, timeout=5).connect()  # only the preview's loopback is behind it


@needs_preview_network
def test_closing_the_network_ends_the_relay_and_removes_its_socket(tmp_path):
    shared = netns.SharedNetwork.start(tmp_path / "network")
    assert shared.alive() and (tmp_path / "network" / netns.SOCKET_NAME).exists()
    assert (tmp_path / "network").stat().st_mode & 0o777 == 0o700
    shared.close()
    assert not shared.alive()
    assert not (tmp_path / "network" / netns.SOCKET_NAME).exists()


def prepared_fixture(tmp_path: Path, ports: list[int], hosts: list[list]) -> Path:
    source = tmp_path / "fixture"
    shutil.copytree(FIXTURE, source)
    (source / APP / "targets.json").write_text(json.dumps({"ports": ports, "hosts": hosts}))
    return make_tagged_repo(source, tmp_path / "repo")


def hostile_preview(tmp_path: Path, monkeypatch) -> tuple[object, dict, list[socket.socket]]:
    """Certify the fixture (every stage) while recording, once the app is deployed, what the app and its
    postDeploy could reach and what the host shows, then what preUndeploy could reach; the listeners are
    the test's own services."""
    listeners = [socket.create_server(("127.0.0.1", 0))]
    hosts = []
    address = host_address()
    if address:
        listeners.append(socket.create_server(("0.0.0.0", 0)))
        hosts.append([address, listeners[-1].getsockname()[1]])
    repo = prepared_fixture(tmp_path, [listeners[0].getsockname()[1]], hosts)
    seen: dict = {}
    original = preview_deployment._target

    def observe(preview, emulator, api):
        app_dir = preview.build.app_dir
        for phase in ("server", "postDeploy"):
            seen[phase] = json.loads((app_dir / f"hostile-network-{phase}.json").read_text())
        ports = (preview.running.port, emulator.port)
        seen["preview_ports"] = ports
        seen["host_listening"] = host_listening_ports() & set(ports)
        seen["host_refuses"] = [host_refuses(port) for port in ports]
        seen["network"] = emulator.network.mode
        return original(preview, emulator, api)

    def after_undeploy(preview, emulator, api):
        original_undeploy(preview, emulator, api)
        seen["preUndeploy"] = json.loads((preview.build.app_dir / "hostile-network-preUndeploy.json").read_text())

    original_undeploy = preview_deployment._pre_undeploy
    monkeypatch.setattr(preview_deployment, "_target", observe)
    monkeypatch.setattr(preview_deployment, "_pre_undeploy", after_undeploy)
    report = certify(RunRequest(source=str(repo), tag="v1.0.0", stage="preview", out_dir=tmp_path / "out")).report
    return report, seen, listeners


def nobody_connected(listener: socket.socket) -> bool:
    listener.setblocking(False)
    try:
        listener.accept()[0].close()
    except BlockingIOError:
        return True
    return False


@pytest.mark.slow
@needs_preview_network
def test_the_hostile_app_reaches_nothing_of_the_host_and_the_preview_ends_in_a_verdict(tmp_path, monkeypatch):
    report, seen, listeners = hostile_preview(tmp_path, monkeypatch)
    try:
        assert seen["network"] == "private"
        for phase in ("server", "postDeploy", "preUndeploy"):
            attempts = seen[phase]["attempts"]
            assert seen[phase]["connected"] == [], (phase, attempts)  # Redis, PostgreSQL, RabbitMQ, our listeners
            assert set(SERVICES) <= set(attempts) and len(attempts) >= 5 + len(listeners), attempts
            assert seen[phase]["emulator"] == "connected", phase  # the control: the attempts can tell
        assert seen["server"]["port"] == seen["preview_ports"][0]
        assert seen["server"]["emulator_port"] == seen["preview_ports"][1]
        assert all(nobody_connected(listener) for listener in listeners)
        # `ss -ltn` during the preview: neither the app's port nor the emulator's is on the host
        assert seen["host_listening"] == set() and seen["host_refuses"] == [True, True]
    finally:
        for listener in listeners:
            listener.close()
    results = {(r.check_id, r.app): r for r in report.results}
    startup = results[("probe.startup", APP)]
    assert startup.outcome.value == "pass" and startup.evidence["startup"]["network"] == "private"
    # probes reach it through the relay: its endpoint answered (no extension points at it, so that contract is n/a)
    endpoint = results[("probe.endpoint-path", APP)]
    assert endpoint.outcome.value == "pass" and endpoint.evidence["transcript"][0]["status"] == 200
    assert report.provenance.isolation["preview_network"] == "private"
    assert report.decision.verdict.value == "Accepted"


@pytest.mark.slow
def test_without_namespaces_the_preview_runs_on_the_host_network_and_says_so(tmp_path, monkeypatch):
    """The control, and the fallback: the same app on the host's network does reach the test's listener."""
    monkeypatch.setenv("CERTIFIER_SANDBOX_NAMESPACES", "0")
    assert isolation()["preview_network"] == "host"
    report, seen, listeners = hostile_preview(tmp_path, monkeypatch)
    ours = f"127.0.0.1:{listeners[0].getsockname()[1]}"
    for listener in listeners:
        listener.close()
    assert seen["network"] == "host"
    assert all(ours in seen[phase]["connected"] for phase in ("server", "postDeploy", "preUndeploy"))
    assert seen["host_listening"] == set(seen["preview_ports"])  # the old way: on the host's loopback
    results = {(r.check_id, r.app): r for r in report.results}
    assert results[("probe.startup", APP)].evidence["startup"]["network"] == "host"
    assert report.provenance.isolation["preview_network"] == "host"
    assert report.provenance.isolation["level"] != "namespaces"
    assert report.decision.verdict.value == "Accepted"
