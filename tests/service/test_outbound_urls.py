"""Outbound URLs (issue 10, item 5): callback URLs are https:// URLs of public addresses, checked when
submitted and again at the address actually connected to (DNS rebinding); refusals are a 422 that names
the field, or a delivery recorded as failed that sent nothing."""

from __future__ import annotations

import socket
import threading

import pytest

from certifier.core import outbound_guard
from certifier.core.outbound import OutboundPolicy, OutboundUrlError, check_url, has_password, without_password
from service_helpers import run_body, wait_until

PUBLIC = "93.184.216.34"

REFUSED_CALLBACKS = [  # (callback URL, words of the 422 message)
    ("https://127.0.0.1/hook", "loopback"),
    ("https://169.254.169.254/latest/meta-data", "metadata"),
    ("https://2130706433/hook", "loopback"),
    ("https://0x7f.1/hook", "loopback"),
    ("https://017700000001/hook", "loopback"),
    ("https://[::1]/hook", "loopback"),
    ("https://[::ffff:127.0.0.1]/hook", "127.0.0.1"),
    ("https://[fd00:ec2::254]/hook", "metadata"),
    ("https://10.0.0.1/hook", "private"),
    ("https://192.168.1.10/hook", "private"),
    ("https://100.64.0.1/hook", "CGNAT"),
    ("https://0.0.0.0/hook", "unspecified"),
    ("https://224.0.0.1/hook", "multicast"),
    ("https://localhost/hook", "local host"),
    ("https://hooks.example.com/cb\r\nX-Injected: 1", "control character"),
    ("https://hooks.example.com/cb\ttab", "control character"),
    ("https://hooks.example.com/cb\x00", "control character"),
    ("https://hooks.example.com/c b", "whitespace"),
    ("https://user:s3cretPW@hooks.example.com/cb", "credentials"),
    ("https://user@hooks.example.com/cb", "credentials"),
    ("http://hooks.example.com/cb", "https://"),
    ("https://hooks.example.com/cb#part", "fragment"),
]


def fields_of(response) -> dict[str, str]:
    assert response.status_code == 422, response.text
    return {item["field"]: item["msg"] for item in response.json()["detail"]}


# --- the policy (certifier.core.outbound) ----------------------------------------------------------

@pytest.mark.parametrize("url, words", REFUSED_CALLBACKS)
def test_the_policy_refuses_internal_and_malformed_urls(url, words):
    with pytest.raises(OutboundUrlError, match=words):
        check_url(url, what="callback URL")


@pytest.mark.parametrize("url", ["https://hooks.example.com/cb?x=1", "https://8.8.8.8:8443/x",
                                 "https://[2606:4700::1111]/hook"])
def test_the_policy_accepts_public_https_urls(url):
    assert check_url(url).hostname


def test_the_development_flag_allows_loopback_only():
    dev = OutboundPolicy(allow_loopback=True)
    assert dev.check_url("http://127.0.0.1:8080/hook").port == 8080
    assert dev.check_url("https://[::1]/hook").hostname == "::1"
    for url in ("http://10.0.0.1/hook", "https://169.254.169.254/", "http://hooks.example.com/cb"):
        with pytest.raises(OutboundUrlError):
            dev.check_url(url)


def test_passwords_are_detected_and_redacted():
    assert has_password("postgresql://u:secret@db.example/certifier")
    assert not has_password("postgresql://u@db.example/certifier")
    assert without_password("amqp://guest:guest@mq:5672//") == "amqp://guest:***@mq:5672//"
    assert without_password("redis://:pw@127.0.0.1:6379/0") == "redis://:***@127.0.0.1:6379/0"
    assert without_password("sqlite:////var/lib/certifier/service.db") == "sqlite:////var/lib/certifier/service.db"


def test_every_resolved_address_must_be_public(monkeypatch):
    monkeypatch.setattr(outbound_guard, "resolve", lambda host, port: [outbound_guard.ipaddress.ip_address(PUBLIC),
                                                                       outbound_guard.ipaddress.ip_address("10.1.2.3")])
    with pytest.raises(outbound_guard.OutboundRefused, match="10.1.2.3"):
        outbound_guard.checked_addresses("mixed.example.test", 443, OutboundPolicy())


# --- the API: 422 naming the field -----------------------------------------------------------------

def test_internal_and_malformed_callback_urls_are_refused_with_422(make_service, repo):
    service = make_service(allow_loopback_http_callbacks=False)
    for url, words in REFUSED_CALLBACKS:
        fields = fields_of(service.post("/v1/runs", run_body(repo("minimal"), callbackUrl=url)))
        assert list(fields) == ["callbackUrl"], url
        assert words in fields["callbackUrl"], (url, fields)
        assert "s3cretPW" not in fields["callbackUrl"]  # the URL's secrets are not echoed


def test_a_name_resolving_to_an_internal_address_is_refused_at_submission(make_service, repo, monkeypatch):
    resolver = Rebinding(["10.0.0.7"])
    monkeypatch.setattr(socket, "getaddrinfo", resolver.getaddrinfo)
    service = make_service(allow_loopback_http_callbacks=False)
    fields = fields_of(service.post("/v1/runs", run_body(repo("minimal"),
                                                         callbackUrl="https://hooks.rebind.test/cb")))
    assert "10.0.0.7" in fields["callbackUrl"] and "private" in fields["callbackUrl"]


