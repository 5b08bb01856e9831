"""The fault scenarios of issue 13, each measured on real processes: a `certifier serve` server and
Celery workers on a private PostgreSQL and Redis (tests/service/fault_harness.py). Each returns its
measurements; tests/service/test_faults.py asserts them and `make bench-service` prints them.

- database_outage: the database stops for `outage_s` while runs are queued and running.
- frozen_broker: Redis is stopped (SIGSTOP) for `freeze_s` while runs are submitted.
- unpublished_run: a run saved but never published (its server died in between).
- hanging_receiver: one callback receiver never answers; another is healthy.
- frozen_database: PostgreSQL is stopped (SIGSTOP) for `freeze_s` while runs are queued and running.
"""

from __future__ import annotations

import json
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from fault_harness import PrivatePostgres, PrivateRedis, Processes, exactly_once_problems, make_token
from service_helpers import CallbackSink, wait_until

SECRET = "fault-scenarios-callback-secret-0123"
RECOVERY_LIMIT_S = 90
FAST_LEASES = dict(lease_s="5", heartbeat_s="1", poll_s="0.5", callback_secret=SECRET)


@dataclass
class Measured:
    name: str
    numbers: dict[str, float] = field(default_factory=dict)
    facts: dict[str, object] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def run_body(repo: Path, number: int, **extra) -> dict:
    body = {"repository": {"url": f"file://{repo}", "tag": "v1.0.0"}, "stage": "preview",
            "connector": {"key": f"fault-{number:03d}"}, "idempotencyKey": f"fault-{time.time_ns()}-{number}"}
    body.update(extra)
    return body


def _client(base: str, token: str, timeout_s: float = 10) -> httpx.Client:
    return httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=timeout_s)


def _wait_all_done(client: httpx.Client, run_ids: list[str], timeout_s: float) -> tuple[float, list[dict]]:
    """Seconds until every run is done or error, and the runs."""
    started = time.monotonic()

    def finished():
        try:
            found = [client.get(f"/v1/runs/{run_id}").json() for run_id in run_ids]
        except (httpx.HTTPError, json.JSONDecodeError):
            return None
        return found if all(r.get("status") in ("done", "error") for r in found) else None

    found = wait_until(finished, timeout_s, what=f"{len(run_ids)} runs to finish", every_s=0.25)
    return time.monotonic() - started, found


def _log_problems(processes: Processes) -> list[str]:
    log = processes.log("server")
    problems = []
    if "Traceback" in log:
        problems.append("the server logged a traceback:\n" + log[log.index("Traceback"):][:2000])
    return problems


def _slow_runs(pg: PrivatePostgres, redis: PrivateRedis, work: Path, run_delay_s: float) -> tuple[str, Processes]:
    """(a token, the processes) of a service on a new database whose runs each take `run_delay_s`."""
    database_url = pg.create_database()
    env = Processes.environment(database_url, redis.url(), runner="slow_runner:certify",
                                test_run_delay_s=str(run_delay_s), **FAST_LEASES)
    return make_token(database_url), Processes(env, work)


def _submit_until_one_runs(client: httpx.Client, repo: Path, runs: int) -> list[str]:
    run_ids = [client.post("/v1/runs", json=run_body(repo, n)).json()["id"] for n in range(runs)]
    wait_until(lambda: any(client.get(f"/v1/runs/{r}").json()["status"] == "running" for r in run_ids),
               60, what="a run to start")
    return run_ids


