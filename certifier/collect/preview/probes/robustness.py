"""Robustness probes for every HTTP app: malformed JSON, an empty body, a wrong content type and an
oversized body. The app must answer without a server error, leak nothing, and stay up."""

from __future__ import annotations

import json

from certifier.core.model import Severity
from certifier.collect.preview.probes.exchange import Request
from certifier.collect.preview.probes.problems import Problem, ProbeRun, no_answer, unsafe_answer
from certifier.collect.preview.probes.target import Target

OVERSIZED_BYTES = 4 * 1024 * 1024
TIMEOUT_S = 10.0


def bad_requests(path: str, headers: dict[str, str]) -> list[Request]:
    as_json = {"Content-Type": "application/json", **headers}
    padding = json.dumps({"action": "Create", "resource": {"typeId": "cart", "obj": {"padding": "x" * OVERSIZED_BYTES}}})
    return [
        Request("malformed JSON", "POST", path, b'{"action": "Create", "resource": {"typeId": "cart", ', as_json),
        Request("empty body", "POST", path, b"", as_json),
        Request("wrong content type", "POST", path, b"certifier probe: this body is not JSON",
                {"Content-Type": "text/plain", **headers}),
        Request("oversized body", "POST", path, padding.encode(), as_json),
    ]


def probe_robustness(target: Target, endpoint_served: bool = True) -> ProbeRun:
    """`endpoint_served` False: the endpoint itself answered 404/405, so these answers come from the app's handler
    of unrouted paths, and a server error there is a reviewer's question, not a blocking claim."""
    run = ProbeRun()
    for request in bad_requests(target.endpoint_path, target.headers()):
        exchange = run.add(target.send(request, timeout_s=TIMEOUT_S))
        if not target.alive():
            run.problems.append(Problem(f"{exchange.summary()}: the app stopped after this request ({request.probe});"
                                        " one bad request takes the app down for every caller",
                                        Severity.ERROR, "crashed", exchange))
            return run
        if not exchange.answered:
            if request.probe == "oversized body" and "Error" in (exchange.error or ""):
                run.notes.append(f"{request.probe}: the app closed the connection without an answer "
                                 "(accepted: it refused the body and stayed up)")
                continue
            run.problems.append(no_answer(exchange, f"no answer to a {request.probe}"))
            continue
        run.problems += unsafe_answer(exchange, target.exposure)
        if exchange.status >= 500:
            run.problems.append(_server_error(exchange, request.probe, endpoint_served))
    return run


def _server_error(exchange, probe: str, endpoint_served: bool) -> Problem:
    message = f"{exchange.summary()}: a {probe} is a client error; the app must answer 4xx (or ignore it), not a server error"
    if endpoint_served:
        return Problem(message, Severity.ERROR, "server-error", exchange)
    return Problem(message + " (its endpoint itself is not served: this is its answer on an unrouted path)",
                   Severity.WARNING, "server-error", exchange, needs_review=True)
