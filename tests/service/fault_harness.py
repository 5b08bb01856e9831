"""Private PostgreSQL and Redis servers, a real `certifier serve` process and Celery workers, for the
fault tests (tests/service/test_faults.py) and `make bench-service` (benchmarks/service_load.py).

Each dependency runs from the installed binaries, on a free port, in its own temporary folder, so a
test may stop, freeze or kill it without touching the machine's shared services. PostgreSQL refuses
to run as root: when the tests run as root, it runs as the `postgres` user (runuser) and its
folder belongs to that user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import uuid
from pathlib import Path

import httpx

from service_helpers import port_open, wait_until

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent


class Unavailable(Exception):
    """A binary or user the harness needs is missing on this machine."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivatePostgres:
    """initdb + pg_ctl in a temporary folder; stop() and start() make an outage."""

    def __init__(self) -> None:
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not binaries:
            raise Unavailable("no PostgreSQL binaries under /usr/lib/postgresql/*/bin")
        self.bin = Path(binaries[-1]).parent
        self.user = None
        if os.geteuid() == 0:
            try:
                self.user = pwd.getpwnam("postgres")
            except KeyError:
                raise Unavailable("running as root and there is no `postgres` user to run PostgreSQL") from None
        self.home = Path(tempfile.mkdtemp(prefix="certifier-pg-"))
        self.data, self.log = self.home / "data", self.home / "postgres.log"
        self.port = free_port()
        if self.user is not None:
            os.chown(self.home, self.user.pw_uid, self.user.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self.start()

    @property
    def admin(self) -> dict:
        return dict(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        import psycopg

        name = f"certifier_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(**self.admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start")

    def freeze(self) -> None:
        """SIGSTOP to the postmaster and every backend: the kernel still accepts connections and
        acknowledges data, nothing answers (a hung server, not a stopped one)."""
        for pid in self._pids():
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in reversed(self._pids()):
            os.kill(pid, signal.SIGCONT)

    def _pids(self) -> list[int]:
        """The postmaster first, then its children (a stopped postmaster forks no new ones)."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = []
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # exited meanwhile
            if int(fields[1]) == postmaster:
                children.append(int(stat.split("/")[2]))
        return [postmaster, *children]

    def stop(self) -> None:
        """A fast shutdown: every client connection is cut, new ones are refused."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def destroy(self) -> None:
        try:
            self.thaw()
        except (OSError, ValueError):
            pass  # not running
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.home, ignore_errors=True)

    def _run(self, binary: str, *args: str) -> None:
        argv = [str(self.bin / binary), *args]
        if self.user is not None:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        subprocess.run(argv, check=True, capture_output=True, cwd=self.home, timeout=120)


