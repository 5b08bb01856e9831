"""The hostile fixture connector (tests/fixtures/connectors/build-hostile-sandbox) is built by the pipeline
with small run-wide limits; its postinstall, build and test scripts try every attack of issue 10 and print
what got through (`HOSTILE-REPORT {...}` in the build logs). Each attempt must have failed, the run must
end in a verdict, and nothing of it may be left on the machine afterwards."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import uuid
from pathlib import Path

import pytest

from certifier.certify import RunRequest, certify
from certifier.core.model import Stage
from certifier.sandbox import namespaces, quota
from certifier.sandbox.cgroups import PARENT, ROOT as CGROUP_ROOT, mode as cgroup_mode
from support import CONNECTORS, make_tagged_repo

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not namespaces.enabled(), reason="needs bubblewrap (make install sets it up)")]

FIXTURE = CONNECTORS / "build-hostile-sandbox"
APP = "hostile-service"
LIMITS = {"CERTIFIER_SANDBOX_MEMORY_MB": "1024", "CERTIFIER_SANDBOX_DISK_MB": "512"}


def prepared_fixture(tmp_path: Path, marker: str, port: int, cache: Path, exhaust: dict | None) -> Path:
    """A copy of the fixture whose targets.json names this test's listener, marker and places."""
    secret = tmp_path / "other-run" / "build" / "01-app" / "src" / "secret.txt"  # another run's workspace
    secret.parent.mkdir(parents=True)
    secret.write_text("another connector's source")
    (cache / "packages").mkdir(parents=True)
    (cache / "results.sqlite").write_text("certifier state")
    source = tmp_path / "fixture"
    shutil.copytree(FIXTURE, source)
    targets = {"marker": marker, "process_marker": marker, "ports": [port],
               "read": [str(secret), str(cache / "results.sqlite"), str(tmp_path / "other-run")],
               "write": [str(cache), str(cache / "packages" / "_corepack" / "v1"), str(tmp_path / "other-run")],
               "exhaust": exhaust}
    (source / APP / "targets.json").write_text(json.dumps(targets))
    return source


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("hostile")
    marker = f"hostile-{uuid.uuid4().hex[:12]}"
    listener = socket.create_server(("127.0.0.1", 0))  # a service of the host the connector must not reach
    outside = subprocess.Popen([marker, "300"], executable="sleep")  # a host process it must not see
    cache = tmp_path / "result-cache"
    source = prepared_fixture(tmp_path, marker, listener.getsockname()[1], cache,
                              {"fork_max": 3000, "memory_child_mb": 640, "disk_mb": 2048})
    repo = make_tagged_repo(source, tmp_path / "repo")
    out = tmp_path / "out"
    mounted_before = set(quota._mounted)
    try:
        with pytest.MonkeyPatch.context() as patch:
            for name, value in {**LIMITS, "CERTIFIER_CACHE_DIR": str(cache)}.items():
                patch.setenv(name, value)
            outcome = certify(RunRequest(source=str(repo), tag="v1.0.0", stage="preview", out_dir=out,
                                         stages=frozenset({Stage.BUILD})))
        yield outcome.report, out, marker, tmp_path, set(quota._mounted) - mounted_before
    finally:
        outside.kill()
        outside.wait()
        listener.close()


def reports(out: Path) -> dict[str, dict]:
    """phase -> what the probe could do, from the build logs the run wrote."""
    found = {}
    for log in out.glob("build-*.log"):
        for line in log.read_text().splitlines():
            if line.startswith("HOSTILE-REPORT "):
                report = json.loads(line.split(" ", 1)[1])
                found[report["phase"]] = report
    return found


def test_every_attack_of_the_hostile_connector_fails(hostile_run):
    report, out, marker, tmp_path, _ = hostile_run
    phases = reports(out)
    assert set(phases) == {"postinstall", "build", "test"}, sorted(p.name for p in out.iterdir())
    for phase, seen in phases.items():
        assert seen["connected"] == [], phase  # Redis, PostgreSQL, RabbitMQ, our listener: no route
        assert seen["wrote"] == [], phase  # shared cache, corepack, certifier cache, another run
        assert seen["read"] == [], phase  # another workspace, the uid registry, certifier state
        assert seen["foreign_processes"] == [], phase  # /proc shows only the sandbox's own processes
    exhaust = phases["test"]
    assert 0 < exhaust["forked"] < 3000  # the task limit stopped the fork bomb
    # three processes of 640 MiB at once (each far under the per-process limit) do not fit in the run's 1 GiB
    reached = exhaust["memory"]["reached_mb"]
    assert len(reached) == 3 and sorted(reached)[1] < 640, reached
    assert exhaust["disk_mb"] <= 512  # the workspace quota
    results = {(r.check_id, r.app): r for r in report.results}
    assert results[("build.install", APP)].outcome.value == "pass"
    assert results[("build.test", APP)].outcome.value == "pass"  # contained: its own tests then run
    assert report.decision.verdict.value  # the run ends in a verdict


def test_nothing_of_the_hostile_run_is_left_behind(hostile_run):
    _, _, marker, tmp_path, still_mounted = hostile_run
    assert [path.name for path in Path("/dev/shm").iterdir() if marker in path.name] == []
    survivors = subprocess.run(["pgrep", "-f", f"sleep 600 {marker}"], capture_output=True, text=True)
    assert survivors.stdout.strip() == ""
    assert not any(marker in path.name for path in tmp_path.rglob("*"))  # no planted file outside the run
    if cgroup_mode() == "cgroup-v1":
        assert not any(p.is_dir() for p in (CGROUP_ROOT / "memory" / PARENT).glob("run-*-*")
                       if _run_of_this_process(p))
    assert still_mounted == set()  # the workspaces' disk quotas are unmounted


def _run_of_this_process(group: Path) -> bool:
    import os

    return group.name.startswith(f"run-{os.getpid()}-")


def test_a_yarn_planted_by_one_run_does_not_decide_the_next_runs_verdict(hostile_run):
    """The corepack-poisoning scenario: the hostile run tried to plant a yarn that prints "99 tests passed"
    wherever it could; the next run, a yarn app whose tests fail, still fails its tests."""
    _, _, _, tmp_path, _ = hostile_run
    source = tmp_path / "yarn-app"
    shutil.copytree(CONNECTORS / "build-failing-tests", source)
    (source / "hello-service" / "package-lock.json").unlink()
    (source / "hello-service" / "yarn.lock").write_text("# yarn lockfile v1\n\n\n")
    repo = make_tagged_repo(source, tmp_path / "yarn-repo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CERTIFIER_CACHE_DIR", str(tmp_path / "result-cache"))  # the hostile run's cache
        report = certify(RunRequest(source=str(repo), tag="v1.0.0", stage="preview",
                                    stages=frozenset({Stage.BUILD}))).report
    results = {(r.check_id, r.app): r for r in report.results}
    install = results[("build.install", "hello-service")]
    assert install.outcome.value == "pass"
    assert any("corepack yarn@" in f.properties.get("command", "") for f in install.findings)
    test = results[("build.test", "hello-service")]
    assert test.outcome.value == "fail", test.summary
    assert report.decision.verdict.value == "Rejected"
