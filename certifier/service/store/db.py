"""Engine and sessions for SQLite (default) or PostgreSQL, and schema migration through Alembic.

SQLite allows one writer at a time. A transaction that reads first and writes later can fail with
"database is locked" when another writer got in between, so write transactions start with
BEGIN IMMEDIATE (they take the write lock up front and wait for it, up to the busy timeout).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from sqlalchemy import DateTime, create_engine, event, exc
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from certifier.service.store.bounded import bounded as bounded_calls

SQLITE_BUSY_TIMEOUT_MS = 30_000
CONNECT_TIMEOUT_S = 3  # PostgreSQL: a server that does not answer fails the request fast (503), not after minutes
POOL_TIMEOUT_S = 5  # waiting for a pooled connection is bounded too
TCP_USER_TIMEOUT_MS = 15_000
# PostgreSQL, inside a store call: one round trip (a query, a commit, the pool's pre-ping) that gets no
# answer within this is cut, so a frozen server fails a request within seconds (see store/bounded.py).
# Far above any answer of a live server: store calls are a few small statements each.
ROUND_TRIP_TIMEOUT_S = 3.0
log = logging.getLogger("certifier.service")


def store_unreachable(error: BaseException) -> bool:
    """True for errors that mean "the database cannot be reached now" (worth a 503 and a retry), not a bug."""
    if isinstance(error, (exc.OperationalError, exc.InterfaceError, exc.TimeoutError)):
        return True
    return isinstance(error, exc.DBAPIError) and bool(error.connection_invalidated)


class Outage:
    """Logs one line when the store becomes unreachable and one when it answers again, instead of a
    line (or a traceback) per failed request or loop round."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.down_since: float | None = None
        self.last_failed_at: float | None = None  # time.monotonic() of the latest failure

    def failed(self, error: BaseException) -> None:
        self.last_failed_at = time.monotonic()
        with self._lock:
            if self.down_since is not None:
                return
            self.down_since = time.monotonic()
        log.warning("store unreachable: %s: %s (requests get 503 until it answers; not logged again)",
                    type(error).__name__, str(error).splitlines()[0][:300] if str(error) else "")

    def succeeded(self) -> None:
        if self.down_since is None:
            return
        with self._lock:
            if self.down_since is None:
                return
            lasted, self.down_since = time.monotonic() - self.down_since, None
        log.warning("store reachable again after %.1f s", lasted)

    @property
    def down(self) -> bool:
        return self.down_since is not None


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in Python, naive UTC in the column: compares alike on SQLite and PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use certifier.service.store.db.utcnow()")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=timezone.utc)


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _private_file(Path(parsed.database))
        engine = create_engine(parsed, connect_args={"check_same_thread": False,
                                                     "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _sqlite_transactions(engine)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3 unless another driver is named
    connect_args = {}
    if parsed.get_backend_name() == "postgresql":
        # Bounded waits on a server that does not answer: the connection attempt, and (through TCP)
        # data sent and never acknowledged, so a partitioned database fails requests instead of hanging them.
        connect_args = {"connect_timeout": CONNECT_TIMEOUT_S, "tcp_user_timeout": TCP_USER_TIMEOUT_MS,
                        "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 3, "keepalives_count": 3}
    engine = create_engine(parsed, pool_pre_ping=True, pool_size=10, max_overflow=20, pool_timeout=POOL_TIMEOUT_S,
                           connect_args=connect_args)
    if parsed.drivername == "postgresql+psycopg":
        _bounded_round_trips(engine)
    return engine


def _bounded_round_trips(engine: Engine) -> None:
    """psycopg connections whose round trips in a store call end after ROUND_TRIP_TIMEOUT_S (store/bounded.py).
    Another driver named in the URL (psycopg2, ...) keeps only the TCP timeouts above."""
    from certifier.service.store import bounded

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect, _record, cargs, cparams):
        return bounded.connect(*cargs, **cparams)


def _private_file(database: Path) -> None:
    """The store holds runs, reports, token hashes and callback URLs: its file is the service's alone (0600,
    and SQLite gives its journal files the same mode); a new folder for it is 0700."""
    database.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.close(os.open(database, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(database, 0o600)  # an older store created with the default mode is tightened too


def _sqlite_transactions(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (pysqlite's is too late)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL: a crash of the process loses nothing; only a power loss can lose the last commits.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        immediate = connection.get_execution_options().get("certifier_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """One engine; `write()` and `read()` give a session in a transaction that commits or rolls back.
    `outage` follows whether the store answers (see Outage)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.outage = Outage()
        self._writer = sessionmaker(bind=self.engine.execution_options(certifier_write=True), expire_on_commit=False)
        self._reader = sessionmaker(bind=self.engine, expire_on_commit=False)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self._watched(), self._writer.begin() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._watched(), self._reader.begin() as session:
            yield session

    @contextmanager
    def _watched(self) -> Iterator[None]:
        try:
            with bounded_calls(ROUND_TRIP_TIMEOUT_S if self.backend == "postgresql" else None):
                yield
        except Exception as error:
            if store_unreachable(error):
                self.outage.failed(error)
            raise
        self.outage.succeeded()

    def migrate(self) -> None:
        from certifier.service.store.migrate import upgrade

        upgrade(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()
