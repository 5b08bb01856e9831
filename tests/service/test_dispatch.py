"""Dispatch bookkeeping: no request waits on the broker; a run whose publication failed, or that was
never published, is sent again by the dispatcher within seconds, with the reason logged."""

from __future__ import annotations

import logging
import time

from certifier.service.background import Background
from certifier.service.store import queries, runs
from certifier.service.store.db import Database
from service_helpers import service_config


class FlakyBroker:
    def __init__(self) -> None:
        self.down, self.sent = True, []

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def check(self) -> str:
        return "fake"

    def dispatch(self, run_id: str) -> None:
        if self.down:
            raise ConnectionError("broker unreachable")
        self.sent.append(run_id)


def _new_run(db: Database, key: str | None = None) -> runs.RunRow:
    new = runs.NewRun(repository_url="https://example.com/c.git", tag="v1", stage="preview", profile="preview",
                      connector_key="c", connector={}, deployment=None, callback_url=None, submitted_by="t",
                      idempotency_key=key, request_digest="d")
    return runs.submit(db, new)[0]


def _loops(sqlite_url: str, broker: FlakyBroker, **overrides) -> tuple[Database, Background]:
    db = Database(sqlite_url)
    db.migrate()
    settings = dict(dispatch="celery", unsent_grace_s=0.2, redispatch_after_s=30.0)
    settings.update(overrides)
    return db, Background(service_config(sqlite_url, **settings), db, broker)


def test_a_run_not_published_is_published_by_the_next_dispatcher_round(sqlite_url, caplog):
    broker = FlakyBroker()
    db, loops = _loops(sqlite_url, broker)
    run = _new_run(db)
    loops.dispatch(run.id)  # handed to the dispatcher thread: never raises, never blocks
    loops.send_once()  # the broker is down: the submission still succeeded, nothing lost, nothing sent
    assert broker.sent == [] and queries.get_run(db, run.id).dispatched_at is None
    broker.down = False
    loops._broker_retry_at = 0.0  # skip the backoff after the failure
    with caplog.at_level(logging.WARNING, logger="certifier.service"):
        loops.send_once()
    assert broker.sent == [run.id] and queries.get_run(db, run.id).dispatched_at is not None
    assert "broker reachable again" in caplog.text and "the broker did not answer" in caplog.text
    loops.send_once()  # sent recently: not sent again before redispatch_after_s
    assert broker.sent == [run.id]
    db.dispose()


def test_a_run_saved_but_never_published_is_found_in_the_store_and_sent_with_its_reason(sqlite_url, caplog):
    broker = FlakyBroker()
    broker.down = False
    db, loops = _loops(sqlite_url, broker)
    run = _new_run(db)  # committed, then the server died before publishing
    loops.send_once()
    assert broker.sent == []  # younger than unsent_grace_s: its own server is about to publish it
    time.sleep(0.3)
    with caplog.at_level(logging.WARNING, logger="certifier.service"):
        loops.send_once()
    assert broker.sent == [run.id]
    assert f"run {run.id} sent to the broker again: never sent" in caplog.text
    db.dispose()


def test_a_run_sent_but_never_taken_is_sent_again_after_redispatch_after_s(sqlite_url, caplog):
    broker = FlakyBroker()
    broker.down = False
    db, loops = _loops(sqlite_url, broker, redispatch_after_s=0.3)
    run = _new_run(db)
    loops.dispatch(run.id)
    loops.send_once()
    assert broker.sent == [run.id]
    time.sleep(0.4)  # the message was lost (e.g. Redis restarted without persistence)
    with caplog.at_level(logging.WARNING, logger="certifier.service"):
        loops.send_once()
    assert broker.sent == [run.id, run.id] and "not picked up" in caplog.text
    db.dispose()


def test_a_frozen_broker_blocks_only_the_dispatcher_thread(sqlite_url):
    class FrozenBroker(FlakyBroker):
        def dispatch(self, run_id: str) -> None:
            time.sleep(1.0)
            raise TimeoutError("timed out")

    db, loops = _loops(sqlite_url, FrozenBroker())
    started = time.monotonic()
    for _ in range(20):
        loops.dispatch(_new_run(db).id)
    assert time.monotonic() - started < 1.0  # the handing over did not wait on the broker
    db.dispose()
