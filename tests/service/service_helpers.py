"""Helpers of the service tests (importable: conftest puts this directory on sys.path)."""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).parent
TEST_PROFILE = HERE / "profiles" / "certification-static.yaml"
PREVIEW_TEST_PROFILE = HERE / "profiles" / "preview-static.yaml"
SECRET = b"service-tests-callback-secret-0123"
PG = ("127.0.0.1", 5432)
REDIS = ("127.0.0.1", 6379)
WAIT_S = 90


def port_open(address: tuple[str, int]) -> bool:
    try:
        with socket.create_connection(address, timeout=0.5):
            return True
    except OSError:
        return False


def wait_until(predicate, timeout_s: float = WAIT_S, every_s: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every_s)
    raise AssertionError(f"timed out after {timeout_s}s waiting for {what}")


def run_body(repo_path: Path, *, stage: str = "preview", key: str = "minimal-connector", tag: str = "v1.0.0",
             **extra) -> dict:
    body = {"repository": {"url": f"file://{repo_path}", "tag": tag}, "stage": stage,
            "connector": {"key": key, "name": "Minimal", "creator": {"email": "dev@example.com"},
                          "integrationTypes": ["other"]}}
    body.update(extra)
    return body


def service_config(database_url: str, **overrides):
    from certifier.service.config import ServiceConfig

    settings = dict(database_url=database_url, allow_local_sources=True, allow_loopback_http_callbacks=True,
                    static_only=True, callback_secret=SECRET, callback_backoff_s=0.05, callback_max_attempts=4,
                    poll_s=0.1, lease_s=5.0, heartbeat_s=1.0, workers=2,
                    profiles={"certification": str(TEST_PROFILE), "preview": str(PREVIEW_TEST_PROFILE)})
    settings.update(overrides)
    return ServiceConfig(**settings)


class Service:
    """A running app (TestClient with lifespan) and one token per role."""

    def __init__(self, client, tokens: dict[str, str], config) -> None:
        self.client, self.tokens, self.config = client, tokens, config
        self.db = client.app.state.db

    def auth(self, role: str = "reader") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def get(self, path: str, role: str = "reader", **kw):
        return self.client.get(path, headers={**self.auth(role), **kw.pop("headers", {})}, **kw)

    def post(self, path: str, body, role: str = "marketplace", **kw):
        return self.client.post(path, json=body, headers={**self.auth(role), **kw.pop("headers", {})}, **kw)

    def submit(self, body: dict, **kw) -> dict:
        response = self.post("/v1/runs", body, **kw)
        assert response.status_code in (200, 202), response.text
        return response.json()

    def wait(self, run_id: str, timeout_s: float = WAIT_S) -> dict:
        def finished():
            run = self.get(f"/v1/runs/{run_id}").json()
            return run if run["status"] in ("done", "error") else None

        return wait_until(finished, timeout_s, what=f"run {run_id} to finish")


class ServiceFactory:
    """make(**config overrides) -> Service (app with its lifespan running); close() stops them all."""

    def __init__(self, database_url: str) -> None:
        self.database_url, self.started = database_url, []

    def __call__(self, background: bool = True, **overrides) -> Service:
        from fastapi.testclient import TestClient

        from certifier.service.app import create_app
        from certifier.service.store.tokens import create_token

        config = service_config(overrides.pop("database_url", self.database_url), **overrides)
        app = create_app(config, background=background)
        tokens = {role: create_token(app.state.db, f"{role}-{uuid.uuid4().hex[:6]}", role)
                  for role in ("marketplace", "reviewer", "reader")}
        client = TestClient(app)
        client.__enter__()
        self.started.append(client)
        return Service(client, tokens, config)

    def close(self) -> None:
        for client in self.started:
            client.__exit__(None, None, None)


class CallbackSink:
    """A loopback HTTP server that records every POST; answers with `statuses` in order, then 200.
    A hanging sink (`hang_s`) holds every request that long first and counts the requests it holds."""

    def __init__(self, hang_s: float = 0.0) -> None:
        self.received: list[dict] = []
        self.statuses: list[int] = []
        self.in_flight = self.most_in_flight = 0
        sink, lock = self, threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if hang_s:
                    with lock:
                        sink.in_flight += 1
                        sink.most_in_flight = max(sink.most_in_flight, sink.in_flight)
                    time.sleep(hang_s)
                    with lock:
                        sink.in_flight -= 1
                sink.received.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body,
                                      "json": json.loads(body), "path": self.path, "at": time.monotonic(),
                                      "wall": time.time()})
                status = sink.statuses.pop(0) if sink.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/certifier"

    def events(self, event: str | None = None) -> list[dict]:
        return [r for r in self.received if event is None or r["json"]["event"] == event]

    def wait_for(self, count: int, event: str | None = None, timeout_s: float = 30) -> list[dict]:
        wait_until(lambda: len(self.events(event)) >= count, timeout_s, what=f"{count} callback(s) {event or ''}")
        return self.events(event)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
