"""Job probe: POST the endpoint as the scheduler does on each tick (the body carries no meaning)."""

from __future__ import annotations

from certifier.core.model import Severity
from certifier.collect.preview.probes.exchange import Request
from certifier.collect.preview.probes.problems import Problem, ProbeRun, no_answer, unsafe_answer
from certifier.collect.preview.probes.target import Target


def probe_job(target: Target) -> ProbeRun:
    run = ProbeRun()
    request = Request("scheduler tick", "POST", target.endpoint_path, b"{}",
                      {"Content-Type": "application/json", "User-Agent": "Google-Cloud-Scheduler"})
    exchange = run.add(target.send(request, timeout_s=target.job_budget_s))
    if not exchange.answered:
        run.problems.append(no_answer(exchange, f"the run did not finish within the certifier's "
                                                f"{target.job_budget_s:g} s budget"))
        return run
    run.problems += unsafe_answer(exchange, target.exposure)
    if not 200 <= exchange.status < 300:
        run.problems.append(Problem(f"{exchange.summary()}: the scheduler counts any non-2xx answer as a failed "
                                    "run", Severity.ERROR, "status", exchange))
    return run
