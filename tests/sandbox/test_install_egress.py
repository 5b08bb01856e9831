"""The install's only way out is certifier's allow-listing proxy (certifier.sandbox.egress): the registry
hosts are forwarded, everything else is refused before anything connects to it, and only the sandbox's
own uid can use the proxy's socket."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest

from certifier.certify import RunRequest, certify
from certifier.collect.build.egress import install_channel
from certifier.core.errors import CannotRun
from certifier.core.model import Stage
from certifier.sandbox import egress, namespaces
from certifier.sandbox.egress import EgressProxy, parse_request, registry_hosts
from support import CONNECTORS, make_tagged_repo

NOBODY = 65534
root_only = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (another uid connects)")


class Listener:
    """A TCP service on the host's loopback that counts the connections it receives."""

    def __init__(self, answer: bytes = b"") -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.answer = answer
        self.received: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    data = conn.recv(4096)
                    self.received.append(data)
                    if self.answer:
                        conn.sendall(self.answer)
                        while data := conn.recv(4096):  # then an echo
                            conn.sendall(data)
                except OSError:
                    pass

    def close(self) -> None:
        self.server.close()


def ask(proxy: EgressProxy, request: bytes, then: bytes = b"") -> bytes:
    with socket.socket(socket.AF_UNIX) as client:
        client.settimeout(10)
        client.connect(str(proxy.socket_path))
        client.sendall(request)
        answer = client.recv(4096)
        if then:
            client.sendall(then)
            answer += client.recv(4096)
        return answer


def test_registry_hosts_are_forwarded_and_every_other_host_is_refused_unreached(tmp_path):
    registry, service = Listener(answer=b"registry says hi "), Listener()
    allowed = frozenset({("127.0.0.1", registry.port)})
    try:
        with EgressProxy(tmp_path / "egress", allowed, peer_uid=os.getuid()) as proxy:
            tunnel = ask(proxy, f"CONNECT 127.0.0.1:{registry.port} HTTP/1.1\r\n\r\n".encode(), then=b"ping")
            refused = [ask(proxy, f"CONNECT 127.0.0.1:{service.port} HTTP/1.1\r\n\r\n".encode()),
                       ask(proxy, f"GET http://localhost:{service.port}/x.tgz HTTP/1.1\r\nHost: a\r\n\r\n".encode()),
                       ask(proxy, f"GET http://2130706433:{service.port}/ HTTP/1.1\r\n\r\n".encode()),
                       ask(proxy, b"GET /redis HTTP/1.1\r\n\r\n")]  # not a proxy request at all
            log = proxy.log.as_dict()
    finally:
        registry.close()
        service.close()
    assert tunnel.startswith(b"HTTP/1.1 200 Connection Established\r\n\r\n")
    assert tunnel.endswith(b"registry says hi ")
    assert [answer.split(b"\r\n", 1)[0] for answer in refused] == [b"HTTP/1.1 403 Forbidden"] * 3 + [
        b"HTTP/1.1 400 Bad Request"]
    assert service.received == []  # the service of the host was never connected to
    assert log["contacted"] == {f"127.0.0.1:{registry.port}": 1}
    assert set(log["refused"]) == {f"127.0.0.1:{service.port}", f"localhost:{service.port}",
                                   f"2130706433:{service.port}"}


