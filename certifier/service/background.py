"""What the server does besides answering requests: send runs to the workers (again when needed),
recover runs whose worker died (lease expired), and send callbacks. Each loop is one daemon thread;
callbacks are posted from a bounded pool so that a slow receiver holds only its own deliveries.

No request thread ever waits on the broker: a submission is saved, then handed to the dispatcher
thread, which publishes it with bounded timeouts. A run whose publish failed, or whose server died
before publishing, is still `queued` in the store; the dispatcher finds it there within seconds."""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import timedelta
from typing import Callable
from urllib.parse import urlsplit

import httpx

from certifier.service import callbacks
from certifier.service.config import ServiceConfig
from certifier.service.dispatch import Dispatcher
from certifier.service.dispatch.lease import reap
from certifier.service.store import recovery
from certifier.service.store.db import Database, store_unreachable, utcnow

log = logging.getLogger("certifier.service")
BROKER_BACKOFF_MAX_S = 5.0


class Background:
    def __init__(self, config: ServiceConfig, db: Database, dispatcher: Dispatcher) -> None:
        self.config, self.db, self.dispatcher = config, db, dispatcher
        self._stopping = threading.Event()
        self._deliver_now = threading.Event()
        self._send_now = threading.Event()
        self._threads: list[threading.Thread] = []
        self._http: httpx.Client | None = None  # one client (and TLS context) for the sender pool's lifetime
        self._lock = threading.Lock()
        self._to_send: dict[str, str | None] = {}  # run id -> why it is sent again (None: first send)
        self._broker_down_since: float | None = None
        self._broker_retry_at = 0.0
        self._broker_failures = 0
        self._senders = ThreadPoolExecutor(max_workers=config.callback_concurrency,
                                           thread_name_prefix="certifier-callback")
        self._in_flight: dict[Future, str] = {}  # callback attempt -> receiver host

    @property
    def uses_broker(self) -> bool:
        return self.config.dispatch == "celery"

    def start(self) -> None:
        self.dispatcher.start()
        self._loop("certifier-reaper", self.recover_once)
        if self.uses_broker:
            self._loop("certifier-dispatcher", self.send_once, wake=self._send_now)
        self._loop("certifier-callbacks", self.deliver_once, wake=self._deliver_now)

    def stop(self) -> None:
        self._stopping.set()
        self._deliver_now.set()
        self._send_now.set()
        for thread in self._threads:
            thread.join(timeout=self.config.callback_timeout_s + 5)
        self._senders.shutdown(wait=False, cancel_futures=True)
        wait(list(self._in_flight), timeout=self.config.callback_timeout_s + 1)
        if self._http is not None:
            self._http.close()
        self.dispatcher.stop()

    # --- dispatch ----------------------------------------------------------------------------------

    def dispatch(self, run_id: str, *, reason: str | None = None) -> None:
        """Send a queued run to the workers. Never blocks on the broker: Celery runs are published by
        the dispatcher thread; `reason` (for a re-send) is logged when it goes out."""
        if not self.uses_broker:
            self.dispatcher.dispatch(run_id)  # embedded: wakes a worker thread; workers also poll the store
            return
        with self._lock:
            self._to_send.setdefault(run_id, reason)
        self._send_now.set()

    def send_once(self) -> None:
        """One round of the dispatcher: runs handed over by requests and the reaper, plus queued runs
        the store says were never sent, or sent long ago and not picked up."""
        if time.monotonic() < self._broker_retry_at:
            return
        with self._lock:
            batch, self._to_send = self._to_send, {}
        now = utcnow()
        try:
            found = recovery.undispatched(self.db, now - timedelta(seconds=self.config.unsent_grace_s),
                                          now - timedelta(seconds=self.config.redispatch_after_s))
        except Exception as error:  # the store is away: still send what requests handed over
            if not store_unreachable(error):
                raise
            found = []
        for run_id, reason in found:
            batch.setdefault(run_id, reason)
        pending = list(batch.items())
        for index, (run_id, reason) in enumerate(pending):
            if self._stopping.is_set() or not self._send(run_id, reason):
                with self._lock:  # the rest waits for the next round (they are queued in the store too)
                    for later, why in pending[index:]:
                        self._to_send.setdefault(later, why or "the broker did not answer when it was first sent")
                return

    def _send(self, run_id: str, reason: str | None) -> bool:
        try:
            self.dispatcher.dispatch(run_id)
        except Exception as error:
            self._broker_failed(error)
            return False
        self._broker_answered()
        if reason:
            log.warning("run %s sent to the broker again: %s", run_id, reason)
        try:
            recovery.mark_dispatched(self.db, run_id)
        except Exception as error:  # it will be sent once more: harmless, the worker's claim decides
            if not store_unreachable(error):
                log.warning("recording the dispatch of run %s failed: %s", run_id, error)
        return True

    def _broker_failed(self, error: Exception) -> None:
        self._broker_failures += 1
        self._broker_retry_at = time.monotonic() + min(BROKER_BACKOFF_MAX_S, 0.5 * 2 ** self._broker_failures)
        if self._broker_down_since is None:
            self._broker_down_since = time.monotonic()
            log.warning("broker unreachable: %s: %s (runs stay queued in the store and are sent when it "
                        "answers; not logged again)", type(error).__name__, str(error)[:300])

    def _broker_answered(self) -> None:
        self._broker_failures, self._broker_retry_at = 0, 0.0
        if self._broker_down_since is not None:
            log.warning("broker reachable again after %.1f s", time.monotonic() - self._broker_down_since)
            self._broker_down_since = None

    # --- recovery ----------------------------------------------------------------------------------

    def recover_once(self) -> None:
        if self._store_recently_failed():
            return  # leases could not be renewed during the outage: give live workers time to renew them
        requeued, failed = reap(self.db, self.config.max_attempts, callbacks.failure_outbound)
        for run_id in requeued:
            self.dispatch(run_id, reason="its worker's lease expired (the run was queued again)")
        if failed:
            self._deliver_now.set()

    def _store_recently_failed(self) -> bool:
        last = self.db.outage.last_failed_at
        return last is not None and time.monotonic() - last < self.config.heartbeat_s + 2

    # --- callbacks ---------------------------------------------------------------------------------

    def deliver_once(self) -> None:
        if self._http is None:
            self._http = callbacks.http_client(self.config)  # guarded: public addresses only
        with self._lock:
            self._in_flight = {f: host for f, host in self._in_flight.items() if not f.done()}
            per_host: dict[str, int] = {}
            for host in self._in_flight.values():
                per_host[host] = per_host.get(host, 0) + 1
            free = self.config.callback_concurrency - len(self._in_flight)
        if free <= 0 or self._stopping.is_set():
            return

        def has_room(url: str) -> bool:  # at most callback_per_host attempts in flight to one receiver
            host = _host(url)
            if per_host.get(host, 0) >= self.config.callback_per_host:
                return False
            per_host[host] = per_host.get(host, 0) + 1
            return True

        callbacks.deliver_due(self.db, self.config, self._http, limit=free, accept=has_room, submit=self._submit)

    def _submit(self, attempt: Callable[[], None], url: str) -> None:
        def run() -> None:
            try:
                attempt()
            except Exception as error:  # the store is away: the delivery's lock expires and it is tried again
                if not store_unreachable(error):
                    log.warning("callback attempt failed to record: %s: %s", type(error).__name__, error)
            finally:
                self._deliver_now.set()  # a slot is free

        future = self._senders.submit(run)
        with self._lock:
            self._in_flight[future] = _host(url)

    def wake_deliveries(self) -> None:
        self._deliver_now.set()

    def _loop(self, name: str, step: Callable[[], None], wake: threading.Event | None = None) -> None:
        def run() -> None:
            while not self._stopping.is_set():
                try:
                    step()
                except Exception as error:  # the database or network is away: try again next round
                    if not store_unreachable(error):  # a store outage is logged once, by the store
                        log.warning("%s: %s: %s", name, type(error).__name__, error)
                if wake is not None:
                    wake.wait(self.config.poll_s)
                    wake.clear()
                else:
                    self._stopping.wait(self.config.poll_s)

        thread = threading.Thread(target=run, daemon=True, name=name)
        thread.start()
        self._threads.append(thread)


def _host(url: str) -> str:
    try:
        parts = urlsplit(url)
        return f"{parts.hostname}:{parts.port}"
    except ValueError:
        return url
