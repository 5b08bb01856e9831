"""The service under faults (issue 13), on a private PostgreSQL and Redis started for the session from
the installed binaries: a database outage, a frozen broker, a run saved but never published, a hanging
callback receiver. Each asserts its recovery time and that every run finished exactly once (one
`finished` event, one report, one attempt: nothing redone because a dependency blinked)."""

from __future__ import annotations

import pytest

import fault_scenarios as scenarios
from fault_harness import PrivatePostgres, PrivateRedis, Unavailable
from support import CONNECTORS, make_tagged_repo

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def private_postgres():
    try:
        server = PrivatePostgres()
    except Unavailable as missing:
        pytest.skip(str(missing))
    yield server
    server.destroy()


@pytest.fixture(scope="session")
def private_redis():
    try:
        server = PrivateRedis()
    except Unavailable as missing:
        pytest.skip(str(missing))
    yield server
    server.destroy()


@pytest.fixture(scope="module")
def fault_repo(tmp_path_factory):
    return make_tagged_repo(CONNECTORS / "minimal", tmp_path_factory.mktemp("fault-repo") / "minimal")


def _report(measured: scenarios.Measured) -> str:
    return f"{measured.name}: {measured.numbers} {measured.facts}\n" + "\n".join(measured.problems)


def test_a_15_s_database_outage_delays_runs_but_loses_and_repeats_none(private_postgres, private_redis, fault_repo,
                                                                       tmp_path):
    measured = scenarios.database_outage(private_postgres, private_redis, fault_repo, tmp_path, outage_s=15)
    assert measured.problems == [], _report(measured)
    assert measured.numbers["every run done after the database returned (s)"] < 90, _report(measured)
    assert measured.numbers["submit latency during the outage, max (s)"] < 5, _report(measured)
    assert measured.facts["tasks retried by a worker (store away at claim)"] > 0, _report(measured)
    status, health = measured.facts["healthz during the outage"]
    assert status == 503 and health["database"].startswith("unreachable") and health["broker"] == "redis"


def test_a_frozen_broker_neither_hangs_the_api_nor_loses_a_run(private_postgres, private_redis, fault_repo, tmp_path):
    measured = scenarios.frozen_broker(private_postgres, private_redis, fault_repo, tmp_path, freeze_s=10)
    assert measured.problems == [], _report(measured)
    assert measured.numbers["submit latency while frozen, max (s)"] < 5, _report(measured)
    assert measured.numbers["healthz latency while frozen (s)"] < 2, _report(measured)
    status, health = measured.facts["healthz while frozen"]
    assert status == 503 and health["broker"].startswith("unreachable") and health["database"] == "postgresql"
    assert measured.numbers["every accepted run done after the broker returned (s)"] < 90, _report(measured)


def test_a_server_killed_between_saving_and_publishing_leaves_a_run_running_within_30_s(
        private_postgres, private_redis, fault_repo, tmp_path):
    measured = scenarios.unpublished_run(private_postgres, private_redis, fault_repo, tmp_path)
    assert measured.problems == [], _report(measured)
    assert measured.facts["status when server A was killed"] == "queued, never published", _report(measured)
    assert measured.numbers["running after the kill (s)"] < 30, _report(measured)


def test_a_hanging_callback_receiver_does_not_delay_a_healthy_one(fault_repo, tmp_path):
    measured = scenarios.hanging_receiver(fault_repo, tmp_path)
    assert measured.problems == [], _report(measured)
    assert measured.numbers["healthy receiver's delay after the run finished, max (s)"] < 2, _report(measured)
    assert measured.facts["hanging receiver's deliveries in flight"] == 0  # it was still hanging meanwhile
