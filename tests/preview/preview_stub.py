"""A loopback HTTP server whose answers a test scripts: stands in for a connector app (or a remote one)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

Answer = tuple[int, object]  # (status, JSON body or raw str)
Handler = Callable[[str, str, bytes, dict], Answer]


class StubApp:
    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[tuple[str, str, bytes, dict]] = []
        stub = self

        class _Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                stub.requests.append((self.command, self.path, body, headers))
                status, payload = stub.handler(self.command, self.path, body, headers)
                data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _serve

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> "StubApp":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def extension_service(actions=None, status=200, delay_s=0.0, token="s3cr3t-token-value-1234567890",
                      route="/ext") -> Handler:
    """A service on `route` that wants `Bearer <token>` and answers valid JSON with `actions`."""

    def handle(method, path, body, headers):
        if path.split("?")[0] != route:
            return 404, {"errors": [{"code": "NotFound", "message": "no"}]}
        if headers.get("authorization") != f"Bearer {token}":
            return 401, {"errors": [{"code": "Unauthorized", "message": "no"}]}
        try:
            json.loads(body)
        except ValueError:
            return 400, {"errors": [{"code": "InvalidInput", "message": "not JSON"}]}
        time.sleep(delay_s)
        return status, {"actions": actions or []} if actions is not False else {"ok": True}

    return handle
