"""Benchmark: wall time of the certifier's build + local preview + probes on a connector, against running
the same npm commands one after another by hand (npm ci, build, test per app; then start each app and
POST its endpoint once). Both use the same emulator (installed in the cache beforehand).

    .venv/bin/python -m benchmarks.build_preview [examples/goods-store] [rounds]

It also prints the overhead of isolating connector code (namespaces, control group, disk quota: issue 10),
from certifier runs with and without it in the same invocation.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from certifier.sandbox import cgroups, quota, runner
from certifier.sandbox import process as process_module
from certifier.sandbox.isolation import isolation
from certifier.connector.inventory import take_inventory
from certifier.core.model import Stage
from certifier.certify import RunRequest, certify
from certifier.collect.preview.appenv import Credentials, app_environment
from certifier.collect.preview.emulator import ensure_installed, start_emulator
from certifier.collect.preview.launcher import PRELOAD, preload_env
from certifier.collect.preview.ports import accepts, free_port, wait_until
from certifier.source.fetch import fetch

HTTP = {"service", "event", "job"}


def certifier_run(source: Path) -> tuple[float, str]:
    started = time.monotonic()
    outcome = certify(RunRequest(source=str(source), stages=frozenset({Stage.BUILD, Stage.PREVIEW})))
    outcomes = sorted({f"{r.check_id}={r.outcome.value}" for r in outcome.report.results})
    return time.monotonic() - started, ", ".join(outcomes)


def by_hand(source: Path) -> float:
    work = Path(tempfile.mkdtemp(prefix="bench-by-hand-"))
    started = time.monotonic()
    try:
        connector = take_inventory(fetch(str(source), None, work)).connector
        apps = [app for app in connector.apps if app.type in HTTP]
        dirs = {}
        for app in apps:
            target = dirs[app.name] = work / "apps" / app.name
            shutil.copytree(app.path, target, ignore=shutil.ignore_patterns("node_modules", "dist"))
            for command in ("npm ci", "npm run build --if-present", "npm test"):
                subprocess.run(command, shell=True, cwd=target, check=True, capture_output=True, timeout=600)
        emulator = start_emulator(runner.Workspace(work / "emulator"))
        try:
            creds = Credentials(emulator.project_key, emulator.client_id, emulator.client_secret)
            for app in apps:
                _start_and_post(app, dirs[app.name], app_environment(connector, app, creds, b"b" * 32).values,
                                emulator.url)
        finally:
            emulator.stop()
        return time.monotonic() - started
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _start_and_post(app, folder: Path, config: dict[str, str], emulator_url: str) -> None:
    port = free_port()
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(folder), **config, "PORT": str(port),
           **preload_env(PRELOAD, emulator_url)}
    process = subprocess.Popen(["npm", "start"], cwd=folder, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_until(lambda: accepts(port), timeout_s=60)
        request = urllib.request.Request(f"http://127.0.0.1:{port}{app.endpoint}", data=json.dumps({}).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        try:
            urllib.request.urlopen(request, timeout=10).read()
        except OSError:
            pass  # any answer (or refusal) is what the manual check looks at
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def without_isolation():
    """The runner as it was before issue 10: the jail alone (sandbox uid, rlimits, tree kill), no bwrap,
    no control group, no disk quota; the shared package cache stays shared, so only isolation differs."""
    def plain_jail(process, cwd, config, info_fd):
        return [sys.executable, "-I", "-S", str(process_module.JAIL), json.dumps(config), "--"]

    def no_bwrap_info(fd):
        os.close(fd)
        return None  # no bwrap: signals go to the jail itself

    with mock.patch.object(process_module.RunningProcess, "_jail_argv", plain_jail), \
            mock.patch.object(process_module, "_read_child_pid", no_bwrap_info), \
            mock.patch.object(cgroups.RunCgroup, "enter", lambda self: []), \
            mock.patch.object(quota, "mount_quota", lambda *args: False):
        yield


def cpu_seconds() -> float:
    """CPU time of this process and of every process it (or the jails below it) waited for."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measured_run(source: Path) -> tuple[float, float, str]:
    cpu = cpu_seconds()
    seconds, outcomes = certifier_run(source)
    return seconds, cpu_seconds() - cpu, outcomes


def isolation_overhead(source: Path, rounds: int = 2) -> dict:
    """Median wall and CPU time of certifier runs with and without isolation, alternating so that caches
    favour neither; CPU time says more than wall time on a busy machine."""
    runs: dict[str, list[tuple[float, float]]] = {"with": [], "without": []}
    outcomes = ""
    for _ in range(rounds):
        wall, cpu, outcomes = measured_run(source)
        runs["with"].append((wall, cpu))
        with without_isolation():
            runs["without"].append(measured_run(source)[:2])
    medians = {mode: (statistics.median(w for w, _ in pairs), statistics.median(c for _, c in pairs))
               for mode, pairs in runs.items()}
    return {"medians": medians, "outcomes": outcomes}


def main() -> None:
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "examples/goods-store").resolve()
    ensure_installed()
    manual = by_hand(source)
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 2  # more rounds on a busy machine
    measured = isolation_overhead(source, rounds)
    (automated, cpu), (plain, plain_cpu) = measured["medians"]["with"], measured["medians"]["without"]
    print(f"by hand (npm ci, build, test per app; start + one POST each): {manual:.1f} s")
    print(f"certifier build + preview + probes: {automated:.1f} s  [{measured['outcomes']}]")
    print(f"ratio certifier / by hand: {automated / manual:.2f}")
    print(f"isolation: {isolation()}")
    print(f"same runs without isolation (jail and uid only): {plain:.1f} s wall, {plain_cpu:.1f} s CPU; "
          f"with it: {automated:.1f} s wall, {cpu:.1f} s CPU")
    print(f"overhead of isolation: {100 * (automated - plain) / plain:+.1f}% wall, "
          f"{100 * (cpu - plain_cpu) / plain_cpu:+.1f}% CPU (medians of {rounds} runs each)")


if __name__ == "__main__":
    main()
