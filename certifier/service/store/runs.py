"""Run repository: submit (idempotent), claim with a lease, heartbeat, finish exactly once, reap.

A run moves queued -> running -> done | error. A worker owns a running run through a lease
(`lease_owner`, `lease_expires_at`) that it renews while working. Every transition is one
conditional UPDATE, so two workers can never both own a run, and a worker whose lease was taken
over cannot record a result (its finish matches no row): a run finishes exactly once.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from certifier.service.store.db import Database, utcnow
from certifier.service.store.models import DeliveryRow, ReportRow, RunEventRow, RunRow


class IdempotencyConflict(Exception):
    """The idempotency key was used before with a different request body."""

    def __init__(self, run_id: str) -> None:
        super().__init__(f"idempotency key already used for run {run_id} with a different request")
        self.run_id = run_id


@dataclass(frozen=True)
class NewRun:
    repository_url: str
    tag: str
    stage: str
    profile: str
    connector_key: str | None
    connector: dict
    deployment: dict | None
    callback_url: str | None
    submitted_by: str
    idempotency_key: str | None
    request_digest: str


@dataclass(frozen=True)
class ReportFiles:
    """A sealed report and its renderings, as stored."""

    digest: str
    verdict: str
    report_json: str
    html: str
    markdown: str
    connect_json: str
    sarif: str | None = None


@dataclass(frozen=True)
class Outbound:
    """A callback to queue with a transition: event name, URL and the exact body to send."""

    delivery_id: str
    event: str
    url: str
    payload: str


@dataclass(frozen=True)
class Completion:
    status: str  # done | error
    verdict: str | None = None
    decision_kind: str | None = None
    exit_code: int | None = None
    summary: str | None = None
    error: str | None = None
    report: ReportFiles | None = None


def new_id() -> str:
    return uuid.uuid4().hex


def add_event(session: Session, run_id: str, event: str, detail: str = "", actor: str | None = None,
              at: datetime | None = None) -> None:
    session.add(RunEventRow(run_id=run_id, at=at or utcnow(), event=event, detail=detail[:4000], actor=actor))


def add_delivery(session: Session, run_id: str, outbound: Outbound | None, now: datetime) -> None:
    if outbound is None:
        return
    session.add(DeliveryRow(id=outbound.delivery_id, run_id=run_id, event=outbound.event, url=outbound.url,
                            payload=outbound.payload, state="pending", attempts=0, next_attempt_at=now,
                            created_at=now))


def add_report(session: Session, run_id: str, files: ReportFiles, origin: str, now: datetime) -> int:
    revision = session.scalar(select(func.coalesce(func.max(ReportRow.revision) + 1, 0))
                              .where(ReportRow.run_id == run_id))
    session.add(ReportRow(run_id=run_id, revision=revision, origin=origin, digest=files.digest,
                          verdict=files.verdict, report_json=files.report_json, html=files.html,
                          markdown=files.markdown, connect_json=files.connect_json, sarif=files.sarif,
                          created_at=now))
    return revision


# --- submission ------------------------------------------------------------------------------------

def submit(db: Database, new: NewRun) -> tuple[RunRow, bool]:
    """(run, created). The same idempotency key with the same body gives the existing run (created
    False); with another body, IdempotencyConflict."""
    if new.idempotency_key:
        existing = _by_key(db, new.idempotency_key, new.request_digest)
        if existing is not None:
            return existing, False
    now = utcnow()
    row = RunRow(id=new_id(), idempotency_key=new.idempotency_key, request_digest=new.request_digest,
                 repository_url=new.repository_url, tag=new.tag, stage=new.stage, profile=new.profile,
                 connector_key=new.connector_key, connector_json=json.dumps(new.connector, sort_keys=True),
                 deployment_json=json.dumps(new.deployment, sort_keys=True) if new.deployment is not None else None,
                 callback_url=new.callback_url, submitted_by=new.submitted_by, status="queued", attempts=0,
                 created_at=now, dispatched_at=None)  # set once the broker has the message (recovery.mark_dispatched)
    try:
        with db.write() as session:
            session.add(row)
            session.flush()
            add_event(session, row.id, "submitted", f"{new.stage} of {new.tag}", actor=new.submitted_by, at=now)
    except IntegrityError:
        if not new.idempotency_key:
            raise
        existing = _by_key(db, new.idempotency_key, new.request_digest)  # a concurrent twin won the insert
        if existing is None:
            raise
        return existing, False
    return row, True


def _by_key(db: Database, key: str, digest: str) -> RunRow | None:
    with db.read() as session:
        row = session.scalar(select(RunRow).where(RunRow.idempotency_key == key))
    if row is not None and row.request_digest != digest:
        raise IdempotencyConflict(row.id)
    return row


# --- leases ----------------------------------------------------------------------------------------

def claim(db: Database, run_id: str, owner: str, lease_s: float) -> RunRow | None:
    """Take a queued run for `owner`; None when it is not queued (done, or someone else has it)."""
    now = utcnow()
    with db.write() as session:
        taken = session.execute(
            update(RunRow).where(RunRow.id == run_id, RunRow.status == "queued")
            .values(status="running", lease_owner=owner, lease_expires_at=now + timedelta(seconds=lease_s),
                    attempts=RunRow.attempts + 1, started_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not taken:
            return None
        row = session.get(RunRow, run_id)
        add_event(session, run_id, "started", f"attempt {row.attempts}", actor=owner, at=now)
        return row


def claim_next(db: Database, owner: str, lease_s: float) -> RunRow | None:
    """The oldest queued run, claimed for `owner` (embedded workers poll with this)."""
    for _ in range(5):  # another worker may win the race for a candidate; try the next one
        with db.read() as session:
            candidates = session.scalars(select(RunRow.id).where(RunRow.status == "queued")
                                         .order_by(RunRow.created_at).limit(5)).all()
        if not candidates:
            return None
        for run_id in candidates:
            row = claim(db, run_id, owner, lease_s)
            if row is not None:
                return row
    return None


def renew_lease(db: Database, run_id: str, owner: str, lease_s: float) -> bool:
    """Heartbeat: extend the lease while `owner` still holds it. False means the lease was lost."""
    with db.write() as session:
        return bool(session.execute(
            update(RunRow).where(RunRow.id == run_id, RunRow.status == "running", RunRow.lease_owner == owner)
            .values(lease_expires_at=utcnow() + timedelta(seconds=lease_s))
            .execution_options(synchronize_session=False)
        ).rowcount)


def finish(db: Database, run_id: str, owner: str, completion: Completion, outbound: Outbound | None) -> bool:
    """Record the result of `owner`'s run, its report and its callback in one transaction.
    False (and nothing recorded) when `owner` no longer holds the lease."""
    now = utcnow()
    with db.write() as session:
        won = session.execute(
            update(RunRow).where(RunRow.id == run_id, RunRow.status == "running", RunRow.lease_owner == owner)
            .values(status=completion.status, verdict=completion.verdict, decision_kind=completion.decision_kind,
                    exit_code=completion.exit_code, summary=completion.summary, error=completion.error,
                    finished_at=now, lease_owner=None, lease_expires_at=None)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not won:
            return False
        if completion.report is not None:
            add_report(session, run_id, completion.report, "automated", now)
        detail = completion.verdict or completion.error or ""
        add_event(session, run_id, "finished" if completion.status == "done" else "failed", detail, owner, now)
        add_delivery(session, run_id, outbound, now)
    return True


def note(db: Database, run_id: str, event: str, detail: str, actor: str | None = None) -> None:
    with db.write() as session:
        add_event(session, run_id, event, detail, actor)
