"""The embedded worker pool: threads in the server process that claim queued runs from the store.

No broker: a submission wakes a worker; workers also poll, so runs queued before a restart (or
re-queued by the reaper) are picked up without anyone dispatching them."""

from __future__ import annotations

import logging
import os
import socket
import threading

from certifier.service.config import ServiceConfig
from certifier.service.execute import execute
from certifier.service.store import runs
from certifier.service.store.db import Database, store_unreachable

log = logging.getLogger("certifier.service")


class EmbeddedPool:
    def __init__(self, config: ServiceConfig, db: Database) -> None:
        self._config, self._db = config, db
        self._wake = threading.Condition()
        self._pending_wakeups = 0
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._identity = f"embedded@{socket.gethostname()}:{os.getpid()}"

    def start(self) -> None:
        for index in range(self._config.workers):
            thread = threading.Thread(target=self._work, args=(index,), daemon=True, name=f"certifier-worker-{index}")
            thread.start()
            self._threads.append(thread)

    def dispatch(self, run_id: str) -> None:
        with self._wake:
            self._pending_wakeups += 1
            self._wake.notify()

    def check(self) -> str:
        return "none (embedded workers)"

    def stop(self, timeout_s: float = 30.0) -> None:
        """Stop taking runs; wait (bounded) for runs in progress. An unfinished run's lease expires
        and the reaper of the next server queues it again."""
        self._stopping.set()
        with self._wake:
            self._wake.notify_all()
        for thread in self._threads:
            thread.join(timeout=timeout_s)

    def _work(self, index: int) -> None:
        while not self._stopping.is_set():
            try:
                run = runs.claim_next(self._db, f"{self._identity}:{index}:{runs.new_id()[:8]}", self._config.lease_s)
            except Exception as error:  # the database is away: wait and try again
                if not store_unreachable(error):  # an outage is logged once, by the store itself
                    log.warning("embedded worker %d: cannot claim runs: %s", index, error)
                run = None
            if run is None:
                self._idle()
                continue
            try:
                execute(self._db, self._config, run, run.lease_owner)
            except Exception:  # recorded nowhere else: the lease expires and the run is taken again
                log.exception("embedded worker %d: run %s failed to record", index, run.id)

    def _idle(self) -> None:
        with self._wake:
            if self._pending_wakeups == 0 and not self._stopping.is_set():
                self._wake.wait(timeout=self._config.poll_s)
            self._pending_wakeups = max(0, self._pending_wakeups - 1)