def database_outage(pg: PrivatePostgres, redis: PrivateRedis, repo: Path, work: Path, *, outage_s: float = 15,
                    runs: int = 6, run_delay_s: float = 2) -> Measured:
    measured = Measured("database outage")
    token, processes = _slow_runs(pg, redis, work, run_delay_s)
    try:
        base = processes.serve()
        processes.worker("worker-1")
        processes.worker("worker-2")
        with _client(base, token) as client:
            run_ids = _submit_until_one_runs(client, repo, runs)
            statuses = [client.get(f"/v1/runs/{r}").json()["status"] for r in run_ids]
            measured.facts["before the outage"] = {s: statuses.count(s) for s in sorted(set(statuses))}
            pg.stop()
            down_at = time.monotonic()
            processes.worker("worker-3")  # idle while the store is away: it takes queued messages and must not drop them
            during = []
            for n in range(3):  # submissions and reads during the outage
                started = time.monotonic()
                response = client.post("/v1/runs", json=run_body(repo, 100 + n))
                during.append((response.status_code, response.headers.get("retry-after"),
                               response.headers.get("content-type", ""), time.monotonic() - started))
            read = client.get(f"/v1/runs/{run_ids[0]}")
            health = client.get("/healthz")
            measured.facts["submissions during the outage"] = [(s, r) for s, r, _c, _t in during]
            measured.facts["read during the outage"] = read.status_code
            measured.facts["healthz during the outage"] = (health.status_code, health.json())
            measured.numbers["submit latency during the outage, max (s)"] = max(t for *_x, t in during)
            if any(s != 503 or not r or "json" not in c for s, r, c, _t in during) or read.status_code != 503:
                measured.problems.append(f"during the outage: submissions {during}, read {read.status_code}")
            time.sleep(max(0.0, outage_s - (time.monotonic() - down_at)))
            pg.start()
            measured.numbers["outage (s)"] = time.monotonic() - down_at
            recovery_s, found = _wait_all_done(client, run_ids, RECOVERY_LIMIT_S + 30)
        measured.numbers["every run done after the database returned (s)"] = recovery_s
        measured.problems += exactly_once_problems(found) + _log_problems(processes)
        workers = processes.log("worker-1") + processes.log("worker-2") + processes.log("worker-3")
        measured.facts["tasks retried by a worker (store away at claim)"] = workers.count("retrying the task")
        measured.facts["results kept until the store returned"] = workers.count("recorded when it returns")
        outage_lines = processes.log("server").count("store unreachable")
        measured.facts["server log lines about the outage"] = outage_lines
        if outage_lines > 2:
            measured.problems.append(f"{outage_lines} log lines about one outage")
    except AssertionError as error:
        measured.problems.append(f"{error}\n{processes.logs()}")
    finally:
        processes.stop_all()
    return measured


def frozen_database(pg: PrivatePostgres, redis: PrivateRedis, repo: Path, work: Path, *, freeze_s: float = 15,
                    runs: int = 4, run_delay_s: float = 2) -> Measured:
    """The server and workers hold open connections when the database freezes: every request must still
    be answered within seconds (the store cuts a round trip after ROUND_TRIP_TIMEOUT_S) and every run
    must finish once after SIGCONT."""
    measured = Measured("frozen database")
    token, processes = _slow_runs(pg, redis, work, run_delay_s)
    try:
        base = processes.serve()
        processes.worker("worker-1")
        processes.worker("worker-2")
        with _client(base, token) as client:
            run_ids = _submit_until_one_runs(client, repo, runs)
        _warm_pool(base, token, run_ids[0])
        pg.freeze()
        frozen_at = time.monotonic()
        answers, health = [], []
        try:
            # a wave on the pooled (open) connections at once, another once the pool was dropped
            for wave, at_s in enumerate((0.5, freeze_s / 2)):
                time.sleep(max(0.0, at_s - (time.monotonic() - frozen_at)))
                answers += _frozen_wave(base, token, repo, run_ids[wave], 100 + 10 * wave)
                health.append(_timed_health(base))
            time.sleep(max(0.0, freeze_s - (time.monotonic() - frozen_at)))
        finally:
            pg.thaw()
        measured.numbers["freeze (s)"] = time.monotonic() - frozen_at
        measured.numbers["answer latency while frozen, max (s)"] = max(t for _k, _s, _r, _c, t, _id in answers)
        measured.numbers["healthz latency while frozen, max (s)"] = max(t for _s, t in health)
        measured.facts["answers while frozen"] = sorted({f"{kind} {status}" for kind, status, *_x in answers})
        measured.facts["healthz while frozen"] = sorted({status for status, _t in health})
        for kind, status, retry_after, content_type, _t, _id in answers:
            good = status in (200, 202) or (status == 503 and retry_after and "json" in content_type)
            if not good:
                measured.problems.append(f"{kind} got {status} (Retry-After {retry_after}, {content_type})")
        accepted = run_ids + [run_id for kind, status, *_x, run_id in answers if kind == "submit" and status == 202]
        with _client(base, token) as client:
            recovery_s, found = _wait_all_done(client, accepted, RECOVERY_LIMIT_S + 30)
        measured.numbers["every run done after the database woke (s)"] = recovery_s
        measured.problems += exactly_once_problems(found) + _log_problems(processes)
        outage_lines = processes.log("server").count("store unreachable")
        measured.facts["server log lines about the freeze"] = outage_lines
        if outage_lines > 2:
            measured.problems.append(f"{outage_lines} log lines about one freeze")
    except AssertionError as error:
        measured.problems.append(f"{error}\n{processes.logs()}")
    finally:
        pg.thaw()
        processes.stop_all()
    return measured


