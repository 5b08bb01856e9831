"""Dispatch bookkeeping: a run whose publication to the broker failed is sent again by the reaper."""

from __future__ import annotations

from certifier.service.background import Background
from certifier.service.store import queries, runs
from certifier.service.store.db import Database
from service_helpers import service_config


class FlakyBroker:
    def __init__(self) -> None:
        self.down, self.sent = True, []

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def dispatch(self, run_id: str) -> None:
        if self.down:
            raise ConnectionError("broker unreachable")
        self.sent.append(run_id)


def test_a_run_not_published_is_published_by_the_next_reaper_round(sqlite_url):
    db = Database(sqlite_url)
    db.migrate()
    broker = FlakyBroker()
    loops = Background(service_config(sqlite_url, dispatch="celery"), db, broker)
    new = runs.NewRun(repository_url="https://example.com/c.git", tag="v1", stage="preview", profile="preview",
                      connector_key="c", connector={}, deployment=None, callback_url=None, submitted_by="t",
                      idempotency_key=None, request_digest="d")
    run, _ = runs.submit(db, new)
    loops.dispatch(run.id, new=True)  # the broker is down: the submission still succeeded
    assert broker.sent == [] and queries.get_run(db, run.id).dispatched_at is None
    loops.recover_once()  # still down: nothing lost, nothing sent
    assert broker.sent == []
    broker.down = False
    loops.recover_once()
    assert broker.sent == [run.id] and queries.get_run(db, run.id).dispatched_at is not None
    loops.recover_once()  # sent recently: not sent again before redispatch_after_s
    assert broker.sent == [run.id]
    db.dispose()
