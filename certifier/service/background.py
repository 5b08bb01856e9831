"""What the server does besides answering requests: dispatch runs (again when needed), recover runs
whose worker died (lease expired), and send callbacks. Each loop is one daemon thread."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from typing import Callable

import httpx

from certifier.service import callbacks
from certifier.service.config import ServiceConfig
from certifier.service.dispatch import Dispatcher
from certifier.service.dispatch.lease import reap
from certifier.service.store import recovery
from certifier.service.store.db import Database, utcnow

log = logging.getLogger("certifier.service")


class Background:
    def __init__(self, config: ServiceConfig, db: Database, dispatcher: Dispatcher) -> None:
        self.config, self.db, self.dispatcher = config, db, dispatcher
        self._stopping = threading.Event()
        self._deliver_now = threading.Event()
        self._threads: list[threading.Thread] = []
        self._http: httpx.Client | None = None  # one client (and TLS context) for the sender loop's lifetime

    def start(self) -> None:
        self.dispatcher.start()
        self._loop("certifier-reaper", self.recover_once)
        self._loop("certifier-callbacks", self.deliver_once, wake=self._deliver_now)

    def stop(self) -> None:
        self._stopping.set()
        self._deliver_now.set()
        for thread in self._threads:
            thread.join(timeout=self.config.callback_timeout_s + 5)
        if self._http is not None:
            self._http.close()
        self.dispatcher.stop()

    def dispatch(self, run_id: str, *, new: bool = False) -> None:
        """Send a run to the workers. A new run was stored as dispatched already (one write less per
        submission); if sending fails, that mark is undone and the reaper sends it at its next round."""
        try:
            self.dispatcher.dispatch(run_id)
        except Exception as error:
            log.warning("dispatch of run %s failed (will retry): %s", run_id, error)
            self._try(lambda: recovery.mark_dispatched(self.db, run_id, dispatched=False))
            return
        if not new:
            self._try(lambda: recovery.mark_dispatched(self.db, run_id))

    @staticmethod
    def _try(step) -> None:
        try:
            step()
        except Exception as error:  # the reaper's next round repairs it
            log.warning("recording a dispatch failed: %s", error)

    def recover_once(self) -> None:
        requeued, _failed = reap(self.db, self.config.max_attempts, callbacks.failure_outbound)
        for run_id in requeued:
            self.dispatch(run_id)
        if self.config.dispatch == "celery":  # embedded workers poll the store; nothing is ever lost there
            stale = utcnow() - timedelta(seconds=self.config.redispatch_after_s)
            for run_id in recovery.undispatched(self.db, stale):
                self.dispatch(run_id)
        if _failed:
            self._deliver_now.set()

    def deliver_once(self) -> None:
        if self._http is None:
            self._http = httpx.Client(follow_redirects=False, trust_env=False)
        while callbacks.deliver_due(self.db, self.config, self._http):
            if self._stopping.is_set():
                return

    def wake_deliveries(self) -> None:
        self._deliver_now.set()

    def _loop(self, name: str, step: Callable[[], None], wake: threading.Event | None = None) -> None:
        def run() -> None:
            while not self._stopping.is_set():
                try:
                    step()
                except Exception as error:  # the database or network is away: try again next round
                    log.warning("%s: %s: %s", name, type(error).__name__, error)
                if wake is not None:
                    wake.wait(self.config.poll_s)
                    wake.clear()
                else:
                    self._stopping.wait(self.config.poll_s)

        thread = threading.Thread(target=run, daemon=True, name=name)
        thread.start()
        self._threads.append(thread)