def test_plain_http_to_the_registry_is_sent_on_in_origin_form(tmp_path):
    registry = Listener(answer=b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    try:
        with EgressProxy(tmp_path / "egress", frozenset({("127.0.0.1", registry.port)}), peer_uid=os.getuid()) as proxy:
            answer = ask(proxy, f"GET http://127.0.0.1:{registry.port}/pkg?x=1 HTTP/1.1\r\nHost: r\r\n"
                                f"Proxy-Authorization: Basic c2VjcmV0\r\n\r\n".encode())
    finally:
        registry.close()
    assert answer.startswith(b"HTTP/1.1 200 OK")
    sent = registry.received[0]
    assert sent.startswith(b"GET /pkg?x=1 HTTP/1.1\r\n")
    assert b"Proxy-Authorization" not in sent and b"Connection: close" in sent


def test_the_proxy_chains_to_the_hosts_own_proxy(tmp_path, monkeypatch):
    upstream = Listener(answer=b"HTTP/1.1 200 Connection established\r\n\r\n")
    monkeypatch.setenv("HTTPS_PROXY", f"http://user:p%40ss@127.0.0.1:{upstream.port}")
    for name in ("NO_PROXY", "no_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    try:
        with EgressProxy(tmp_path / "egress", frozenset({("registry.example", 443)}), peer_uid=os.getuid()) as proxy:
            tunnel = ask(proxy, b"CONNECT registry.example:443 HTTP/1.1\r\n\r\n", then=b"tls bytes")
    finally:
        upstream.close()
    assert tunnel.startswith(b"HTTP/1.1 200 Connection Established\r\n\r\n") and tunnel.endswith(b"tls bytes")
    head = upstream.received[0]
    assert head.startswith(b"CONNECT registry.example:443 HTTP/1.1\r\n")
    assert b"Proxy-Authorization: Basic dXNlcjpwQHNz\r\n" in head  # user:p@ss


def test_the_socket_is_the_sandbox_users_alone(tmp_path):
    owner = (os.getuid(), os.getgid()) if os.geteuid() != 0 else (NOBODY, NOBODY)
    with EgressProxy(tmp_path / "egress", frozenset(), peer_uid=owner[0], owner=owner) as proxy:
        info, folder = proxy.socket_path.stat(), proxy.directory.stat()
        assert (info.st_mode & 0o777, info.st_uid) == (0o600, owner[0])
        assert (folder.st_mode & 0o777, folder.st_uid) == (0o700, owner[0])
    assert not proxy.socket_path.exists()  # gone with the install


@root_only
def test_no_other_uid_can_use_the_proxy():
    """Another user is kept out by the socket's mode, and by its peer credentials even when the mode
    would let it in."""
    connect = ("import socket,sys\ns=socket.socket(socket.AF_UNIX)\ns.settimeout(5)\n"
               "try:\n s.connect(sys.argv[1])\nexcept OSError as e:\n print('refused', e.errno); sys.exit()\n"
               "try:\n s.sendall(b'CONNECT 127.0.0.1:1 HTTP/1.1\\r\\n\\r\\n')\n print('answer', s.recv(100))\n"
               "except OSError:\n print('closed')\n")
    place = Path(tempfile.mkdtemp(prefix="egress-test-"))  # a folder anybody may traverse
    place.chmod(0o755)
    with EgressProxy(place / "egress", frozenset(), peer_uid=os.getuid()) as proxy:
        as_nobody = [namespaces.jail_python(), "-I", "-c", connect, str(proxy.socket_path)]
        kept_out = subprocess.run(as_nobody, user=NOBODY, capture_output=True, text=True, timeout=30)
        proxy.directory.chmod(0o755)
        proxy.socket_path.chmod(0o666)
        unanswered = subprocess.run(as_nobody, user=NOBODY, capture_output=True, text=True, timeout=30)
        log = proxy.log.as_dict()
    shutil.rmtree(place)
    assert kept_out.stdout.startswith("refused 13"), kept_out  # EACCES
    assert unanswered.stdout.strip() in ("answer b''", "closed"), unanswered  # closed without a word
    assert log == {"contacted": {}, "refused": {}, "failed": {}}


def test_registry_hosts_come_from_the_setting_or_the_npm_configuration(monkeypatch, tmp_path):
    assert registry_hosts({egress.HOSTS_VARIABLE: "npm.internal:8443, mirror.example"}) == {
        ("npm.internal", 8443), ("mirror.example", 443), ("mirror.example", 80)}
    with pytest.raises(ValueError, match=egress.HOSTS_VARIABLE):
        registry_hosts({egress.HOSTS_VARIABLE: "mirror.example:99999"})
    npmrc = tmp_path / ".npmrc"
    npmrc.write_text("registry=http://npm.corp:4873/\n@acme:registry=https://acme.example/npm/\n_authToken=x\n")
    monkeypatch.setenv("npm_config_userconfig", str(npmrc))
    hosts = registry_hosts({"npm_config_userconfig": str(npmrc)})
    assert {("npm.corp", 4873), ("acme.example", 443), ("registry.npmjs.org", 443),
            ("registry.yarnpkg.com", 443)} <= hosts
    assert egress.npm_registry() == "http://npm.corp:4873/"


@pytest.mark.parametrize("head", [b"CONNECT host HTTP/1.1\r\n\r\n", b"CONNECT a b:1 HTTP/1.1\r\n\r\n",
                                  b"GET https://registry.npmjs.org/ HTTP/1.1\r\n\r\n", b"\x00\r\n\r\n",
                                  b"CONNECT user@host:443 HTTP/1.1\r\n\r\n"])
def test_malformed_requests_are_refused(head):
    with pytest.raises(egress.Refused):
        parse_request(head)


def test_addresses_have_one_spelling():
    assert parse_request(b"CONNECT [::1]:443 HTTP/1.1\r\n\r\n").host == "::1"
    assert parse_request(b"CONNECT Registry.NPMJS.org.:443 HTTP/1.1\r\n\r\n").host == "registry.npmjs.org"


# -- the whole pipeline --------------------------------------------------------------------------------------

def lockfile_pointing_at(port: int) -> dict:
    """An npm lockfile whose dependencies are tarballs on a service of the host, not the registry."""
    integrity = "sha512-" + "A" * 86 + "=="
    return {"name": "egress-service", "version": "1.0.0", "lockfileVersion": 3, "requires": True,
            "packages": {"": {"name": "egress-service", "version": "1.0.0",
                              "dependencies": {"internal-a": "1.0.0", "internal-b": "1.0.0"}},
                         "node_modules/internal-a": {"version": "1.0.0", "integrity": integrity,
                                                     "resolved": f"http://127.0.0.1:{port}/internal-a-1.0.0.tgz"},
                         "node_modules/internal-b": {"version": "1.0.0", "integrity": integrity,
                                                     "resolved": f"https://localhost:{port}/internal-b-1.0.0.tgz"}}}


@pytest.mark.slow
@pytest.mark.skipif(not namespaces.enabled() or shutil.which("socat") is None, reason="needs bubblewrap and socat")
def test_a_lockfile_url_to_a_host_service_is_refused_and_the_run_ends_in_a_verdict(tmp_path):
    service = Listener()
    source = tmp_path / "connector"
    shutil.copytree(CONNECTORS / "deps-pnpm", source)
    app = source / "hello-service"
    shutil.rmtree(app)
    app.mkdir()
    (app / "package.json").write_text(json.dumps({"name": "egress-service", "version": "1.0.0", "private": True,
                                                  "dependencies": {"internal-a": "1.0.0", "internal-b": "1.0.0"}}))
    (app / "package-lock.json").write_text(json.dumps(lockfile_pointing_at(service.port)))
    repo = make_tagged_repo(source, tmp_path / "repo")
    try:
        report = certify(RunRequest(source=str(repo), tag="v1.0.0", stage="preview", out_dir=tmp_path / "out",
                                    stages=frozenset({Stage.BUILD}))).report
    finally:
        service.close()
    assert service.received == []  # nothing reached the service on the host's loopback
    install = {(r.check_id, r.app): r for r in report.results}[("build.install", "hello-service")]
    assert install.outcome.value == "fail", install.summary  # the connector's finding, not `error`
    message = install.findings[0].message
    assert "outside the package registry" in message
    assert f"127.0.0.1:{service.port}" in message and f"localhost:{service.port}" in message
    assert "certifier egress: registry only" in install.findings[0].properties["log_tail"]
    assert report.decision.verdict.value


@pytest.mark.skipif(not namespaces.enabled() or shutil.which("socat") is None, reason="needs bubblewrap and socat")
def test_a_bad_registry_setting_stops_the_build_with_its_name(make_workspace, monkeypatch, tmp_path):
    monkeypatch.setenv(egress.HOSTS_VARIABLE, "mirror.example:99999")
    workspace = make_workspace()
    with pytest.raises(CannotRun, match=egress.HOSTS_VARIABLE):
        with install_channel(workspace, tmp_path, tmp_path):
            pass
