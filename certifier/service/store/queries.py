"""Read side of the store: one run with its history, lists with filters, reports, deliveries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from certifier.service.store.db import Database
from certifier.service.store.models import (
    DeliveryAttemptRow,
    DeliveryRow,
    ReportRow,
    ReviewRow,
    RunEventRow,
    RunRow,
)

DECISION_KINDS = ("positive", "negative", "review", "undecided")


@dataclass(frozen=True)
class RunFilter:
    connector: str | None = None
    tag: str | None = None
    stage: str | None = None
    decision: str | None = None  # a decision kind (positive, ...) or an exact verdict label
    status: str | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class RunDetail:
    run: RunRow
    events: list[RunEventRow]
    reviews: list[ReviewRow]
    report_revisions: list[tuple[int, str, str]]  # (revision, origin, verdict)


def get_run(db: Database, run_id: str) -> RunRow | None:
    with db.read() as session:
        return session.get(RunRow, run_id)


def run_detail(db: Database, run_id: str) -> RunDetail | None:
    with db.read() as session:
        run = session.get(RunRow, run_id)
        if run is None:
            return None
        events = session.scalars(select(RunEventRow).where(RunEventRow.run_id == run_id)
                                 .order_by(RunEventRow.at, RunEventRow.id)).all()
        reviews = session.scalars(select(ReviewRow).where(ReviewRow.run_id == run_id).order_by(ReviewRow.id)).all()
        revisions = session.execute(select(ReportRow.revision, ReportRow.origin, ReportRow.verdict)
                                    .where(ReportRow.run_id == run_id).order_by(ReportRow.revision)).all()
        return RunDetail(run, list(events), list(reviews), [tuple(r) for r in revisions])


def list_runs(db: Database, flt: RunFilter) -> tuple[list[RunRow], int]:
    """(page of runs, newest first; total matching)."""
    query = select(RunRow)
    if flt.connector is not None:
        query = query.where(RunRow.connector_key == flt.connector)
    if flt.tag is not None:
        query = query.where(RunRow.tag == flt.tag)
    if flt.stage is not None:
        query = query.where(RunRow.stage == flt.stage)
    if flt.status is not None:
        query = query.where(RunRow.status == flt.status)
    if flt.decision is not None:
        query = query.where(or_(RunRow.decision_kind == flt.decision, RunRow.verdict == flt.decision))
    with db.read() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery()))
        rows = session.scalars(query.order_by(RunRow.created_at.desc(), RunRow.id)
                               .limit(flt.limit).offset(flt.offset)).all()
    return list(rows), int(total or 0)


def report(db: Database, run_id: str, revision: int | None = None) -> ReportRow | None:
    """A stored report: the given revision, or the newest."""
    query = select(ReportRow).where(ReportRow.run_id == run_id)
    query = query.where(ReportRow.revision == revision) if revision is not None else \
        query.order_by(ReportRow.revision.desc()).limit(1)
    with db.read() as session:
        return session.scalar(query)


def deliveries(db: Database, run_id: str) -> list[tuple[DeliveryRow, list[DeliveryAttemptRow]]]:
    with db.read() as session:
        rows = session.scalars(select(DeliveryRow).where(DeliveryRow.run_id == run_id)
                               .order_by(DeliveryRow.created_at, DeliveryRow.id)).all()
        attempts = session.scalars(select(DeliveryAttemptRow)
                                   .where(DeliveryAttemptRow.delivery_id.in_([r.id for r in rows]))
                                   .order_by(DeliveryAttemptRow.number)).all() if rows else []
    by_delivery: dict[str, list[DeliveryAttemptRow]] = {}
    for attempt in attempts:
        by_delivery.setdefault(attempt.delivery_id, []).append(attempt)
    return [(row, by_delivery.get(row.id, [])) for row in rows]


def status_counts(db: Database) -> dict[str, int]:
    with db.read() as session:
        return {status: int(count) for status, count in
                session.execute(select(RunRow.status, func.count()).group_by(RunRow.status)).all()}


def verdict_counts(db: Database) -> dict[tuple[str, str], int]:
    with db.read() as session:
        rows = session.execute(select(RunRow.stage, RunRow.verdict, func.count())
                               .where(RunRow.verdict.is_not(None)).group_by(RunRow.stage, RunRow.verdict)).all()
    return {(stage, verdict): int(count) for stage, verdict, count in rows}


def delivery_counts(db: Database) -> dict[str, int]:
    with db.read() as session:
        return {state: int(count) for state, count in
                session.execute(select(DeliveryRow.state, func.count()).group_by(DeliveryRow.state)).all()}


def newest_certified_report(db: Database, connector_key: str | None, *, before_run: str) -> ReportRow | None:
    """The newest report (latest revision) of the newest finished run with a positive decision of the same
    connector, other than `before_run`: the baseline a new run's delta compares with. None without a key."""
    if not connector_key:
        return None
    run_id = (select(RunRow.id)
              .where(RunRow.connector_key == connector_key, RunRow.id != before_run, RunRow.status == "done",
                     RunRow.decision_kind == "positive")
              .order_by(RunRow.finished_at.desc(), RunRow.created_at.desc(), RunRow.id.desc()).limit(1)
              .scalar_subquery())
    with db.read() as session:
        return session.scalar(select(ReportRow).where(ReportRow.run_id == run_id)
                              .order_by(ReportRow.revision.desc()).limit(1))