def test_deployment_urls_are_held_to_the_same_policy(make_service, repo):
    service = make_service(allow_loopback_http_callbacks=False)
    for url in ("http://127.0.0.1:8080/svc", "https://169.254.169.254/", "https://2130706433/",
                "https://svc.example.com/\x00", "https://10.0.0.1/svc"):
        descriptor = {"applications": [{"applicationName": "hello-service", "url": url}]}
        fields = fields_of(service.post("/v1/runs", run_body(repo("minimal"), deployment=descriptor)))
        assert "deployment.applications[0].url" in fields, (url, fields)


# --- connection time: DNS rebinding ----------------------------------------------------------------

class Rebinding:
    """A resolver that answers the given addresses for *.rebind.test in turn (the last one from then on)
    and the real answer for every other name."""

    def __init__(self, answers: list[str], suffix: str = ".rebind.test") -> None:
        self.answers, self.asked, self.suffix = list(answers), 0, suffix
        self.real = socket.getaddrinfo

    def getaddrinfo(self, host, port, *args, **kwargs):
        if not str(host).endswith(self.suffix):
            return self.real(host, port, *args, **kwargs)
        address = self.answers[min(self.asked, len(self.answers) - 1)]
        self.asked += 1
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port or 443)))]


class Listener:
    """A loopback TCP port that counts the connections made to it (nothing may arrive)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            conn.close()

    def close(self) -> None:
        self.sock.close()


def test_a_name_rebound_to_loopback_after_validation_is_refused_when_connecting(make_service, repo, monkeypatch):
    listener = Listener()
    resolver = Rebinding([PUBLIC, "127.0.0.1"])  # public when validated, loopback when the callback is sent
    monkeypatch.setattr(socket, "getaddrinfo", resolver.getaddrinfo)
    try:
        service = make_service(allow_loopback_http_callbacks=False)
        url = f"https://hooks.rebind.test:{listener.port}/cb"
        run_id = service.submit(run_body(repo("minimal"), callbackUrl=url))["id"]
        service.wait(run_id)
        delivery = wait_until(lambda: next((d for d in service.get(f"/v1/runs/{run_id}/deliveries").json()["items"]
                                            if d["state"] == "failed"), None), what="the delivery recorded as failed")
    finally:
        listener.close()
    assert resolver.asked >= 2  # validated once, resolved again (once) when connecting
    assert delivery["attempts"] == 1  # refused, not retried
    assert delivery["lastError"].startswith("refused") and "127.0.0.1" in delivery["lastError"]
    assert "loopback" in delivery["attemptLog"][0]["error"]
    assert listener.accepted == 0  # nothing was sent to the internal address


def test_the_guarded_transport_connects_to_the_checked_address_with_the_name_as_host(monkeypatch):
    """With the development flag, a loopback receiver is reached through the same guard: the request goes
    to the checked address and still says the URL's name in its Host header."""
    import http.server

    import httpx

    from certifier.service.outbound_http import GuardedTransport, guarded_client

    seen = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            seen["host"] = self.headers["Host"]
            self.send_response(204)
            self.end_headers()

        def log_message(self, *_args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        monkeypatch.setattr(socket, "getaddrinfo", Rebinding(["127.0.0.1"], suffix="localhost").getaddrinfo)
        with guarded_client(OutboundPolicy(allow_loopback=True)) as client:
            response = client.post(f"http://receiver.localhost:{port}/cb", content=b"{}")
        assert response.status_code == 204 and seen["host"] == f"receiver.localhost:{port}"

        transport = GuardedTransport(OutboundPolicy(allow_loopback=True))  # two names on one address
        with httpx.Client(transport=transport) as client:
            for name in ("a.localhost", "b.localhost", "a.localhost"):
                assert client.post(f"http://{name}:{port}/cb", content=b"{}").status_code == 204
                assert seen["host"] == f"{name}:{port}"
            assert sorted(transport._pools) == ["a.localhost", "b.localhost"]  # a connection pool per name
        assert transport._pools == {}  # closed with the client

        seen.clear()  # an address that does not answer: the next checked address is tried, no new lookup
        monkeypatch.setattr(outbound_guard, "resolve", lambda host, port: [
            outbound_guard.ipaddress.ip_address("127.0.0.2"), outbound_guard.ipaddress.ip_address("127.0.0.1")])
        with guarded_client(OutboundPolicy(allow_loopback=True)) as client:
            assert client.post(f"http://dual.localhost:{port}/cb", content=b"{}").status_code == 204
        assert seen["host"] == f"dual.localhost:{port}"
        monkeypatch.undo()

        seen.clear()
        resolver = Rebinding(["127.0.0.1"])
        monkeypatch.setattr(socket, "getaddrinfo", resolver.getaddrinfo)
        with guarded_client(OutboundPolicy()) as client, pytest.raises(outbound_guard.OutboundRefused):
            client.post(f"https://hooks.rebind.test:{port}/cb", content=b"{}")
        assert resolver.asked == 1 and not seen  # resolved once, refused, nothing sent
    finally:
        server.shutdown()
        server.server_close()