class PrivateRedis:
    """redis-server without persistence on a free port; freeze() and thaw() are SIGSTOP and SIGCONT."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise Unavailable("redis-server is not installed")
        self.home = Path(tempfile.mkdtemp(prefix="certifier-redis-"))
        self.port = free_port()
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.home)], stdout=open(self.home / "redis.log", "wb"), stderr=subprocess.STDOUT,
            start_new_session=True)
        wait_until(lambda: port_open(("127.0.0.1", self.port)), 30, what="the private Redis to listen")

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def freeze(self) -> None:
        self.proc.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.proc.send_signal(signal.SIGCONT)

    def destroy(self) -> None:
        self.thaw()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        shutil.rmtree(self.home, ignore_errors=True)


class FreezableProxy:
    """A TCP relay to `target` that can stop relaying: connections are still accepted and data still
    acknowledged by the kernel, but nothing is passed on, exactly what a client sees of a server
    stopped with SIGSTOP. For fast tests against a shared server that must not be frozen itself."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.running = threading.Event()
        self.running.set()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def freeze(self) -> None:
        self.running.clear()

    def thaw(self) -> None:
        self.running.set()

    def close(self) -> None:
        self.running.set()
        self.listener.close()
        for sock in self.sockets:
            sock.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return  # closed
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            self.sockets += [client, server]
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                self.running.wait()  # frozen: what was read is held, not passed on
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class Processes:
    """`certifier serve` and Celery workers for one scenario, each in its own process group."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env, self.log_dir = env, log_dir
        self.procs: dict[str, subprocess.Popen] = {}

    @staticmethod
    def environment(database_url: str, broker_url: str, **settings: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CERTIFIER_")}
        env.update({
            "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT)]),
            "CERTIFIER_DATABASE_URL": database_url, "CERTIFIER_BROKER_URL": broker_url,
            "CERTIFIER_DISPATCH": "celery", "CERTIFIER_CELERY_QUEUE": f"certifier-{uuid.uuid4().hex[:8]}",
            "CERTIFIER_STATIC_ONLY": "1", "CERTIFIER_ALLOW_LOCAL_SOURCES": "1",
            "CERTIFIER_ALLOW_LOOPBACK_HTTP_CALLBACKS": "1",
        })
        env.update({f"CERTIFIER_{name.upper()}": value for name, value in settings.items()})
        return env

    def serve(self, name: str = "server", healthy: bool = True) -> str:
        """Start a server; wait until /healthz says 200 (or, with `healthy=False`, answers at all)."""
        port = free_port()
        code = "from certifier.cli.service import serve; serve(prog_name='certifier serve')"
        self._start(name, [sys.executable, "-c", code, "--port", str(port), "--log-level", "warning"])
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: self._answers(name, base, healthy), 90, what=f"{name} to answer /healthz", every_s=0.2)
        return base

    def worker(self, name: str) -> None:
        self._start(name, [sys.executable, "-m", "celery", "-A", "certifier.service.dispatch.celery_worker", "worker",
                           "--pool=solo", f"--queues={self.env['CERTIFIER_CELERY_QUEUE']}", f"--hostname={name}@%h",
                           "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"])

    def kill(self, name: str) -> None:
        proc = self.procs[name]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)

    def log(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def logs(self, tail: int = 4000) -> str:
        return "\n".join(f"--- {p.stem}\n{p.read_text(errors='replace')[-tail:]}" for p in sorted(self.log_dir.glob("*.log")))

    def _start(self, name: str, argv: list[str]) -> None:
        log = open(self.log_dir / f"{name}.log", "wb")
        self.procs[name] = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    def _answers(self, name: str, base: str, healthy: bool = True) -> bool:
        if self.procs[name].poll() is not None:
            raise AssertionError(f"{name} exited:\n{self.log(name)[-3000:]}")
        try:
            status = httpx.get(f"{base}/healthz", timeout=3).status_code
        except httpx.HTTPError:
            return False
        return status == 200 or (not healthy and status == 503)


def make_token(database_url: str, role: str = "marketplace") -> str:
    from certifier.service.store.db import Database
    from certifier.service.store.tokens import create_token

    db = Database(database_url)
    try:
        db.migrate()
        return create_token(db, f"{role}-{uuid.uuid4().hex[:6]}", role)
    finally:
        db.dispose()


def tagged_repo(connector: Path, dest: Path, tag: str = "v1.0.0") -> Path:
    shutil.copytree(connector, dest)
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.invalid", "HOME": str(dest), "PATH": os.environ["PATH"]}
    for argv in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "connector"],
                 ["tag", "-a", tag, "-m", "release"]):
        subprocess.run(["git", *argv], cwd=dest, env=env, check=True, capture_output=True)
    return dest


def run_history(client: httpx.Client, run_id: str) -> dict:
    return client.get(f"/v1/runs/{run_id}").json()


def exactly_once_problems(runs: list[dict]) -> list[str]:
    """Every run done, with one `finished` event, one report and one attempt (not redone)."""
    problems = []
    for run in runs:
        finished = [e for e in run["history"] if e["event"] == "finished"]
        if run["status"] != "done" or len(finished) != 1 or len(run["reports"]) != 1 or run["attempts"] != 1:
            problems.append(f"{run['id']}: status {run['status']}, {len(finished)} finished, {len(run['reports'])} "
                            f"reports, {run['attempts']} attempts, history {[e['event'] for e in run['history']]}")
    return problems
