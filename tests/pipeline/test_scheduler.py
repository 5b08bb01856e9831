"""The stage DAG scheduler: order, skips with reasons, budgets, crashes, concurrency."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from certifier.checks.registry import CheckCannotRun, CheckSpec, Scope

from certifier.core.errors import NotApplicable
from certifier.connector.model import App, Connector
from certifier.collect.context import CheckContext, Inventory, RunOptions
from certifier.core.model import Finding, Outcome, Severity, Stage
from certifier.engine.scheduler import run_stages
from certifier.source.checkout import Checkout


def spec(check_id: str, stage: Stage, func, *, scope=Scope.CONNECTOR, app_types=None, budget_s=5.0) -> CheckSpec:
    return CheckSpec(id=check_id, version="1.0.0", stage=stage, title=check_id, rationale="r", remediation="fix",
                     severity=Severity.ERROR, scope=scope, func=func,
                     app_types=frozenset(app_types) if app_types else None, budget_s=budget_s)


def context(tmp_path: Path, with_connector: bool = True) -> CheckContext:
    checkout = Checkout(path=tmp_path, source=str(tmp_path))
    apps = (App(index=0, name="svc", type="service", manifest_path="deployAs.0", folder="svc", path=tmp_path),
            App(index=1, name="ui", type="assets", manifest_path="deployAs.1", folder="ui", path=tmp_path))
    connector = Connector(root=tmp_path, manifest_file="connect.yaml", data={}, positions={}, apps=apps)
    return CheckContext(Inventory(checkout, None, connector if with_connector else None), RunOptions())


def error_finding(_ctx):
    yield Finding(message="broken", severity=Severity.ERROR)


def nothing(_ctx):
    return iter(())


def test_stages_run_in_dependency_order_and_results_are_sorted(tmp_path):
    seen: list[str] = []

    def record(name):
        def run(_ctx):
            seen.append(name)
            return iter(())
        return run

    checks = [spec("b.structure", Stage.STRUCTURE, record("structure")),
              spec("a.spec", Stage.SPECIFICATION, record("spec"))]
    plan = run_stages(checks, context(tmp_path), {Stage.SPECIFICATION, Stage.STRUCTURE})
    assert seen == ["spec", "structure"]
    assert [r.check_id for r in plan.results] == ["a.spec", "b.structure"]
    assert [s.stage for s in plan.stages] == [Stage.SPECIFICATION, Stage.STRUCTURE]
    assert all(s.outcome is Outcome.PASS for s in plan.stages)


def test_stage_without_connector_is_skipped_with_reason(tmp_path):
    checks = [spec("a.spec", Stage.SPECIFICATION, error_finding), spec("b.structure", Stage.STRUCTURE, nothing)]
    plan = run_stages(checks, context(tmp_path, with_connector=False), {Stage.SPECIFICATION, Stage.STRUCTURE})
    skipped = [r for r in plan.results if r.check_id == "b.structure"]
    assert skipped[0].outcome is Outcome.SKIP
    assert "connect.yaml" in skipped[0].summary


def test_build_stage_skipped_when_specification_failed(tmp_path):
    checks = [spec("spec.schema", Stage.SPECIFICATION, error_finding), spec("c.build", Stage.BUILD, nothing)]
    plan = run_stages(checks, context(tmp_path), {Stage.SPECIFICATION, Stage.STRUCTURE, Stage.BUILD})
    build = next(r for r in plan.results if r.check_id == "c.build")
    assert build.outcome is Outcome.SKIP and "spec.schema" in build.summary


def test_per_app_checks_run_per_matching_app_and_others_are_not_applicable(tmp_path):
    def named(ctx):
        yield Finding(message=f"about {ctx.app.name}", severity=Severity.WARNING)

    checks = [spec("a.app", Stage.SPECIFICATION, named, scope=Scope.APP, app_types={"service"})]
    plan = run_stages(checks, context(tmp_path), {Stage.SPECIFICATION})
    by_app = {r.app: r for r in plan.results}
    assert by_app["svc"].outcome is Outcome.WARN and by_app["svc"].findings[0].message == "about svc"
    assert by_app["ui"].outcome is Outcome.NOT_APPLICABLE and "service" in by_app["ui"].summary


def test_crash_and_cannot_run_are_errors_not_passes(tmp_path):
    def crash(_ctx):
        raise KeyError("boom")

    def cannot(_ctx):
        raise CheckCannotRun("tool missing")

    def not_here(_ctx):
        raise NotApplicable("no java apps")

    checks = [spec("a.crash", Stage.SPECIFICATION, crash), spec("a.cannot", Stage.SPECIFICATION, cannot),
              spec("a.na", Stage.SPECIFICATION, not_here)]
    plan = run_stages(checks, context(tmp_path), {Stage.SPECIFICATION})
    by_id = {r.check_id: r for r in plan.results}
    assert by_id["a.crash"].outcome is Outcome.ERROR and "KeyError" in by_id["a.crash"].summary
    assert by_id["a.cannot"].outcome is Outcome.ERROR and by_id["a.cannot"].summary == "tool missing"
    assert by_id["a.na"].outcome is Outcome.NOT_APPLICABLE
    assert plan.stages[0].outcome is Outcome.ERROR


def test_check_over_budget_is_an_error_and_does_not_block_the_run(tmp_path):
    release = threading.Event()

    def hang(_ctx):
        release.wait(30)
        return iter(())

    checks = [spec("a.hang", Stage.SPECIFICATION, hang, budget_s=0.3), spec("a.quick", Stage.SPECIFICATION, nothing)]
    started = time.monotonic()
    plan = run_stages(checks, context(tmp_path), {Stage.SPECIFICATION})
    release.set()
    assert time.monotonic() - started < 5
    hung = next(r for r in plan.results if r.check_id == "a.hang")
    assert hung.outcome is Outcome.ERROR and "time budget" in hung.summary


def test_independent_checks_run_concurrently(tmp_path):
    barrier = threading.Barrier(3, timeout=5)

    def meet(_ctx):
        barrier.wait()  # only returns when three checks run at the same time
        return iter(())

    checks = [spec(f"a.c{i}", Stage.SPECIFICATION, meet) for i in range(3)]
    plan = run_stages(checks, context(tmp_path), {Stage.SPECIFICATION}, workers=4)
    assert [r.outcome for r in plan.results] == [Outcome.PASS] * 3


def test_independent_stages_run_concurrently(tmp_path):
    barrier = threading.Barrier(2, timeout=5)

    def meet(_ctx):
        barrier.wait()  # structure and security both wait only for specification
        return iter(())

    checks = [spec("a.spec", Stage.SPECIFICATION, nothing), spec("b.struct", Stage.STRUCTURE, meet),
              spec("c.sec", Stage.SECURITY, meet)]
    plan = run_stages(checks, context(tmp_path), {Stage.SPECIFICATION, Stage.STRUCTURE, Stage.SECURITY})
    assert all(r.outcome is Outcome.PASS for r in plan.results)


def test_progress_hook_sees_every_stage_and_result(tmp_path):
    events: list[str] = []
    checks = [spec("a.spec", Stage.SPECIFICATION, nothing), spec("b.struct", Stage.STRUCTURE, nothing)]
    run_stages(checks, context(tmp_path), {Stage.SPECIFICATION, Stage.STRUCTURE},
               progress=lambda kind, item: events.append(kind))
    assert events.count("stage-start") == 2 and events.count("result") == 2


def test_build_stage_runs_when_only_a_non_manifest_specification_check_failed(tmp_path):
    checks = [spec("spec.api-scopes", Stage.SPECIFICATION, error_finding), spec("c.build", Stage.BUILD, nothing)]
    plan = run_stages(checks, context(tmp_path), {Stage.SPECIFICATION, Stage.STRUCTURE, Stage.BUILD})
    assert next(r for r in plan.results if r.check_id == "c.build").outcome is Outcome.PASS
