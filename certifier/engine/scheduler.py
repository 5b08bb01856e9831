"""Run the checks of the selected stages as a DAG: independent stages and checks concurrently.

Each check runs under a time budget. A check that overruns is reported as `error` at once; its
thread is abandoned (Python threads cannot be killed, and static checks do no I/O that matters;
checks that run programs enforce their own budgets through the process runner).
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

from certifier.checks.execute import result as make_result
from certifier.checks.execute import not_applicable, run_check, targets
from certifier.engine.cache import ResultCache
from certifier.checks.merge import merged
from certifier.checks.registry import CheckSpec
from certifier.collect.context import CheckContext
from certifier.core.model import CheckResult, Outcome, Stage
from certifier.core.report import StageRun
from certifier.engine.stages import BY_STAGE, StageSpec, ready_stages

# ("stage-start", Stage) / ("result", CheckResult) / ("stage-end", StageRun): for a progress display; the
# stage-end record is the scheduler's own (before one-finding-per-problem merging re-summarises it).
ProgressHook = Callable[[str, object], None]

# Checks that read thousands of files make a syscall per file; while other checks compute (an SBOM, a
# text scan) each syscall then waits out the interpreter's 5 ms GIL switch interval before it may go on
# (the convoy effect). The stat of 2,000 files took 1.8 s instead of 0.05 s and held back the launch of
# semgrep by as much. A shorter interval costs a little throughput and gives that time back.
SWITCH_INTERVAL_S = 0.0005


@dataclass
class _Job:
    spec: CheckSpec
    ctx: CheckContext
    cache_key: str | None = None
    started: float = 0.0
    running: threading.Event = field(default_factory=threading.Event)


@dataclass
class StagePlan:
    """What the scheduler produced: every result, and how each stage went."""

    results: list[CheckResult]
    stages: list[StageRun]


def run_stages(
    checks: Sequence[CheckSpec],
    ctx: CheckContext,
    selected: set[Stage],
    *,
    workers: int = 8,
    progress: ProgressHook | None = None,
    cache: ResultCache | None = None,
) -> StagePlan:
    notify = progress or (lambda _kind, _item: None)
    sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))  # for the process: it runs checks
    by_stage: dict[Stage, list[CheckSpec]] = {s: [c for c in checks if c.stage is s] for s in selected}
    pool = _DaemonPool(workers)
    results: list[CheckResult] = []
    stage_runs: list[StageRun] = []
    done: set[Stage] = set()
    started: set[Stage] = set()
    open_jobs: dict[Stage, int] = {}
    stage_clock: dict[Stage, tuple[str, float]] = {}

    def record(result: CheckResult) -> None:
        results.append(result)
        notify("result", result)

    def finish_stage(stage: Stage) -> None:
        done.add(stage)
        mine = [r for r in results if r.stage is stage]
        start_iso, t0 = stage_clock[stage]
        stage_runs.append(StageRun(stage=stage, outcome=_stage_outcome(mine), summary=_stage_summary(mine),
                                   started_at=start_iso, duration_s=round(time.monotonic() - t0, 4)))
        notify("stage-end", stage_runs[-1])

    while len(done) < len(selected):
        for spec in ready_stages(done, started, selected):
            started.add(spec.stage)
            stage_clock[spec.stage] = (_now_iso(), time.monotonic())
            notify("stage-start", spec.stage)
            jobs, immediate = _plan_stage(spec, by_stage[spec.stage], ctx, results, cache)
            for r in immediate:
                record(r)
            open_jobs[spec.stage] = len(jobs)
            for job in jobs:
                pool.submit(job)
            if not jobs:
                finish_stage(spec.stage)
        if pool.idle():
            if len(done) < len(selected) and not ready_stages(done, started, selected):
                break  # nothing can make progress (cannot happen with a well-formed DAG)
            continue
        for job, outcome in pool.collect(timeout=0.2):
            if cache and job.cache_key:
                cache.put(job.cache_key, outcome)
            record(outcome)
            open_jobs[job.spec.stage] -= 1
            if open_jobs[job.spec.stage] == 0:
                finish_stage(job.spec.stage)
    results.sort(key=lambda r: r.sort_key)
    stage_runs.sort(key=lambda s: list(Stage).index(s.stage))
    return _one_finding_per_problem(StagePlan(results=results, stages=stage_runs))


class _DaemonPool:
    """At most `size` checks at once, each on a daemon thread: an overrun check is abandoned, and it
    can hold neither the run nor the process exit hostage."""

    def __init__(self, size: int) -> None:
        self._slots = threading.Semaphore(size)
        self._done: queue.Queue[tuple[_Job, CheckResult]] = queue.Queue()
        self._running: dict[int, _Job] = {}
        self._lock = threading.Lock()

    def submit(self, job: _Job) -> None:
        with self._lock:
            self._running[id(job)] = job
        threading.Thread(target=self._work, args=(job,), daemon=True, name=f"check-{job.spec.id}").start()

    def _work(self, job: _Job) -> None:
        with self._slots:
            job.started = time.monotonic()
            job.running.set()
            self._done.put((job, run_check(job.spec, job.ctx)))

    def idle(self) -> bool:
        with self._lock:
            return not self._running

    def collect(self, timeout: float) -> list[tuple[_Job, CheckResult]]:
        """Finished jobs, plus `error` results for jobs over their budget (which are then forgotten)."""
        out: list[tuple[_Job, CheckResult]] = []
        try:
            out.append(self._done.get(timeout=timeout))
            while True:
                out.append(self._done.get_nowait())
        except queue.Empty:
            pass
        with self._lock:
            finished = [job for job, _ in out if id(job) in self._running]
            out = [(job, r) for job, r in out if id(job) in self._running]
            for job in finished:
                del self._running[id(job)]
            for job in [j for j in self._running.values() if _overran(j)]:
                del self._running[id(job)]
                out.append((job, make_result(job.spec, job.ctx, Outcome.ERROR,
                                             f"exceeded its time budget of {job.spec.budget_s:g} s")))
        return out


def _overran(job: _Job) -> bool:
    return job.running.is_set() and time.monotonic() - job.started > job.spec.budget_s


def _plan_stage(
    spec: StageSpec, checks: list[CheckSpec], ctx: CheckContext, so_far: list[CheckResult],
    cache: ResultCache | None = None,
) -> tuple[list[_Job], list[CheckResult]]:
    """Jobs to run, and results known without running (skips of a blocked stage, not-applicable, cached)."""
    reason = BY_STAGE[spec.stage].blocked(ctx.inventory, so_far)
    if reason:
        return [], [make_result(c, ctx, Outcome.SKIP, reason) for c in checks]
    jobs: list[_Job] = []
    immediate: list[CheckResult] = []
    for check in checks:
        for target in targets(check, ctx):
            known = not_applicable(check, target)
            key = cache.key(check, target) if cache and not known else None
            known = known or (cache.get(key) if key else None)
            if known:
                immediate.append(known)
            else:
                jobs.append(_Job(check, target, cache_key=key))
    return jobs, immediate


def _one_finding_per_problem(plan: StagePlan) -> StagePlan:
    """Once, after every stage ran (the cache keeps each check's own result): a problem seen by several
    checks, apps or tools becomes one finding; the stages are summarised again from what they now hold."""
    results = merged(plan.results)
    stages = []
    for run in plan.stages:
        mine = [r for r in results if r.stage is run.stage]
        stages.append(run.model_copy(update={"outcome": _stage_outcome(mine), "summary": _stage_summary(mine)}))
    return StagePlan(results=results, stages=stages)


_STAGE_PRECEDENCE = (Outcome.FAIL, Outcome.ERROR, Outcome.WARN, Outcome.PASS, Outcome.SKIP, Outcome.NOT_APPLICABLE)


def _stage_outcome(results: list[CheckResult]) -> Outcome:
    if not results:
        return Outcome.SKIP  # nothing audited this stage: never shown as clean
    present = {r.outcome for r in results}
    for outcome in _STAGE_PRECEDENCE:
        if outcome in present:
            return outcome
    return Outcome.NOT_APPLICABLE


def _stage_summary(results: list[CheckResult]) -> str:
    if not results:
        return "not audited: this certifier version has no checks in this stage"
    counts: dict[str, int] = {}
    for r in results:
        counts[r.outcome.value] = counts.get(r.outcome.value, 0) + 1
    return ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))


def _now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
