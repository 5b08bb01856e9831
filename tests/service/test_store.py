"""The store: migrations match the models; leases make a run finish exactly once; the reaper
re-queues runs whose worker died and gives up after max_attempts (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, update

from certifier.service.dispatch.lease import reap
from certifier.service.store import queries, runs
from certifier.service.store.db import Database, utcnow
from certifier.service.store.migrate import current_revision
from certifier.service.store.models import Base, RunRow


@pytest.fixture
def db(database_url):
    database = Database(database_url)
    database.migrate()
    yield database
    database.dispose()


def new_run(key: str | None = None, digest: str = "d1") -> runs.NewRun:
    return runs.NewRun(repository_url="https://example.com/c.git", tag="v1", stage="preview", profile="preview",
                       connector_key="c", connector={"key": "c"}, deployment=None, callback_url=None,
                       submitted_by="tester", idempotency_key=key, request_digest=digest)


def done(verdict: str = "Accepted") -> runs.Completion:
    files = runs.ReportFiles(digest="x" * 64, verdict=verdict, report_json="{}", html="<html></html>", markdown="",
                             connect_json='{"entries": []}')
    return runs.Completion(status="done", verdict=verdict, decision_kind="positive", exit_code=0, summary="ok",
                           report=files)


def expire_lease(db: Database, run_id: str) -> None:
    with db.write() as session:
        session.execute(update(RunRow).where(RunRow.id == run_id)
                        .values(lease_expires_at=utcnow() - timedelta(seconds=1)))


def test_migrations_create_exactly_the_models(db):
    assert current_revision(db.engine) == "0002"
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
    db.migrate()  # idempotent


def test_idempotent_submission(db):
    first, created = runs.submit(db, new_run("k"))
    again, created_again = runs.submit(db, new_run("k"))
    assert created and not created_again and first.id == again.id
    with pytest.raises(runs.IdempotencyConflict):
        runs.submit(db, new_run("k", digest="d2"))


def test_concurrent_twins_with_one_key_make_one_run(db):
    results, barrier = [], threading.Barrier(6)

    def submit():
        barrier.wait()
        results.append(runs.submit(db, new_run("twin"))[0].id)

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 6 and len(set(results)) == 1


def test_a_run_is_claimed_once_and_finished_once(db):
    run, _ = runs.submit(db, new_run())
    assert runs.claim(db, run.id, "worker-a", 30) is not None
    assert runs.claim(db, run.id, "worker-b", 30) is None  # already running
    assert runs.finish(db, run.id, "worker-a", done(), None)
    assert not runs.finish(db, run.id, "worker-a", done(), None)
    assert queries.get_run(db, run.id).status == "done"


def test_a_worker_that_lost_its_lease_cannot_record_a_result(db):
    run, _ = runs.submit(db, new_run())
    runs.claim(db, run.id, "slow-worker", 30)
    expire_lease(db, run.id)
    requeued, failed = reap(db, max_attempts=3, give_up_outbound=lambda run, error: None)
    assert requeued == [run.id] and failed == []
    assert not runs.renew_lease(db, run.id, "slow-worker", 30)
    assert runs.claim(db, run.id, "fresh-worker", 30).attempts == 2
    assert not runs.finish(db, run.id, "slow-worker", done("Rejected"), None)  # fenced off
    assert runs.finish(db, run.id, "fresh-worker", done(), None)
    detail = queries.run_detail(db, run.id)
    assert detail.run.verdict == "Accepted"
    assert [e.event for e in detail.events] == ["submitted", "started", "lease-expired", "started", "finished"]
    assert len(detail.report_revisions) == 1


def test_the_reaper_gives_up_after_max_attempts(db):
    run, _ = runs.submit(db, new_run())
    for attempt in range(2):
        runs.claim(db, run.id, f"doomed-{attempt}", 30)
        expire_lease(db, run.id)
        reap(db, max_attempts=2, give_up_outbound=lambda run, error: None)
    row = queries.get_run(db, run.id)
    assert row.status == "error" and "2 times" in row.error


def test_heartbeats_keep_a_lease(db):
    run, _ = runs.submit(db, new_run())
    runs.claim(db, run.id, "w", 1.0)
    for _ in range(3):
        time.sleep(0.4)
        assert runs.renew_lease(db, run.id, "w", 1.0)
    assert reap(db, 3, lambda run, error: None) == ([], [])


def test_embedded_workers_take_over_a_run_whose_worker_died(make_service, repo):
    """A server died mid-run (a run left `running` with a lease nobody renews): the next server's
    reaper queues it again and its workers finish it exactly once."""
    from service_helpers import run_body

    idle = make_service(background=False)
    run_id = idle.submit(run_body(repo("minimal")))["id"]
    assert runs.claim(idle.db, run_id, "dead-server:worker-0", lease_s=1.0) is not None
    service = make_service(database_url=idle.config.database_url, lease_s=1.0, heartbeat_s=0.3)
    run = service.wait(run_id)
    assert run["status"] == "done" and run["attempts"] == 2
    events = [e["event"] for e in run["history"]]
    assert events == ["submitted", "started", "lease-expired", "started", "finished"]
    with service.db.read() as session:
        assert session.scalars(select(RunRow.status)).all() == ["done"]