def _warm_pool(base: str, token: str, run_id: str) -> None:
    """Reads in parallel, so that the server's pool holds open connections when the database freezes
    (the requests of the first wave then get one of those, not a new connection)."""
    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(lambda _n: _timed_request(base, token, "get", f"/v1/runs/{run_id}"), range(36)))


def _frozen_wave(base: str, token: str, repo: Path, run_id: str, first: int) -> list[tuple]:
    """Four submissions and two reads at once: (kind, status, Retry-After, content type, seconds, run id)."""
    def submit(n):
        return ("submit", *_timed_request(base, token, "post", "/v1/runs", run_body(repo, n)))

    def read(_n):
        return ("read", *_timed_request(base, token, "get", f"/v1/runs/{run_id}"))

    with ThreadPoolExecutor(max_workers=6) as pool:
        futures = [pool.submit(submit, first + n) for n in range(4)] + [pool.submit(read, n) for n in range(2)]
        return [future.result() for future in futures]


def _timed_request(base: str, token: str, method: str, path: str, body: dict | None = None) -> tuple:
    started = time.monotonic()
    try:
        response = httpx.request(method, f"{base}{path}", json=body, headers={"Authorization": f"Bearer {token}"},
                                 timeout=30)
    except httpx.HTTPError as error:
        return 0, None, type(error).__name__, time.monotonic() - started, None
    run_id = response.json().get("id") if response.status_code == 202 else None
    return (response.status_code, response.headers.get("retry-after"), response.headers.get("content-type", ""),
            time.monotonic() - started, run_id)


def _timed_health(base: str) -> tuple[int, float]:
    started = time.monotonic()
    try:
        status = httpx.get(f"{base}/healthz", timeout=10).status_code
    except httpx.HTTPError:
        status = 0
    return status, time.monotonic() - started


def frozen_broker(pg: PrivatePostgres, redis: PrivateRedis, repo: Path, work: Path, *, freeze_s: float = 10,
                  runs: int = 10) -> Measured:
    measured = Measured("frozen broker")
    database_url = pg.create_database()
    token = make_token(database_url)
    processes = Processes(Processes.environment(database_url, redis.url(), **FAST_LEASES), work)
    try:
        base = processes.serve()
        processes.worker("worker-1")
        redis.freeze()
        frozen_at = time.monotonic()
        try:
            with ThreadPoolExecutor(max_workers=runs + 1) as pool:
                answers = list(pool.map(lambda n: _timed_post(base, token, run_body(repo, n)), range(runs)))
            health_started = time.monotonic()
            health = httpx.get(f"{base}/healthz", timeout=10)
            measured.numbers["healthz latency while frozen (s)"] = time.monotonic() - health_started
            measured.facts["healthz while frozen"] = (health.status_code, health.json())
            time.sleep(max(0.0, freeze_s - (time.monotonic() - frozen_at)))
        finally:
            redis.thaw()
        measured.numbers["freeze (s)"] = time.monotonic() - frozen_at
        measured.numbers["submit latency while frozen, max (s)"] = max(t for _s, _r, t, _id in answers)
        measured.facts["submission answers"] = sorted({s for s, *_x in answers})
        for status, retry_after, _t, _id in answers:
            if status not in (202, 503) or (status == 503 and not retry_after):
                measured.problems.append(f"a submission got {status} (Retry-After {retry_after})")
        accepted = [run_id for status, _r, _t, run_id in answers if status == 202]
        with _client(base, token) as client:
            recovery_s, found = _wait_all_done(client, accepted, RECOVERY_LIMIT_S + 30)
        measured.numbers["every accepted run done after the broker returned (s)"] = recovery_s
        measured.problems += exactly_once_problems(found) + _log_problems(processes)
    except AssertionError as error:
        measured.problems.append(f"{error}\n{processes.logs()}")
    finally:
        redis.thaw()
        processes.stop_all()
    return measured


