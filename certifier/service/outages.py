"""Honest answers while a dependency is away.

- A store that cannot be reached gives 503 with Retry-After and a JSON body on every endpoint (the
  store logs one line per outage, not a traceback per request).
- /healthz asks the database and the broker at the same time, each on its own small thread pool
  and with its own timeout, so it answers within about `health_timeout_s` even when request threads
  or a dependency hang. A check still running from an earlier request is awaited, not started again.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy import exc, text

from certifier.service.store.db import Database, store_unreachable

log = logging.getLogger("certifier.service")
STORE_ERRORS = (exc.DBAPIError, exc.TimeoutError)  # what the exception handler is registered for


def store_error_handler(retry_after_s: int):
    async def handler(_request: Request, error: Exception) -> JSONResponse:
        if store_unreachable(error):
            return JSONResponse(status_code=503, headers={"Retry-After": str(retry_after_s)},
                                content={"detail": "the run store cannot be reached; retry later",
                                         "retryAfterSeconds": retry_after_s})
        log.error("store error (a bug, not an outage): %s", type(error).__name__, exc_info=error)
        return JSONResponse(status_code=500, content={"detail": "internal error of the run store"})

    return handler


class HealthChecks:
    """Bounded, single-flight checks of the database and the broker."""

    def __init__(self, db: Database, broker_check: Callable[[], str], timeout_s: float) -> None:
        self._checks = {"database": lambda: _database_answers(db), "broker": broker_check}
        self._timeout_s = timeout_s
        self._pools = {name: ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"certifier-health-{name}")
                       for name in self._checks}
        self._running: dict[str, Future] = {}
        self._lock = threading.Lock()

    async def report(self) -> tuple[bool, dict[str, str]]:
        """(every dependency answered, {dependency: its name, or why it is considered down})."""
        names = list(self._checks)
        results = await asyncio.gather(*(self._one(name) for name in names))
        body = dict(zip(names, (text for _ok, text in results)))
        return all(ok for ok, _text in results), body

    async def _one(self, name: str) -> tuple[bool, str]:
        future = self._future(name)
        try:
            answer = asyncio.wrap_future(future)
            answer.add_done_callback(_retrieved)  # a check failing after its timeout is not "never retrieved"
            return True, await asyncio.wait_for(asyncio.shield(answer), self._timeout_s)
        except asyncio.TimeoutError:
            return False, f"unreachable: no answer within {self._timeout_s:g} s"
        except Exception as error:
            return False, f"unreachable: {type(error).__name__}"

    def _future(self, name: str) -> Future:
        with self._lock:
            running = self._running.get(name)
            if running is None or running.done():
                running = self._running[name] = self._pools[name].submit(self._checks[name])
            return running

    def close(self) -> None:
        for pool in self._pools.values():
            pool.shutdown(wait=False, cancel_futures=True)


def _retrieved(answer: asyncio.Future) -> None:
    """Marks a late check's exception as seen: asyncio would log it with a traceback otherwise."""
    if not answer.cancelled():
        answer.exception()


def _database_answers(db: Database) -> str:
    with db.read() as session:
        session.execute(text("SELECT 1"))
    return db.backend
