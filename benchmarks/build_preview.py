"""Benchmark: wall time of the certifier's build + local preview + probes on a connector, against running
the same npm commands one after another by hand (npm ci, build, test per app; then start each app and
POST its endpoint once). Both use the same emulator (installed in the cache beforehand).

    .venv/bin/python -m benchmarks.build_preview [examples/goods-store] [rounds]

It also prints the overhead of isolating connector code (namespaces, control group, disk quota: issue 10):
certifier runs without it (CERTIFIER_SANDBOX_NAMESPACES=0) and with it, alternating in the same invocation,
each round's times, the medians per mode, their ratio against the 10% target, and the machine's load
during the runs (on a busy machine wall times say little; CPU time says more).
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
import threading
import time
import urllib.request
from contextlib import contextmanager, nullcontext
from pathlib import Path
from unittest import mock

from certifier.sandbox import cgroups, namespaces, quota, runner
from certifier.sandbox.workspace import Workspace
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
TARGET_RATIO = 1.10  # issue 10: isolation costs at most 10% of a run


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
    """The runner as it was before issue 10: CERTIFIER_SANDBOX_NAMESPACES=0 (no bwrap: the jail alone, with its
    sandbox uid, rlimits and tree kill), no control group, no disk quota. The package cache stays shared, as
    it was then (without namespaces the runner would give each workspace a private, cold cache, and the
    comparison would measure downloads instead of isolation)."""
    prepare_cache = Workspace._prepare_npm_cache

    def shared_cache(workspace):
        workspace.namespaced = lambda: True  # this instance only, for the cache choice alone
        try:
            prepare_cache(workspace)
        finally:
            del workspace.namespaced

    with mock.patch.dict(os.environ, {namespaces.SWITCH: "0"}), \
            mock.patch.object(Workspace, "_prepare_npm_cache", shared_cache), \
            mock.patch.object(cgroups.WorkspaceCgroup, "enter", lambda self: []), \
            mock.patch.object(quota, "mount_quota", lambda *args: False):
        yield


class LoadSampler:
    """The machine's 1-minute load average every few seconds while the runs go on: other work on the
    machine makes wall times swing, and readers need to see how busy it was."""

    def __init__(self, every_s: float = 5.0) -> None:
        self.samples: list[float] = []
        self._every_s = every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "LoadSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while True:
            self.samples.append(os.getloadavg()[0])
            if self._stop.wait(self._every_s):
                return

    def summary(self) -> str:
        if not self.samples:
            return "not sampled"
        return (f"min {min(self.samples):.1f}, median {statistics.median(self.samples):.1f}, "
                f"max {max(self.samples):.1f} on {os.cpu_count()} CPUs ({len(self.samples)} samples)")


def cpu_seconds() -> float:
    """CPU time of this process and of every process it (or the jails below it) waited for."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measured_run(source: Path) -> tuple[float, float, str]:
    cpu = cpu_seconds()
    seconds, outcomes = certifier_run(source)
    return seconds, cpu_seconds() - cpu, outcomes


def isolation_overhead(source: Path, rounds: int = 2) -> dict:
    """Median wall and CPU time of certifier runs with and without isolation, alternating (without, with,
    without, ...) so that caches and the machine's load favour neither; CPU time says more than wall time
    on a busy machine."""
    runs: dict[str, list[tuple[float, float]]] = {"with": [], "without": []}
    outcomes: dict[str, str] = {}
    with LoadSampler() as load:
        for round_number in range(1, rounds + 1):
            for mode in ("without", "with"):
                with without_isolation() if mode == "without" else nullcontext():
                    wall, cpu, outcomes[mode] = measured_run(source)
                runs[mode].append((wall, cpu))
                print(f"  round {round_number} {mode + ' isolation:':<19} {wall:6.1f} s wall {cpu:6.1f} s CPU  "
                      f"load {os.getloadavg()[0]:.1f}", flush=True)
    medians = {mode: (statistics.median(w for w, _ in pairs), statistics.median(c for _, c in pairs))
               for mode, pairs in runs.items()}
    return {"medians": medians, "outcomes": outcomes, "load": load.summary(), "runs": runs}


def ratio_lines(medians: dict[str, tuple[float, float]], rounds: int) -> list[str]:
    """The overhead of isolation as a ratio of medians, against the 10% target of issue 10."""
    (wall, cpu), (plain, plain_cpu) = medians["with"], medians["without"]
    wall_ratio, cpu_ratio = wall / plain, cpu / plain_cpu
    verdict = "within" if wall_ratio <= TARGET_RATIO else "over"
    return [
        f"without isolation (CERTIFIER_SANDBOX_NAMESPACES=0, no cgroup, no disk quota): median {plain:.1f} s wall, "
        f"{plain_cpu:.1f} s CPU",
        f"with isolation ({_isolation_label()}): median {wall:.1f} s wall, {cpu:.1f} s CPU",
        f"isolation overhead: wall ratio {wall_ratio:.3f} ({100 * (wall_ratio - 1):+.1f}%), CPU ratio "
        f"{cpu_ratio:.3f} ({100 * (cpu_ratio - 1):+.1f}%), medians of {rounds} alternating runs each; "
        f"target: wall ratio <= {TARGET_RATIO:.2f} -> {verdict} target",
    ]


def _isolation_label() -> str:
    level = isolation()
    return ", ".join(str(level.get(key)) for key in ("level", "tool", "limits", "disk_quota") if level.get(key))


def main() -> None:
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "examples/goods-store").resolve()
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 2  # more rounds on a busy machine
    ensure_installed()
    manual = by_hand(source)
    print(f"by hand (npm ci, build, test per app; start + one POST each): {manual:.1f} s", flush=True)
    measured = isolation_overhead(source, rounds)
    automated = measured["medians"]["with"][0]
    print(f"certifier build + preview + probes: {automated:.1f} s  [{measured['outcomes'].get('with', '')}]")
    if measured["outcomes"].get("with") != measured["outcomes"].get("without"):
        print(f"  (without isolation the outcomes were: {measured['outcomes'].get('without', '')})")
    print(f"ratio certifier / by hand: {automated / manual:.2f}")
    for line in ratio_lines(measured["medians"], rounds):
        print(line)
    print(f"machine load during the runs (1-minute average): {measured['load']}; wall times on a busy machine "
          "swing with it, CPU time much less")


if __name__ == "__main__":
    main()
