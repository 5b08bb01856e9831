"""Callback outbox: claim due deliveries (one sender each, whatever the number of servers), record attempts."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from certifier.service.store.db import Database, utcnow
from certifier.service.store.models import DeliveryAttemptRow, DeliveryRow


def claim_due(db: Database, lock_s: float, limit: int = 20, accept=None) -> list[DeliveryRow]:
    """Pending deliveries whose time has come, each locked for `lock_s` against other senders.
    `accept(url)`, when given, picks among them (one receiver must not take every slot)."""
    now = utcnow()
    with db.read() as session:
        candidates = session.execute(
            select(DeliveryRow.id, DeliveryRow.url)
            .where(DeliveryRow.state == "pending", DeliveryRow.next_attempt_at <= now,
                   or_(DeliveryRow.locked_until.is_(None), DeliveryRow.locked_until < now))
            .order_by(DeliveryRow.next_attempt_at).limit(limit if accept is None else max(limit, 200))).all()
    claimed = []
    for delivery_id, url in candidates:
        if len(claimed) >= limit:
            break
        if accept is not None and not accept(url):
            continue
        with db.write() as session:
            taken = session.execute(
                update(DeliveryRow).where(DeliveryRow.id == delivery_id, DeliveryRow.state == "pending",
                                          or_(DeliveryRow.locked_until.is_(None), DeliveryRow.locked_until < now))
                .values(locked_until=now + timedelta(seconds=lock_s))
                .execution_options(synchronize_session=False)).rowcount
            if taken:
                claimed.append(session.get(DeliveryRow, delivery_id))
    return claimed


def record_attempt(db: Database, delivery_id: str, *, status_code: int | None, error: str | None,
                   duration_s: float, delivered: bool, retry_at: datetime | None) -> None:
    """One attempt's outcome; `retry_at` None with `delivered` False means we gave up."""
    now = utcnow()
    with db.write() as session:
        row = session.get(DeliveryRow, delivery_id)
        row.attempts += 1
        session.add(DeliveryAttemptRow(delivery_id=delivery_id, number=row.attempts, at=now,
                                       status_code=status_code, error=(error or None) and error[:2000],
                                       duration_s=round(duration_s, 4)))
        row.last_status_code = status_code
        row.last_error = (error or None) and error[:2000]
        row.locked_until = None
        if delivered:
            row.state, row.delivered_at = "delivered", now
        elif retry_at is None:
            row.state = "failed"
        else:
            row.next_attempt_at = retry_at


def next_due(db: Database) -> datetime | None:
    with db.read() as session:
        return session.scalar(select(DeliveryRow.next_attempt_at).where(DeliveryRow.state == "pending")
                              .order_by(DeliveryRow.next_attempt_at).limit(1))
