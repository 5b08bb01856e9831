"""One HTTP request to an app and its answer, as bounded, redacted transcript evidence with latency."""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import time
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urlsplit

from certifier.collect.preview.probes.redact import Redactor
from certifier.core.outbound import OutboundUrlError

READ_LIMIT = 256 * 1024  # bytes of an answer that are read at all
SHOWN = 2000  # characters of a body kept in the transcript
READ_GRACE_S = 5.0  # after the request's timeout, time left to read the rest of an answer
_KEPT_RESPONSE_HEADERS = ("content-type", "content-length", "location", "www-authenticate", "allow")
Connect = Callable[[str, str, "int | None", float], http.client.HTTPConnection]


@dataclass(frozen=True)
class Request:
    probe: str  # what this request stands for, e.g. "cart Create"
    method: str
    path: str
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, probe: str, path: str, payload: Any, headers: dict[str, str] | None = None) -> "Request":
        return cls(probe, "POST", path, json.dumps(payload).encode(),
                   {"Content-Type": "application/json", **(headers or {})})


@dataclass
class Exchange:
    probe: str
    method: str
    path: str
    request_headers: dict[str, str]
    request_body: str
    request_bytes: int
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str = ""  # redacted, bounded
    latency_s: float = 0.0
    error: str | None = None  # no answer: timeout, refused, closed
    raw_text: str = field(default="", repr=False)  # unredacted (bounded) answer, for leak checks only

    @property
    def answered(self) -> bool:
        return self.status is not None

    def json_body(self) -> Any:
        try:
            return json.loads(self.raw_text) if self.raw_text.strip() else None
        except ValueError:
            return _NOT_JSON

    def summary(self) -> str:
        outcome = f"{self.status}" if self.answered else f"no answer ({self.error})"
        return f"{self.method} {self.path} -> {outcome} in {self.latency_s * 1000:.0f} ms"

    def evidence(self) -> dict[str, Any]:
        record = {"probe": self.probe, "method": self.method, "path": self.path,
                  "request_headers": self.request_headers, "request_body": self.request_body,
                  "request_bytes": self.request_bytes, "status": self.status,
                  "latency_ms": round(self.latency_s * 1000, 1), "response_headers": self.response_headers,
                  "response_body": self.response_body}
        if self.error:
            record["error"] = self.error
        return record


class _NotJson:
    def __repr__(self) -> str:
        return "<not JSON>"


_NOT_JSON = _NotJson()


def is_json_failure(value: Any) -> bool:
    return value is _NOT_JSON


def send(base_url: str, request: Request, *, timeout_s: float, redactor: Redactor,
         connect: Connect | None = None) -> Exchange:
    """Send `request` to `base_url` (scheme://host:port); never raises for network trouble. `connect`
    makes the connection (scheme, host, port, timeout): the remote preview's reaches public addresses only."""
    url = urlsplit(base_url)
    shown_body = request.body[:SHOWN].decode("utf-8", "replace")
    if len(request.body) > SHOWN:
        shown_body += f"... ({len(request.body)} bytes)"
    exchange = Exchange(request.probe, request.method, request.path, redactor.headers(request.headers),
                        redactor.text(shown_body), len(request.body))
    connection = (connect or _connection)(url.scheme, url.hostname or "127.0.0.1", url.port, timeout_s)
    started = time.monotonic()
    try:
        _talk(connection, request, exchange, deadline=started + timeout_s + READ_GRACE_S)
    except (TimeoutError, socket.timeout):
        exchange.error = f"no answer within {timeout_s:g} s"
    except (ConnectionError, http.client.HTTPException, OSError, OutboundUrlError) as error:
        exchange.error = f"{type(error).__name__}: {error}"[:200]
    finally:
        exchange.latency_s = round(time.monotonic() - started, 4)
        connection.close()
    exchange.response_body = redactor.text(_shown(exchange.raw_text))
    return exchange


def _talk(connection: http.client.HTTPConnection, request: Request, exchange: Exchange, *, deadline: float) -> None:
    try:
        connection.request(request.method, request.path, body=request.body or None, headers=request.headers)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the app may answer (413) and close before the whole body is sent: read what it said
    response = connection.getresponse()
    exchange.status = response.status
    exchange.response_headers = {name.lower(): value[:200] for name, value in response.getheaders()
                                 if name.lower() in _KEPT_RESPONSE_HEADERS}
    exchange.raw_text = _read_bounded(response, deadline).decode("utf-8", "replace")


def _read_bounded(response: http.client.HTTPResponse, deadline: float) -> bytes:
    """At most READ_LIMIT bytes, and no more once the deadline has passed (an app that sends its answer a
    byte at a time, each within the socket timeout, would otherwise hold the probe for hours)."""
    chunks, size = [], 0
    while size < READ_LIMIT and time.monotonic() < deadline:
        try:
            chunk = response.read1(min(64 * 1024, READ_LIMIT - size))
        except (ConnectionError, http.client.IncompleteRead) as error:  # keep what did arrive
            chunk = getattr(error, "partial", b"") or b""
            chunks.append(chunk[: READ_LIMIT - size])
            break
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _connection(scheme: str, host: str, port: int | None, timeout_s: float) -> http.client.HTTPConnection:
    if scheme == "https":
        return http.client.HTTPSConnection(host, port, timeout=timeout_s, context=ssl.create_default_context())
    return http.client.HTTPConnection(host, port, timeout=timeout_s)


def _shown(text: str) -> str:
    return text if len(text) <= SHOWN else text[:SHOWN] + f"... ({len(text)} characters)"
