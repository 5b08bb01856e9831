"""Remote preview URLs (issue 10, item 5): Deployment descriptor URLs are https:// URLs of public addresses,
the address connected to is checked (DNS rebinding), and what a remote app answers is recorded bounded and
with secrets masked."""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from preview_stub import StubApp  # noqa: E402
from preview_support import preview_context  # noqa: E402

from certifier.checks import registry  # noqa: E402
from certifier.checks.execute import run_everywhere  # noqa: E402
from certifier.collect.preview import remote  # noqa: E402
from certifier.collect.preview.probes import exchange as exchange_module  # noqa: E402
from certifier.collect.preview.probes.exchange import Request  # noqa: E402
from certifier.core.model import Stage  # noqa: E402
from certifier.core.secrets.redact import MASK  # noqa: E402
from support import CONNECTORS  # noqa: E402

LEAKED = "ghp_Xk3v9QmZt7LpR2wYb8NcJ4hF6sD1aE5gUoTi"  # a GitHub token shape, random enough to be one
FIFTY_MB = 50 * 1024 * 1024


def _descriptor(url: str) -> dict:
    return {"applications": [{"applicationName": "hello-service", "url": url}]}


@pytest.mark.parametrize("url, words", [
    ("http://127.0.0.1:8080/hello", "https://"),
    ("https://127.0.0.1:8080/hello", "loopback"),
    ("https://169.254.169.254/latest/meta-data", "metadata"),
    ("https://2130706433/hello", "loopback"),
    ("https://0x7f.1/hello", "loopback"),
    ("https://[::ffff:10.0.0.1]/hello", "10.0.0.1"),
    ("https://100.64.0.1/hello", "CGNAT"),
    ("https://svc.example.com/hello\x00", "control character"),
])
def test_descriptor_urls_must_be_public_https(monkeypatch, url, words):
    monkeypatch.delenv(remote.LOOPBACK_SWITCH, raising=False)
    problems = remote.validate(_descriptor(url))
    assert any(p.startswith("[applications.0.url]:") and words in p for p in problems), problems
    assert remote.validate(_descriptor("https://svc.example.com/hello")) == []


def test_the_development_switch_allows_loopback_only(monkeypatch):
    monkeypatch.setenv(remote.LOOPBACK_SWITCH, "1")
    assert remote.validate(_descriptor("http://127.0.0.1:8080/hello")) == []
    assert remote.validate(_descriptor("http://10.0.0.1:8080/hello"))


class _Listener:
    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port, self.accepted = self.sock.getsockname()[1], 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                self.sock.accept()[0].close()
            except OSError:
                return
            self.accepted += 1


def test_a_name_rebound_to_loopback_is_not_contacted(monkeypatch):
    monkeypatch.delenv(remote.LOOPBACK_SWITCH, raising=False)
    listener = _Listener()
    answers = iter(["93.184.216.34"])  # public when validated, loopback from then on
    real = socket.getaddrinfo

    def rebinding(host, port, *args, **kwargs):
        if host != "svc.rebind.test":
            return real(host, port, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers, "127.0.0.1"), int(port)))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    url = f"https://svc.rebind.test:{listener.port}/hello"
    assert remote.validate(_descriptor(url), resolve=True) == []
    target = _hello(url)
    exchange = target.send(Request("probe", "GET", "/hello"), timeout_s=2)
    startup = remote.reach(target, None)
    listener.sock.close()
    assert not exchange.answered and "OutboundRefused" in exchange.error and "127.0.0.1" in exchange.error
    assert not startup.ready and "was not contacted" in startup.reason
    assert listener.accepted == 0


def _leaky_app() -> StubApp:
    """A remote app whose every answer is 50 MB and starts with a secret."""
    head = json.dumps({"errors": [{"code": "Debug", "message": f"token {LEAKED}"}]})[:-1]
    return StubApp(lambda *_request: (200, head + ', "pad": "' + "x" * FIFTY_MB + '"}'))


def _hello(url: str) -> remote.RemoteTarget:
    app = type("App", (), {"name": "hello-service", "type": "service", "endpoint": "/hello", "raw": {}})()
    return remote.remote_target(app, remote.RemoteApp("hello-service", url))


def test_a_50_mb_answer_is_cut_at_the_cap_and_its_secret_masked(monkeypatch):
    monkeypatch.setenv(remote.LOOPBACK_SWITCH, "1")  # the stub listens on loopback
    with _leaky_app() as app:
        started = time.monotonic()
        answer = _hello(app.url + "/hello").send(Request("probe", "GET", "/hello"), timeout_s=10)
        elapsed = time.monotonic() - started
    assert answer.status == 200 and elapsed < 5
    assert len(answer.raw_text) <= exchange_module.READ_LIMIT  # read at most the cap, not 50 MB
    assert len(answer.response_body) <= exchange_module.SHOWN + 40
    assert LEAKED not in json.dumps(answer.evidence()) and MASK in answer.response_body


@pytest.mark.slow
def test_the_report_of_a_remote_preview_shows_answers_bounded_and_masked(tmp_path, monkeypatch):
    monkeypatch.setenv(remote.LOOPBACK_SWITCH, "1")
    with _leaky_app() as app:
        descriptor = tmp_path / "deployment.json"
        descriptor.write_text(json.dumps(_descriptor(app.url + "/hello")))
        ctx = preview_context(CONNECTORS / "minimal", tmp_path / "ws", deployment=descriptor)
        checks = [s for s in registry.load_all().values() if s.stage is Stage.PREVIEW]
        results = [r for spec in checks for r in run_everywhere(spec, ctx)]
    report = json.dumps([r.model_dump(mode="json") for r in results], ensure_ascii=False)
    assert LEAKED not in report
    assert MASK in report  # the secret was there, masked
    bodies = [e["response_body"] for r in results for e in (r.evidence or {}).get("transcript", [])]
    assert bodies and max(map(len, bodies)) <= exchange_module.SHOWN + 40


def test_an_answer_dripped_a_byte_at_a_time_is_cut_at_the_deadline(monkeypatch):
    """Each byte arrives within the socket timeout, so only a deadline for the whole answer ends it."""
    monkeypatch.setenv(remote.LOOPBACK_SWITCH, "1")
    monkeypatch.setattr(exchange_module, "READ_GRACE_S", 0.5)
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def drip():
        conn, _ = server.accept()
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
        while not stop.is_set():
            try:
                conn.sendall(b"x")
            except OSError:
                break
            time.sleep(0.05)
        conn.close()

    threading.Thread(target=drip, daemon=True).start()
    started = time.monotonic()
    answer = _hello(f"http://127.0.0.1:{server.getsockname()[1]}/hello").send(
        Request("probe", "GET", "/hello"), timeout_s=1)
    elapsed = time.monotonic() - started
    stop.set()
    server.close()
    assert answer.status == 200 and 0 < len(answer.raw_text) < 100
    assert elapsed < 3
