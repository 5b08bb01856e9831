"""Heartbeat (a worker keeps its lease on a run) and the reaper (runs whose worker died go back
to the queue, or end in `error` after too many attempts)."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from certifier.service.store import recovery, runs
from certifier.service.store.db import Database, store_unreachable, utcnow

log = logging.getLogger("certifier.service")


class Heartbeat:
    """Renews `owner`'s lease on `run_id` every `every_s` seconds until stopped. `lost` is set when the
    lease was taken over (the run's result will then be discarded by runs.finish)."""

    def __init__(self, db: Database, run_id: str, owner: str, lease_s: float, every_s: float) -> None:
        self._db, self._run_id, self._owner = db, run_id, owner
        self._lease_s, self._every_s = lease_s, every_s
        self._stop = threading.Event()
        self.lost = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True, name=f"heartbeat-{run_id[:8]}")

    def __enter__(self) -> "Heartbeat":
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join(timeout=self._every_s + 5)

    def _beat(self) -> None:
        wait_s = self._every_s
        while not self._stop.wait(wait_s):
            try:
                if not runs.renew_lease(self._db, self._run_id, self._owner, self._lease_s):
                    self.lost.set()
                    return
                wait_s = self._every_s
            except Exception as error:
                # The store is away: keep trying every second, so that the lease is renewed as soon as it
                # returns (the reaper waits a little after an outage before it takes expired leases).
                if not store_unreachable(error):
                    log.warning("heartbeat for run %s failed: %s", self._run_id, error)
                wait_s = min(self._every_s, 1.0)


def reap(db: Database, max_attempts: int, give_up_outbound) -> tuple[list[str], list[str]]:
    """Handle runs whose lease expired: queue them again, or end them in `error` after `max_attempts`
    claims. `give_up_outbound(run, error)` gives the callback to queue. Returns (requeued, failed)."""
    now = utcnow()
    requeued, failed = [], []
    for run in recovery.expired_leases(db, now):
        cutoff = now + timedelta(microseconds=1)
        if run.attempts >= max_attempts:
            error = (f"the run was started {run.attempts} times and its worker stopped every time "
                     "(killed or lost); giving up")
            if recovery.give_up_expired(db, run.id, cutoff, error, give_up_outbound(run, error)):
                failed.append(run.id)
        elif recovery.requeue_expired(db, run.id, cutoff):
            requeued.append(run.id)
    if requeued or failed:
        log.warning("reaper: re-queued %s, gave up %s", requeued, failed)
    return requeued, failed
