"""The whole marketplace flow against a real `certifier serve` over HTTP: submit, poll, receive the
signed callback, fetch the HTML report, record the review. Once on SQLite with nothing else running,
once on PostgreSQL + Redis + a Celery worker process (skipped only when those servers are absent)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from certifier.service.callbacks import verify_signature
from certifier.service.store.db import Database
from certifier.service.store.tokens import create_token
from service_helpers import PG, REDIS, SECRET, TEST_PROFILE, port_open, run_body, wait_until

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(argv, cwd=ROOT, env=env, stdout=open(log, "wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.fixture(params=["sqlite-embedded", pytest.param("postgresql-celery", marks=pytest.mark.slow)])
def server(request, tmp_path):
    """(base URL, tokens) of a running `certifier serve` (+ a Celery worker for postgresql-celery)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CERTIFIER_")}
    env.update({"CERTIFIER_STATIC_ONLY": "1", "CERTIFIER_ALLOW_LOCAL_SOURCES": "1",
                "CERTIFIER_ALLOW_LOOPBACK_HTTP_CALLBACKS": "1", "CERTIFIER_CALLBACK_SECRET": SECRET.decode(),
                "CERTIFIER_PROFILES": f"certification={TEST_PROFILE}", "CERTIFIER_POLL_S": "0.2",
                "CERTIFIER_CALLBACK_BACKOFF_S": "0.2", "PYTHONPATH": str(ROOT)})
    if request.param == "sqlite-embedded":
        env["CERTIFIER_DATABASE_URL"] = f"sqlite:///{tmp_path / 'service.db'}"
    else:
        if not (port_open(PG) and port_open(REDIS)):
            pytest.skip("PostgreSQL (127.0.0.1:5432) or Redis (127.0.0.1:6379) is not running")
        env.update({"CERTIFIER_DATABASE_URL": request.getfixturevalue("postgres_url"), "CERTIFIER_DISPATCH": "celery",
                    "CERTIFIER_BROKER_URL": f"redis://{REDIS[0]}:{REDIS[1]}/13",
                    "CERTIFIER_CELERY_QUEUE": f"certifier-e2e-{uuid.uuid4().hex[:8]}"})
    db = Database(env["CERTIFIER_DATABASE_URL"])
    db.migrate()
    tokens = {role: create_token(db, role, role) for role in ("marketplace", "reviewer", "reader")}
    db.dispose()
    port = free_port()
    processes = [start([sys.executable, "-c", "from certifier.cli.service import serve; serve()", "--port",
                        str(port), "--log-level", "warning"], env, tmp_path / "server.log")]
    if env.get("CERTIFIER_DISPATCH") == "celery":
        processes.append(start([sys.executable, "-m", "celery", "-A", "certifier.service.dispatch.celery_worker",
                                "worker", "--pool=solo", f"--queues={env['CERTIFIER_CELERY_QUEUE']}",
                                "--without-gossip", "--without-mingle", "--without-heartbeat"], env,
                               tmp_path / "worker.log"))
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _healthy(base, processes[0]), 60, 0.2, "the server to answer /healthz")
        yield base, tokens
    finally:
        for proc in processes:
            stop(proc)


def _healthy(base: str, proc: subprocess.Popen) -> bool:
    assert proc.poll() is None, "the server exited"
    try:
        return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_marketplace_flow(server, repo, callback_sink):
    base, tokens = server
    as_ = {role: {"Authorization": f"Bearer {token}"} for role, token in tokens.items()}
    with httpx.Client(base_url=base, timeout=30) as http:
        body = run_body(repo("struct-no-readme"), stage="certification", callbackUrl=callback_sink.url,
                        idempotencyKey="submission-1")
        submitted = http.post("/v1/runs", json=body, headers=as_["marketplace"])
        assert submitted.status_code == 202, submitted.text
        run_id = submitted.json()["id"]
        assert http.post("/v1/runs", json=body, headers=as_["marketplace"]).json()["id"] == run_id

        run = wait_until(lambda: (r := http.get(f"/v1/runs/{run_id}", headers=as_["reader"]).json())["status"]
                         in ("done", "error") and r, 90, 0.2, "the run to finish")
        assert run["decision"]["verdict"] == "Certification in progress"

        [completed] = callback_sink.wait_for(1, "run.completed")
        assert verify_signature(SECRET, completed["headers"]["x-certifier-signature"], completed["body"])
        assert completed["json"]["decision"]["verdict"] == "Certification in progress"

        html = http.get(f"/v1/runs/{run_id}/report.html", headers=as_["reader"])
        assert html.status_code == 200 and "default-src 'none'" in html.headers["content-security-policy"]

        reviewed = http.post(f"/v1/runs/{run_id}/review", headers=as_["reviewer"],
                             json={"reviewer": "rita", "approve": True, "comments": "ok"})
        assert reviewed.status_code == 200 and reviewed.json()["decision"]["verdict"] == "Listed and certified"
        [review_call] = callback_sink.wait_for(1, "run.reviewed")
        assert verify_signature(SECRET, review_call["headers"]["x-certifier-signature"], review_call["body"])
        time.sleep(0.5)
        assert len(callback_sink.received) == 2
        assert "certifier_runs{status=\"done\"} 1.0" in http.get("/metrics", headers=as_["reader"]).text
