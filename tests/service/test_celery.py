"""Celery over a real Redis with real worker processes: a worker killed mid-run (SIGKILL) leaves a
run that another worker takes again after the lease expires, and the run finishes exactly once;
a run whose dispatch was lost is dispatched again. Skipped only when Redis is not running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from service_helpers import HERE, PG, REDIS, SECRET, TEST_PROFILE, ServiceFactory, port_open, run_body, wait_until
from certifier.service.store import runs

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
REDIS_DB = 13


@pytest.fixture
def shared_database_url(request, tmp_path):
    """PostgreSQL when it is running (the several-machines setup), else a SQLite file."""
    if port_open(PG):
        return request.getfixturevalue("postgres_url")
    return f"sqlite:///{tmp_path / 'shared.db'}"


@pytest.fixture
def broker():
    if not port_open(REDIS):
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    queue = f"certifier-test-{uuid.uuid4().hex[:8]}"
    yield f"redis://{REDIS[0]}:{REDIS[1]}/{REDIS_DB}", queue
    import redis

    client = redis.Redis(host=REDIS[0], port=REDIS[1], db=REDIS_DB)
    client.delete(queue)
    client.close()


class Workers:
    """Celery worker processes started for one test; each in its own process group."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env, self.log_dir, self.procs = env, log_dir, []

    def start(self, name: str, delay_s: float) -> subprocess.Popen:
        env = {**self.env, "CERTIFIER_TEST_RUN_DELAY_S": str(delay_s)}
        log = open(self.log_dir / f"{name}.log", "wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "certifier.service.dispatch.celery_worker", "worker",
             "--pool=solo", f"--queues={env['CERTIFIER_CELERY_QUEUE']}", f"--hostname={name}@%h",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen) -> None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=10)

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(self.log_dir.glob("*.log")))


@pytest.fixture
def celery_setup(shared_database_url, broker, tmp_path):
    broker_url, queue = broker
    make_service = ServiceFactory(shared_database_url)
    settings = dict(database_url=shared_database_url, dispatch="celery", broker_url=broker_url, celery_queue=queue,
                    lease_s=3.0, heartbeat_s=0.5, redispatch_after_s=2.0)
    service = make_service(**settings)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CERTIFIER_")}
    env.update({
        "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT)]),
        "CERTIFIER_DATABASE_URL": shared_database_url, "CERTIFIER_BROKER_URL": broker_url,
        "CERTIFIER_CELERY_QUEUE": queue, "CERTIFIER_STATIC_ONLY": "1", "CERTIFIER_ALLOW_LOCAL_SOURCES": "1",
        "CERTIFIER_LEASE_S": "3", "CERTIFIER_HEARTBEAT_S": "0.5", "CERTIFIER_RUNNER": "slow_runner:certify",
        "CERTIFIER_PROFILES": f"certification={TEST_PROFILE}", "CERTIFIER_CALLBACK_SECRET": SECRET.decode(),
    })
    workers = Workers(env, tmp_path)
    yield service, workers
    workers.stop_all()
    make_service.close()


def test_a_worker_killed_mid_run_leaves_a_run_that_finishes_exactly_once(celery_setup, repo, callback_sink):
    service, workers = celery_setup
    first = workers.start("doomed", delay_s=30)
    run_id = service.submit(run_body(repo("minimal"), callbackUrl=callback_sink.url))["id"]
    try:
        wait_until(lambda: service.get(f"/v1/runs/{run_id}").json()["status"] == "running", 60,
                   what="the first worker to start the run")
    except AssertionError:
        raise AssertionError("worker never started the run:\n" + workers.logs()) from None
    workers.kill(first)

    workers.start("rescuer", delay_s=0)
    try:
        run = service.wait(run_id, timeout_s=90)
    except AssertionError:
        raise AssertionError("run did not finish after the kill:\n" + workers.logs()) from None
    assert run["status"] == "done" and run["decision"]["verdict"] == "Accepted"
    assert run["attempts"] == 2
    events = [e["event"] for e in run["history"]]
    assert events == ["submitted", "started", "lease-expired", "started", "finished"], events
    assert [e["actor"].split("@")[0] for e in run["history"] if e["event"] == "started"] == ["celery", "celery"]
    assert len(run["reports"]) == 1
    callback_sink.wait_for(1)
    time.sleep(1.5)  # any duplicate delivery would arrive now
    assert len(callback_sink.events("run.completed")) == 1


def test_a_run_whose_dispatch_was_lost_is_dispatched_again(celery_setup, repo):
    service, workers = celery_setup
    new = runs.NewRun(repository_url=f"file://{repo('minimal')}", tag="v1.0.0", stage="preview", profile="preview",
                      connector_key="lost", connector={"key": "lost"}, deployment=None, callback_url=None,
                      submitted_by="test", idempotency_key=None, request_digest="x")
    lost, _ = runs.submit(service.db, new)  # committed, but never sent to the broker (a crash in between)
    workers.start("worker", delay_s=0)
    try:
        run = service.wait(lost.id, timeout_s=90)
    except AssertionError:
        raise AssertionError("the lost run was never dispatched again:\n" + workers.logs()) from None
    assert run["status"] == "done" and run["attempts"] == 1
