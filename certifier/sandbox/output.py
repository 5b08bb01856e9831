"""Bounded capture of a child's output: keep the head and the tail, count what is dropped, redact secrets.

Connector code can print without end; we keep at most `limit` bytes per stream (a quarter from the
start, the rest from the end, where errors usually are) and only remember how much we dropped.
"""

from __future__ import annotations

import os
import select
import threading

REDACTED = "***"
MIN_SECRET_LEN = 4  # shorter values would shred ordinary output ("1", "dev") and protect nothing


class BoundedBuffer:
    def __init__(self, limit: int) -> None:
        self.limit = max(limit, 64)
        self._head = bytearray()
        self._tail = bytearray()
        self.dropped = 0
        self._lock = threading.Lock()

    def write(self, chunk: bytes) -> None:
        with self._lock:
            head_room = self.limit // 4 - len(self._head)
            if head_room > 0:
                self._head += chunk[:head_room]
                chunk = chunk[head_room:]
            self._tail += chunk
            excess = len(self._tail) - (self.limit - len(self._head))
            if excess > 0:
                del self._tail[:excess]
                self.dropped += excess

    def text(self, secrets: tuple[str, ...] = ()) -> str:
        with self._lock:
            head, tail, dropped = bytes(self._head), bytes(self._tail), self.dropped
        if not dropped:
            return redact((head + tail).decode("utf-8", errors="replace"), secrets)
        # a secret cut in two by the gap survives redaction in pieces: strip such pieces at the cut
        head_text = _strip_cut_piece(redact(head.decode("utf-8", "replace"), secrets), secrets, end=True)
        tail_text = _strip_cut_piece(redact(tail.decode("utf-8", "replace"), secrets), secrets, end=False)
        return f"{head_text}\n[... {dropped} bytes of output dropped ...]\n{tail_text}"


def _strip_cut_piece(text: str, secrets: tuple[str, ...], end: bool) -> str:
    """Remove the longest start (or end) of a secret from the end (or start) of `text`."""
    longest = 0
    for secret in secrets:
        for size in range(min(len(secret) - 1, len(text)), longest, -1):
            piece = text[-size:] if end else text[:size]
            if piece == (secret[:size] if end else secret[-size:]):
                longest = size
                break
    if not longest:
        return text
    return text[:-longest] if end else text[longest:]


def redact(text: str, secrets: tuple[str, ...]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):  # longest first: a secret may contain another
        text = text.replace(secret, REDACTED)
    return text


def usable_secrets(values) -> tuple[str, ...]:
    return tuple(sorted({v for v in values if isinstance(v, str) and len(v) >= MIN_SECRET_LEN}))


class StreamReader(threading.Thread):
    """Drain one pipe into a BoundedBuffer; stops at EOF or when told (an escaped writer may hold it open)."""

    def __init__(self, fd: int, buffer: BoundedBuffer) -> None:
        super().__init__(daemon=True)
        self.fd = fd
        self.buffer = buffer
        self._stop_event = threading.Event()

    def run(self) -> None:
        try:
            while not self._stop_event.is_set():
                ready, _, _ = select.select([self.fd], [], [], 0.2)
                if not ready:
                    continue
                chunk = os.read(self.fd, 65536)
                if not chunk:
                    return
                self.buffer.write(chunk)
        except (OSError, ValueError):
            return
        finally:
            try:
                os.close(self.fd)
            except OSError:
                pass

    def finish(self, timeout: float) -> None:
        self.join(timeout)
        if self.is_alive():
            self._stop_event.set()
            self.join(1.0)
