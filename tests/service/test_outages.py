"""Fast checks of the service's behaviour when a dependency is away (the full scenarios on real processes
are in test_faults.py): 503 + Retry-After + JSON from every endpoint and one log line per store outage,
/healthz naming the dependency that is down within its timeout, submissions that never wait on a frozen
broker, an idempotent retry that re-sends a queued run, a worker that neither acks a message nor
drops a result because the store blinked."""

from __future__ import annotations

import logging
import socket
import time
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from certifier.service.app import create_app
from certifier.service.dispatch.celery_factory import RUN_TASK, make_celery
from certifier.service.execute import execute
from certifier.service.store import queries, runs
from certifier.service.store.db import Database
from certifier.service.store.tokens import create_token
from service_helpers import run_body, service_config

UNREACHABLE_PG = "postgresql+psycopg://postgres@127.0.0.1:1/nothing"  # port 1: connection refused at once


@pytest.fixture
def frozen_broker():
    """A TCP listener that never answers: connecting works (the kernel's backlog), every reply hangs,
    like Redis stopped with SIGSTOP."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"


def _down_client(**overrides) -> TestClient:
    app = create_app(service_config(UNREACHABLE_PG, **overrides), background=False, migrate=False)
    return TestClient(app)


@pytest.mark.parametrize("method, path", [("get", "/v1/runs"), ("get", "/v1/runs/abc"), ("post", "/v1/runs"),
                                          ("get", "/v1/runs/abc/report.json"), ("get", "/v1/runs/abc/deliveries"),
                                          ("post", "/v1/runs/abc/review"), ("get", "/metrics")])
def test_every_endpoint_answers_503_with_retry_after_and_json_while_the_store_is_away(method, path, tmp_path):
    with _down_client() as client:
        response = client.request(method, path, headers={"Authorization": "Bearer ctk_anything"},
                                  json={} if method == "post" else None)
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "5"
    assert response.json()["detail"] == "the run store cannot be reached; retry later"


def test_one_outage_is_logged_once_not_per_request(caplog):
    with caplog.at_level(logging.WARNING, logger="certifier.service"), _down_client() as client:
        for _ in range(5):
            assert client.get("/v1/runs", headers={"Authorization": "Bearer ctk_x"}).status_code == 503
    lines = [r.getMessage() for r in caplog.records if "store" in r.getMessage()]
    assert len(lines) == 1 and lines[0].startswith("store unreachable: OperationalError"), lines
    assert "Traceback" not in caplog.text


def test_healthz_names_the_database_when_it_is_down():
    with _down_client() as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "database": "unreachable: OperationalError",
                               "broker": "none (embedded workers)"}


def test_healthz_answers_within_its_timeout_and_names_a_frozen_broker(sqlite_url, frozen_broker):
    config = service_config(sqlite_url, dispatch="celery", broker_url=frozen_broker, broker_timeout_s=5)
    with TestClient(create_app(config, background=False)) as client:
        started = time.monotonic()
        response = client.get("/healthz")
        elapsed = time.monotonic() - started
    assert response.status_code == 503 and elapsed < 2
    assert response.json() == {"status": "degraded", "database": "sqlite",
                               "broker": "unreachable: no answer within 1 s"}


def test_healthz_is_200_only_when_database_and_broker_answer(sqlite_url):
    with TestClient(create_app(service_config(sqlite_url), background=False)) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "sqlite", "broker": "none (embedded workers)"}


def test_a_submission_is_saved_and_answered_at_once_while_the_broker_is_frozen(sqlite_url, frozen_broker, repo):
    config = service_config(sqlite_url, dispatch="celery", broker_url=frozen_broker, broker_timeout_s=0.5)
    app = create_app(config)
    token = create_token(app.state.db, f"m-{uuid.uuid4().hex[:6]}", "marketplace")
    with TestClient(app) as client:
        started = time.monotonic()
        answers = [client.post("/v1/runs", json=run_body(repo("minimal"), key=f"frozen-{n}"),
                               headers={"Authorization": f"Bearer {token}"}) for n in range(5)]
        elapsed = time.monotonic() - started
        assert [a.status_code for a in answers] == [202] * 5 and elapsed < 5
        assert {queries.get_run(app.state.db, a.json()["id"]).status for a in answers} == {"queued"}


def test_an_idempotent_retry_of_a_queued_run_sends_it_again(sqlite_url, repo):
    config = service_config(sqlite_url, dispatch="celery", broker_url="redis://127.0.0.1:1/0")
    app = create_app(config, background=False)
    token = create_token(app.state.db, f"m-{uuid.uuid4().hex[:6]}", "marketplace")
    sent = []
    app.state.background.dispatch = lambda run_id, reason=None: sent.append((run_id, reason))
    body = run_body(repo("minimal"), idempotencyKey="retry-me")
    with TestClient(app) as client:
        first = client.post("/v1/runs", json=body, headers={"Authorization": f"Bearer {token}"})
        again = client.post("/v1/runs", json=body, headers={"Authorization": f"Bearer {token}"})
    assert (first.status_code, again.status_code) == (202, 200) and first.json()["id"] == again.json()["id"]
    run_id = first.json()["id"]
    assert sent[0] == (run_id, None)
    assert sent[1][0] == run_id and "idempotent retry" in sent[1][1]


def test_a_task_whose_store_is_away_is_retried_not_acknowledged_as_done():
    app = make_celery(service_config(UNREACHABLE_PG, dispatch="celery", broker_url="redis://127.0.0.1:1/0"))
    task = app.tasks[RUN_TASK]
    retried = []

    class Retried(Exception):
        pass

    def retry(countdown, exc):
        retried.append((countdown, type(exc).__name__))
        return Retried()

    task.retry = retry
    with pytest.raises(Retried):
        task.run("0123456789abcdef0123456789abcdef")
    assert retried == [(0.5, "OperationalError")]


def test_a_result_that_cannot_be_recorded_is_recorded_when_the_store_returns(sqlite_url, monkeypatch):
    db = Database(sqlite_url)
    db.migrate()
    new = runs.NewRun(repository_url="https://example.com/c.git", tag="v1", stage="preview", profile="preview",
                      connector_key="c", connector={}, deployment=None, callback_url=None, submitted_by="t",
                      idempotency_key=None, request_digest="d")
    run_id = runs.submit(db, new)[0].id
    run = runs.claim(db, run_id, "worker-a", lease_s=30)
    real_finish, failures = runs.finish, []

    def finish_after_an_outage(*args, **kwargs):
        if len(failures) < 2:  # the store blinks twice
            failures.append(1)
            raise OperationalError("UPDATE runs", {}, ConnectionRefusedError("the store is away"))
        return real_finish(*args, **kwargs)

    monkeypatch.setattr(runs, "finish", finish_after_an_outage)
    config = service_config(sqlite_url, runner="json:no_such_runner")  # ends the run in `error` at once
    assert execute(db, config, run, "worker-a") is True
    stored = queries.run_detail(db, run_id)
    assert len(failures) == 2 and stored.run.status == "error" and stored.run.attempts == 1
    assert [e.event for e in stored.events] == ["submitted", "started", "failed"]
    db.dispose()


@pytest.mark.parametrize("scheme", ["redis", "amqp"])
def test_a_publish_to_a_silent_broker_gives_up_within_its_timeouts(scheme, frozen_broker):
    from certifier.service.dispatch.celery_factory import CeleryDispatcher

    port = frozen_broker.rsplit(":", 1)[1].split("/")[0]
    url = f"redis://127.0.0.1:{port}/0" if scheme == "redis" else f"amqp://guest:guest@127.0.0.1:{port}//"
    dispatcher = CeleryDispatcher(service_config("sqlite://", dispatch="celery", broker_url=url,
                                                 broker_timeout_s=0.5))
    started = time.monotonic()
    with pytest.raises(Exception):
        dispatcher.dispatch("0123456789abcdef0123456789abcdef")
    elapsed = time.monotonic() - started
    dispatcher.stop()
    assert elapsed < 5, f"{scheme}: the publish took {elapsed:.1f} s"
