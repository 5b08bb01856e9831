"""The service under faults (issue 13), on a private PostgreSQL and Redis started for the session from
the installed binaries: a database outage, a frozen broker, a run saved but never published, a hanging
callback receiver, a frozen database. Each asserts its recovery time and that every run finished
exactly once (one `finished` event, one report, one attempt: nothing redone because a dependency
blinked). The first test is fast: a store call on a frozen database (a relay that stops relaying)."""

from __future__ import annotations

import logging
import time

import pytest
from sqlalchemy import exc, text

import fault_scenarios as scenarios
from certifier.service.store import db as store_db
from fault_harness import FreezableProxy, PrivatePostgres, PrivateRedis, Unavailable
from service_helpers import PG, port_open
from support import CONNECTORS, make_tagged_repo


def _select_one(database: store_db.Database) -> None:
    with database.read() as session:
        session.execute(text("SELECT 1"))


def test_a_store_call_on_a_frozen_database_fails_within_its_round_trip_limit_and_recovers(monkeypatch, caplog):
    if not port_open(PG):
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    monkeypatch.setattr(store_db, "ROUND_TRIP_TIMEOUT_S", 1.0)
    monkeypatch.setattr(store_db, "CONNECT_TIMEOUT_S", 2)  # libpq's smallest
    proxy = FreezableProxy(PG)
    database = store_db.Database(f"postgresql+psycopg://postgres@127.0.0.1:{proxy.port}/postgres")
    try:
        _select_one(database)  # the pool now holds an open connection
        proxy.freeze()
        with caplog.at_level(logging.WARNING, logger="certifier.service"):
            # first on the open connection (the pool's pre-ping is cut), then on a new one (connect timeout)
            for limit_s in (1.0, 2.0):
                started = time.monotonic()
                with pytest.raises(exc.DBAPIError) as failed:
                    _select_one(database)
                elapsed = time.monotonic() - started
                assert limit_s * 0.9 <= elapsed < limit_s + 1.0, (elapsed, failed.value)
                assert store_db.store_unreachable(failed.value), failed.value
            assert database.outage.down
            proxy.thaw()
            _select_one(database)
        assert not database.outage.down
        lines = [r.getMessage() for r in caplog.records if "store" in r.getMessage()]
        assert len(lines) == 2 and "did not answer within 1 s" in lines[0], lines  # away, back
    finally:
        database.dispose()
        proxy.close()


def _private(server_class):
    """A private server for the session, destroyed at its end; the test is skipped when it cannot start."""
    try:
        server = server_class()
    except Unavailable as missing:
        pytest.skip(str(missing))
    yield server
    server.destroy()


@pytest.fixture(scope="session")
def private_postgres():
    yield from _private(PrivatePostgres)


@pytest.fixture(scope="session")
def private_redis():
    yield from _private(PrivateRedis)


@pytest.fixture(scope="module")
def fault_repo(tmp_path_factory):
    return make_tagged_repo(CONNECTORS / "minimal", tmp_path_factory.mktemp("fault-repo") / "minimal")


def _report(measured: scenarios.Measured) -> str:
    return f"{measured.name}: {measured.numbers} {measured.facts}\n" + "\n".join(measured.problems)


@pytest.mark.slow
def test_a_15_s_database_outage_delays_runs_but_loses_and_repeats_none(private_postgres, private_redis, fault_repo,
                                                                       tmp_path):
    measured = scenarios.database_outage(private_postgres, private_redis, fault_repo, tmp_path, outage_s=15)
    assert measured.problems == [], _report(measured)
    assert measured.numbers["every run done after the database returned (s)"] < 90, _report(measured)
    assert measured.numbers["submit latency during the outage, max (s)"] < 5, _report(measured)
    assert measured.facts["tasks retried by a worker (store away at claim)"] > 0, _report(measured)
    status, health = measured.facts["healthz during the outage"]
    assert status == 503 and health["database"].startswith("unreachable") and health["broker"] == "redis"


@pytest.mark.slow
def test_a_frozen_broker_neither_hangs_the_api_nor_loses_a_run(private_postgres, private_redis, fault_repo, tmp_path):
    measured = scenarios.frozen_broker(private_postgres, private_redis, fault_repo, tmp_path, freeze_s=10)
    assert measured.problems == [], _report(measured)
    assert measured.numbers["submit latency while frozen, max (s)"] < 5, _report(measured)
    assert measured.numbers["healthz latency while frozen (s)"] < 2, _report(measured)
    status, health = measured.facts["healthz while frozen"]
    assert status == 503 and health["broker"].startswith("unreachable") and health["database"] == "postgresql"
    assert measured.numbers["every accepted run done after the broker returned (s)"] < 90, _report(measured)


@pytest.mark.slow
def test_a_server_killed_between_saving_and_publishing_leaves_a_run_running_within_30_s(
        private_postgres, private_redis, fault_repo, tmp_path):
    measured = scenarios.unpublished_run(private_postgres, private_redis, fault_repo, tmp_path)
    assert measured.problems == [], _report(measured)
    assert measured.facts["status when server A was killed"] == "queued, never published", _report(measured)
    assert measured.numbers["running after the kill (s)"] < 30, _report(measured)


@pytest.mark.slow
def test_a_hanging_callback_receiver_does_not_delay_a_healthy_one(fault_repo, tmp_path):
    measured = scenarios.hanging_receiver(fault_repo, tmp_path)
    assert measured.problems == [], _report(measured)
    assert measured.numbers["healthy receiver's delay after the run finished, max (s)"] < 2, _report(measured)
    assert measured.facts["hanging receiver's deliveries in flight"] == 0  # it was still hanging meanwhile


@pytest.mark.slow
def test_a_frozen_database_gets_every_request_answered_within_seconds_and_every_run_done_once(
        private_postgres, private_redis, fault_repo, tmp_path):
    measured = scenarios.frozen_database(private_postgres, private_redis, fault_repo, tmp_path, freeze_s=15)
    assert measured.problems == [], _report(measured)
    assert measured.numbers["answer latency while frozen, max (s)"] < 5, _report(measured)
    assert measured.numbers["healthz latency while frozen, max (s)"] < 2, _report(measured)
    assert measured.facts["healthz while frozen"] == [503], _report(measured)
    assert "submit 503" in measured.facts["answers while frozen"], _report(measured)
    assert measured.numbers["every run done after the database woke (s)"] < 90, _report(measured)