def _timed_post(base: str, token: str, body: dict) -> tuple[int, str | None, float, str | None]:
    started = time.monotonic()
    try:
        response = httpx.post(f"{base}/v1/runs", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    except httpx.HTTPError:
        return 0, None, time.monotonic() - started, None
    run_id = response.json().get("id") if response.status_code == 202 else None
    return response.status_code, response.headers.get("retry-after"), time.monotonic() - started, run_id


def unpublished_run(pg: PrivatePostgres, redis: PrivateRedis, repo: Path, work: Path) -> Measured:
    """A server killed between saving a run and publishing it: server A's broker never answers (a
    listener that accepts and stays silent), so its submission is saved and its publish hangs; A is
    killed with SIGKILL. Server B (the restarted one, or any other) must find the run and send it."""
    measured = Measured("server killed between saving and publishing")
    database_url = pg.create_database()
    token = make_token(database_url)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    first = Processes(Processes.environment(database_url, f"redis://127.0.0.1:{silent.getsockname()[1]}/0",
                                            broker_timeout_s="30", **FAST_LEASES), work)
    second = Processes(Processes.environment(database_url, redis.url(), **FAST_LEASES), work)
    second.env["CERTIFIER_CELERY_QUEUE"] = first.env["CERTIFIER_CELERY_QUEUE"]
    try:
        base = first.serve("server-a", healthy=False)
        with _client(base, token) as client:
            response = client.post("/v1/runs", json=run_body(repo, 0))
            if response.status_code != 202:
                raise AssertionError(f"server A answered {response.status_code}: {response.text}")
            run_id = response.json()["id"]
            time.sleep(0.5)  # its dispatcher is now stuck publishing to the silent broker
            first.kill("server-a")
        killed_at = time.monotonic()
        measured.facts["status when server A was killed"] = _stored_dispatch_state(database_url, run_id)
        second.worker("worker-1")
        base = second.serve("server")
        with _client(base, token) as client:
            wait_until(lambda: client.get(f"/v1/runs/{run_id}").json()["status"] in ("running", "done"), 60,
                       what="the unpublished run to start")
            measured.numbers["running after the kill (s)"] = time.monotonic() - killed_at
            _s, found = _wait_all_done(client, [run_id], RECOVERY_LIMIT_S)
        measured.problems += exactly_once_problems(found) + _log_problems(second)
        if "sent to the broker again: never sent" not in second.log("server"):
            measured.problems.append("the re-dispatch was not logged with its reason")
    except AssertionError as error:
        measured.problems.append(f"{error}\n{second.logs()}")
    finally:
        first.stop_all()
        second.stop_all()
        silent.close()
    return measured


def _stored_dispatch_state(database_url: str, run_id: str) -> str:
    """'queued, never published' for a run in the state a crash between save and publish leaves."""
    from certifier.service.store import queries
    from certifier.service.store.db import Database

    db = Database(database_url)
    try:
        run = queries.get_run(db, run_id)
        return f"{run.status}, {'never published' if run.dispatched_at is None else 'published'}"
    finally:
        db.dispose()


def hanging_receiver(repo: Path, work: Path, *, hanging_runs: int = 4, healthy_runs: int = 2) -> Measured:
    """Embedded pool on SQLite (callbacks are sent by the server in every mode)."""
    from datetime import datetime

    measured = Measured("hanging callback receiver")
    database_url = f"sqlite:///{work / 'callbacks.db'}"
    token = make_token(database_url)
    env = Processes.environment(database_url, "redis://127.0.0.1:1/0", dispatch="embedded", workers="2",
                                callback_secret=SECRET, callback_timeout_s="10", poll_s="0.5")
    processes = Processes(env, work)
    hanging, healthy = CallbackSink(hang_s=30), CallbackSink()
    try:
        base = processes.serve()
        with _client(base, token) as client:
            for n in range(hanging_runs):
                client.post("/v1/runs", json=run_body(repo, n, callbackUrl=hanging.url)).raise_for_status()
            time.sleep(1.0)  # the hanging receiver's deliveries come first
            healthy_ids = [client.post("/v1/runs", json=run_body(repo, 100 + n, callbackUrl=healthy.url)).json()["id"]
                           for n in range(healthy_runs)]
            _s, found = _wait_all_done(client, healthy_ids, RECOVERY_LIMIT_S)
            wait_until(lambda: len(healthy.received) >= healthy_runs, 60, what="the healthy receiver's callbacks")
        finished = {run["id"]: datetime.fromisoformat(next(e["at"] for e in run["history"] if e["event"] == "finished")
                                                       .replace("Z", "+00:00")).timestamp() for run in found}
        delays = [call["wall"] - finished[call["json"]["run"]["id"]] for call in healthy.received]
        measured.numbers["healthy receiver's delay after the run finished, max (s)"] = max(delays)
        measured.facts["hanging receiver's deliveries in flight"] = len(hanging.received)
        measured.problems += exactly_once_problems(found) + _log_problems(processes)
    except AssertionError as error:
        measured.problems.append(f"{error}\n{processes.logs()}")
    finally:
        processes.stop_all()
        healthy.close()
        hanging.server.server_close()
    return measured
