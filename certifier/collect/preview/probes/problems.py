"""What probes found (problems) and what they sent (transcripts), before checks turn them into Findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from certifier.core.model import Severity
from certifier.collect.preview.probes.exchange import Exchange
from certifier.collect.preview.probes.leaks import leaked_secrets, stack_trace
from certifier.collect.preview.probes.redact import Redactor

MAX_TRANSCRIPT = 40  # exchanges kept per probe family


@dataclass(frozen=True)
class Problem:
    message: str
    severity: Severity
    rule: str
    exchange: Exchange | None = None
    needs_review: bool = False


@dataclass
class ProbeRun:
    """One probe family on one app: every exchange, every problem, notes for the reader."""

    exchanges: list[Exchange] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    not_applicable: str | None = None

    def add(self, exchange: Exchange, *problems: Problem) -> Exchange:
        self.exchanges.append(exchange)
        self.problems.extend(problems)
        return exchange

    def evidence(self) -> dict[str, Any]:
        shown = self.exchanges[:MAX_TRANSCRIPT]
        record: dict[str, Any] = {"transcript": [e.evidence() for e in shown]}
        if len(self.exchanges) > len(shown):
            record["transcript_dropped"] = len(self.exchanges) - len(shown)
        if self.notes:
            record["notes"] = list(self.notes)
        if shown:
            latencies = sorted(e.latency_s for e in shown)
            record["latency_ms"] = {"max": round(latencies[-1] * 1000, 1),
                                    "median": round(latencies[len(latencies) // 2] * 1000, 1)}
        return record


@dataclass(frozen=True)
class Exposure:
    """What an answer must not give away: secret values (name -> value) and internal paths."""

    secrets: dict[str, str] = field(default_factory=dict)
    internal_paths: tuple[str, ...] = ()

    @property
    def redactor(self) -> Redactor:
        return Redactor(tuple(self.secrets.values()))


def unsafe_answer(exchange: Exchange, exposure: Exposure) -> list[Problem]:
    """Stack traces or internal paths (Warning) and secret values (Error) in an answer."""
    if not exchange.raw_text:
        return []
    problems = []
    leaked = leaked_secrets(exchange.raw_text, exposure.secrets)
    if leaked:
        problems.append(Problem(f"{exchange.summary()}: the answer contains the value of {', '.join(leaked)}",
                                Severity.ERROR, "secret-in-response", exchange))
    trace = stack_trace(exchange.raw_text, exposure.internal_paths)
    if trace:
        shown = exposure.redactor.text(trace)
        problems.append(Problem(f"{exchange.summary()}: the answer exposes a stack trace or internal path: "
                                f"{shown!r}", Severity.WARNING, "stack-trace", exchange))
    return problems


def no_answer(exchange: Exchange, what: str) -> Problem:
    return Problem(f"{exchange.summary()}: {what}", Severity.ERROR, "no-answer", exchange)


Check = Callable[[Exchange], list[Problem]]
