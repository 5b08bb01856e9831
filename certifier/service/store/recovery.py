"""Recovery side of the run store: runs whose lease expired, and runs never sent to a worker."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_, select, update

from certifier.service.store.db import Database, utcnow
from certifier.service.store.models import RunRow
from certifier.service.store.runs import Outbound, add_delivery, add_event


def expired_leases(db: Database, now: datetime | None = None) -> list[RunRow]:
    with db.read() as session:
        return list(session.scalars(select(RunRow).where(RunRow.status == "running",
                                                         RunRow.lease_expires_at < (now or utcnow()))))


def requeue_expired(db: Database, run_id: str, lease_expired_before: datetime) -> bool:
    """Put a run whose worker stopped heart-beating back in the queue (once, however many reapers)."""
    with db.write() as session:
        row = session.get(RunRow, run_id)
        done = session.execute(
            update(RunRow).where(RunRow.id == run_id, RunRow.status == "running",
                                 RunRow.lease_expires_at < lease_expired_before)
            .values(status="queued", lease_owner=None, lease_expires_at=None, dispatched_at=None)
            .execution_options(synchronize_session=False)
        ).rowcount
        if done:
            add_event(session, run_id, "lease-expired", f"worker {row.lease_owner} stopped renewing its lease; "
                      "queued again")
        return bool(done)


def give_up_expired(db: Database, run_id: str, lease_expired_before: datetime, error: str,
                    outbound: Outbound | None) -> bool:
    """A run whose workers died `max_attempts` times ends in `error` (and its callback says so)."""
    now = utcnow()
    with db.write() as session:
        done = session.execute(
            update(RunRow).where(RunRow.id == run_id, RunRow.status == "running",
                                 RunRow.lease_expires_at < lease_expired_before)
            .values(status="error", error=error, finished_at=now, lease_owner=None, lease_expires_at=None)
            .execution_options(synchronize_session=False)
        ).rowcount
        if done:
            add_event(session, run_id, "failed", error, at=now)
            add_delivery(session, run_id, outbound, now)
        return bool(done)


NEVER_SENT = "never sent (its publish failed, or the server stopped before publishing)"


def undispatched(db: Database, unsent_before: datetime, sent_before: datetime,
                 limit: int = 100) -> list[tuple[str, str]]:
    """Queued runs to send to the broker again, each with the reason: never sent (and submitted or
    re-queued before `unsent_before`), or sent before `sent_before` and still not picked up."""
    with db.read() as session:
        rows = session.execute(
            select(RunRow.id, RunRow.dispatched_at).where(
                RunRow.status == "queued",
                or_(and_(RunRow.dispatched_at.is_(None), RunRow.created_at < unsent_before),
                    RunRow.dispatched_at < sent_before))
            .order_by(RunRow.created_at).limit(limit)).all()
    now = utcnow()
    return [(run_id, NEVER_SENT if sent is None else
             f"sent {(now - sent).total_seconds():.0f} s ago and not picked up (message lost?)") for run_id, sent in rows]


def mark_dispatched(db: Database, run_id: str) -> None:
    """Record that the broker has a message for this queued run (so it is not sent again soon)."""
    with db.write() as session:
        session.execute(update(RunRow).where(RunRow.id == run_id, RunRow.status == "queued")
                        .values(dispatched_at=utcnow())
                        .execution_options(synchronize_session=False))
