"""How remote answers map to exit codes, against a loopback HTTP server (no network)."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from certifier.source.checkout import SourceError
from certifier.source.fetch import fetch


def serve(status: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server API)
            self.send_response(status)
            if status == 401:
                self.send_header("WWW-Authenticate", 'Basic realm="private"')
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.parametrize(
    ("status", "exit_code", "words"),
    [(401, 2, "access denied"), (404, 2, "no git repository there"), (503, 3, "unreachable")],
)
def test_http_answers(workspace, status, exit_code, words):
    server = serve(status)
    try:
        started = time.monotonic()
        with pytest.raises(SourceError) as caught:
            fetch(f"http://127.0.0.1:{server.server_port}/o/r.git", "v1", workspace, allow_http=True, timeout_s=20)
        assert time.monotonic() - started < 10  # a password request fails at once, it never waits
    finally:
        server.shutdown()
    assert caught.value.exit_code == exit_code
    assert words in str(caught.value)

