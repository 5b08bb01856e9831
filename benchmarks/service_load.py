"""Load benchmark of the marketplace service: N runs submitted at once to a local `certifier serve`.

    .venv/bin/python -m benchmarks.service_load                      # embedded pool, SQLite
    .venv/bin/python -m benchmarks.service_load --celery-workers 2   # Celery over Redis, PostgreSQL
    .venv/bin/python -m benchmarks.service_load --faults             # the fault scenarios of issue 13

Starts a real server (uvicorn, static stages only) on a free port, submits --runs runs concurrently
(one HTTP request each, all in flight together), polls until every run is finished, then checks
that every run finished exactly once (one `finished` event, one report, one attempt). Prints the
throughput (runs finished per second, from the first submission to the last finish) and the p50 and
p95 latency of the submissions and of the polling requests.

--faults runs the fault scenarios instead (tests/service/fault_scenarios.py, on a private PostgreSQL and
Redis): a database outage, a frozen broker, a run saved but never published, a hanging callback
receiver, a frozen database (`--only` picks some); it prints each recovery time and whether every run
finished exactly once.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
CONNECTOR = ROOT / "tests" / "fixtures" / "connectors" / "minimal"
REDIS_URL = "redis://127.0.0.1:6379/14"
PG_ADMIN = dict(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")


def main() -> int:
    args = _arguments()
    if args.faults:
        return _faults(args)
    with tempfile.TemporaryDirectory(prefix="certifier-load-") as tmp:
        work = Path(tmp)
        repo = _tagged_repo(work / "connector")
        with _database(args, work) as database_url:
            return _benchmark(args, work, repo, database_url)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--celery-workers", type=int, default=0, help="0: embedded pool; N: N Celery worker processes")
    parser.add_argument("--embedded-workers", type=int, default=2)
    parser.add_argument("--database-url", help="default: SQLite (embedded) or a temporary PostgreSQL database (Celery)")
    parser.add_argument("--timeout", type=float, default=1200.0)
    parser.add_argument("--faults", action="store_true", help="run the fault scenarios and print the recovery times")
    parser.add_argument("--outage", type=float, default=15.0, help="--faults: database outage and broker freeze (s)")
    parser.add_argument("--only", nargs="+", choices=["database-outage", "frozen-broker", "unpublished-run",
                                                      "hanging-receiver", "frozen-database"],
                        help="--faults: run only these scenarios")
    return parser.parse_args()


def _benchmark(args, work: Path, repo: Path, database_url: str) -> int:
    from certifier.service.store.db import Database
    from certifier.service.store.tokens import create_token

    db = Database(database_url)
    db.migrate()
    token = create_token(db, f"load-{uuid.uuid4().hex[:6]}", "marketplace")
    db.dispose()
    port = _free_port()
    env = _environment(args, database_url)
    processes = [_start_server(port, env, args, work)]
    processes += [_start_worker(i, env, work) for i in range(args.celery_workers)]
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_healthy(base, processes[0], work)
        result = asyncio.run(_load(base, token, repo, args))
    finally:
        for proc in processes:
            _stop(proc)
    _print(args, database_url, result)
    return 0 if result["problems"] == [] else 1


async def _load(base: str, token: str, repo: Path, args) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=args.runs + 10, max_keepalive_connections=args.runs + 10)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as client:
        started = time.perf_counter()
        submitted = await asyncio.gather(*(_submit(client, repo, n) for n in range(args.runs)))
        run_ids = [run_id for run_id, _ in submitted]
        poll_latencies = await _poll_until_done(client, args.runs, args.timeout)
        elapsed = time.perf_counter() - started
        problems = await _check_exactly_once(client, run_ids)
    return {"elapsed": elapsed, "submit": [s for _, s in submitted], "poll": poll_latencies, "problems": problems,
            "runs": len(set(run_ids))}


async def _submit(client: httpx.AsyncClient, repo: Path, number: int) -> tuple[str, float]:
    body = {"repository": {"url": f"file://{repo}", "tag": "v1.0.0"}, "stage": "preview",
            "connector": {"key": f"load-{number:03d}"}, "idempotencyKey": f"load-{uuid.uuid4().hex}"}
    started = time.perf_counter()
    response = await client.post("/v1/runs", json=body)
    latency = time.perf_counter() - started
    response.raise_for_status()
    return response.json()["id"], latency


async def _poll_until_done(client: httpx.AsyncClient, runs: int, timeout: float) -> list[float]:
    latencies, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        started = time.perf_counter()
        response = await client.get("/v1/runs", params={"status": "done", "limit": 1})
        latencies.append(time.perf_counter() - started)
        finished = response.json()["total"]
        errored = (await client.get("/v1/runs", params={"status": "error", "limit": 1})).json()["total"]
        if finished + errored >= runs:
            return latencies
        await asyncio.sleep(0.25)
    raise SystemExit(f"timed out after {timeout}s waiting for {runs} runs")


async def _check_exactly_once(client: httpx.AsyncClient, run_ids: list[str]) -> list[str]:
    problems = []
    for run_id in run_ids:
        run = (await client.get(f"/v1/runs/{run_id}")).json()
        finished = [e for e in run["history"] if e["event"] == "finished"]
        if run["status"] != "done" or len(finished) != 1 or len(run["reports"]) != 1 or run["attempts"] != 1:
            problems.append(f"{run_id}: status {run['status']}, {len(finished)} finished events, "
                            f"{len(run['reports'])} reports, {run['attempts']} attempts; {run.get('error') or ''}"[:400])
    if len(set(run_ids)) != len(run_ids):
        problems.append("two submissions got the same run id")
    return problems


def _print(args, database_url: str, result: dict) -> None:
    mode = f"Celery, {args.celery_workers} worker processes" if args.celery_workers else \
        f"embedded pool, {args.embedded_workers} threads"
    backend = database_url.split(":", 1)[0]
    print(f"certifier service load: {result['runs']} runs (static stages), {mode}, {backend}")
    print(f"  wall time       {result['elapsed']:.1f} s (first submission to last finish)")
    print(f"  throughput      {result['runs'] / result['elapsed']:.2f} runs/s")
    for name in ("submit", "poll"):
        values = sorted(result[name])
        print(f"  {name:<6} latency  p50 {_percentile(values, 50) * 1000:.0f} ms   "
              f"p95 {_percentile(values, 95) * 1000:.0f} ms   ({len(values)} requests)")
    verdict = "every run finished exactly once" if not result["problems"] else \
        f"{len(result['problems'])} PROBLEMS:\n    " + "\n    ".join(result["problems"][:20])
    print(f"  exactly once    {verdict}")


def _percentile(values: list[float], percent: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def _faults(args) -> int:
    """The fault scenarios of issue 13, measured; exit status 1 when one of them found a problem."""
    sys.path.insert(0, str(ROOT / "tests" / "service"))
    import fault_scenarios as scenarios
    from fault_harness import PrivatePostgres, PrivateRedis

    with tempfile.TemporaryDirectory(prefix="certifier-faults-") as tmp:
        work = Path(tmp)
        repo = _tagged_repo(work / "connector")
        pg, redis = PrivatePostgres(), PrivateRedis()
        try:
            steps = {"database-outage": lambda w: scenarios.database_outage(pg, redis, repo, w, outage_s=args.outage),
                     "frozen-broker": lambda w: scenarios.frozen_broker(pg, redis, repo, w, freeze_s=args.outage),
                     "unpublished-run": lambda w: scenarios.unpublished_run(pg, redis, repo, w),
                     "hanging-receiver": lambda w: scenarios.hanging_receiver(repo, w),
                     "frozen-database": lambda w: scenarios.frozen_database(pg, redis, repo, w, freeze_s=args.outage)}
            results = []
            for index, step in enumerate(step for name, step in steps.items() if name in (args.only or steps)):
                (work / str(index)).mkdir()
                results.append(step(work / str(index)))
        finally:
            pg.destroy()
            redis.destroy()
    print("certifier service under faults (Celery, 2 workers, private PostgreSQL and Redis; static runs)")
    for measured in results:
        print(f"  {measured.name}")
        for name, value in measured.numbers.items():
            print(f"    {name:<58} {value:6.1f}")
        for name, value in measured.facts.items():
            print(f"    {name:<58} {value}")
        verdict = "every run finished exactly once" if not measured.problems else \
            "PROBLEMS:\n      " + "\n      ".join(p[:1500] for p in measured.problems)
        print(f"    {verdict}")
    return 0 if all(not m.problems for m in results) else 1


# --- processes ---------------------------------------------------------------------------------------

def _environment(args, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CERTIFIER_")}
    env.update({"CERTIFIER_DATABASE_URL": database_url, "CERTIFIER_STATIC_ONLY": "1",
                "CERTIFIER_ALLOW_LOCAL_SOURCES": "1", "CERTIFIER_WORKERS": str(args.embedded_workers),
                "PYTHONPATH": str(ROOT)})
    if args.celery_workers:
        env.update({"CERTIFIER_DISPATCH": "celery", "CERTIFIER_BROKER_URL": REDIS_URL,
                    "CERTIFIER_CELERY_QUEUE": f"certifier-load-{uuid.uuid4().hex[:8]}"})
    return env


def _start_server(port: int, env: dict[str, str], args, work: Path) -> subprocess.Popen:
    code = "from certifier.cli.service import serve; serve(prog_name='certifier serve')"
    argv = [sys.executable, "-c", code, "--port", str(port), "--log-level", "warning"]
    return subprocess.Popen(argv, env=env, cwd=ROOT, stdout=open(work / "server.log", "wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def _start_worker(index: int, env: dict[str, str], work: Path) -> subprocess.Popen:
    argv = [sys.executable, "-m", "celery", "-A", "certifier.service.dispatch.celery_worker", "worker", "--pool=solo",
            f"--queues={env['CERTIFIER_CELERY_QUEUE']}", f"--hostname=load{index}@%h", "--without-gossip",
            "--without-mingle", "--without-heartbeat", "--loglevel=WARNING"]
    return subprocess.Popen(argv, env=env, cwd=ROOT, stdout=open(work / f"worker-{index}.log", "wb"),
                            stderr=subprocess.STDOUT, start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _wait_healthy(base: str, server: subprocess.Popen, work: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server exited:\n" + (work / "server.log").read_text(errors="replace")[-3000:])
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not become healthy within 60 s")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tagged_repo(dest: Path) -> Path:
    shutil.copytree(CONNECTOR, dest)
    env = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid", "GIT_COMMITTER_NAME": "bench",
           "GIT_COMMITTER_EMAIL": "bench@example.invalid", "HOME": str(dest), "PATH": os.environ["PATH"]}
    for argv in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "connector"],
                 ["tag", "-a", "v1.0.0", "-m", "release"]):
        subprocess.run(["git", *argv], cwd=dest, env=env, check=True, capture_output=True)
    return dest


class _database:
    """The database URL to use: given, SQLite in the work dir, or a temporary PostgreSQL database (Celery)."""

    def __init__(self, args, work: Path) -> None:
        self.args, self.work, self.pg_name = args, work, None

    def __enter__(self) -> str:
        if self.args.database_url:
            return self.args.database_url
        if not self.args.celery_workers:
            return f"sqlite:///{self.work / 'service.db'}"
        import psycopg

        self.pg_name = f"certifier_load_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(**PG_ADMIN, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{self.pg_name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:5432/{self.pg_name}"

    def __exit__(self, *_exc) -> None:
        if self.pg_name:
            import psycopg

            with psycopg.connect(**PG_ADMIN, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
