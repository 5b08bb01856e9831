"""Every exchange with PostgreSQL inside a store call is bounded, even when the server is frozen.

A PostgreSQL server stopped with SIGSTOP (or hung: a stalled disk, a paused VM) still has a kernel
that acknowledges every packet, so no TCP setting fires (`tcp_user_timeout` counts unacknowledged
data, keepalive probes are answered) and `statement_timeout` runs in the frozen server itself. A
query on an open connection would then wait until the server wakes, holding a request thread.

So the client bounds each round trip itself: the engine makes psycopg connections of the class
below, whose `wait` (psycopg's single point where it waits for the server: queries, results,
commit, rollback, the pool's pre-ping) registers the socket with a watchdog thread. A round trip
still unanswered after `limit_s` has its socket shut down: psycopg then fails with an
OperationalError at once, SQLAlchemy sees a broken connection (a disconnect: the pool drops it and
every connection older than it), and the store's callers see an outage (503, task retried).

Only store calls (`Database.read()`/`write()`) are bounded (`bounded()` below); migrations, which
wait for each other on an advisory lock, are not. Within one store call, once a round trip was cut,
no new connection is attempted (the pool would otherwise reconnect after a failed pre-ping and add
the connect timeout): the call fails, the next one tries again.
"""

from __future__ import annotations

import contextvars
import os
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

import psycopg


@dataclass
class _Call:
    limit_s: float
    cut: bool = False  # a round trip of this store call was cut


_current: contextvars.ContextVar[_Call | None] = contextvars.ContextVar("certifier_store_call", default=None)


@contextmanager
def bounded(limit_s: float | None) -> Iterator[None]:
    """Round trips on this thread's store connections wait at most `limit_s` (None: unbounded)."""
    token = _current.set(_Call(limit_s) if limit_s else None)
    try:
        yield
    finally:
        _current.reset(token)


@dataclass
class _Watch:
    fileno: int
    deadline: float
    cut: bool = False


class Watchdog:
    """One daemon thread per process that shuts down the sockets of round trips past their deadline.

    `watch()`/`release()` and the cutting hold one lock, so a socket is never cut after its round
    trip was released (its file descriptor may belong to something else by then)."""

    def __init__(self) -> None:
        self._reset()
        os.register_at_fork(after_in_child=self._reset)  # a forked worker has no watchdog thread yet

    def _reset(self) -> None:
        self._cond = threading.Condition()
        self._by_id: dict[int, _Watch] = {}
        self._next_wake = float("inf")
        self._thread: threading.Thread | None = None

    def watch(self, fileno: int, limit_s: float) -> _Watch:
        entry = _Watch(fileno, time.monotonic() + limit_s)
        with self._cond:
            self._by_id[id(entry)] = entry
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="certifier-store-watchdog", daemon=True)
                self._thread.start()
            if entry.deadline < self._next_wake:  # deadlines mostly grow: the thread is rarely woken
                self._cond.notify()
        return entry

    def release(self, entry: _Watch) -> None:
        with self._cond:
            self._by_id.pop(id(entry), None)

    def _run(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                for key, entry in list(self._by_id.items()):
                    if entry.deadline <= now:
                        del self._by_id[key]
                        entry.cut = True
                        _shut_down(entry.fileno)
                self._next_wake = min((e.deadline for e in self._by_id.values()), default=float("inf"))
                self._cond.wait(None if self._next_wake == float("inf") else self._next_wake - now)


def _shut_down(fileno: int) -> None:
    """Both directions of the socket: a blocked read returns at once (shutdown acts on the socket,
    so a duplicate of the descriptor serves and the connection's own descriptor stays open)."""
    try:
        with socket.socket(fileno=os.dup(fileno)) as duplicate:
            duplicate.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed: nothing waits on it


WATCHDOG = Watchdog()


class BoundedConnection(psycopg.Connection):
    """A psycopg connection whose round trips inside a store call end after the call's limit."""

    def wait(self, *args, **kwargs):
        call = _current.get()
        if call is None:
            return super().wait(*args, **kwargs)
        entry = WATCHDOG.watch(self.fileno(), call.limit_s)
        try:
            return super().wait(*args, **kwargs)
        except psycopg.OperationalError as error:
            if not entry.cut:
                raise
            call.cut = True
            self.close()  # closed: SQLAlchemy counts it as a disconnect and drops it from the pool
            raise psycopg.OperationalError(
                f"the database did not answer within {call.limit_s:g} s (frozen or overloaded); "
                "connection closed") from error
        finally:
            WATCHDOG.release(entry)


def connect(*args, **kwargs) -> BoundedConnection:
    """For the engine's do_connect event; refuses a new connection in a store call already cut."""
    call = _current.get()
    if call is not None and call.cut:
        raise psycopg.OperationalError("the database did not answer within "
                                       f"{call.limit_s:g} s; not reconnecting within this store call")
    return BoundedConnection.connect(*args, **kwargs)
