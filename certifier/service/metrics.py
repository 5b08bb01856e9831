"""Prometheus metrics: request counts and latencies of this process, and run, verdict and callback
counts read from the store at scrape time (so they include work done by Celery workers)."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from starlette.types import ASGIApp, Receive, Scope, Send

from certifier.service.store import queries
from certifier.service.store.db import Database

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)


class Metrics:
    def __init__(self, db: Database) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("certifier_http_requests_total", "HTTP requests answered",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("certifier_http_request_duration_seconds", "HTTP request latency",
                                 ["method", "route"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.submitted = Counter("certifier_runs_submitted_total", "Runs accepted by this server",
                                 ["stage"], registry=self.registry)
        self.reviews = Counter("certifier_reviews_total", "Certification reviews recorded",
                               ["outcome"], registry=self.registry)
        self.registry.register(_StoreCollector(db))


class _StoreCollector:
    def __init__(self, db: Database) -> None:
        self._db = db

    def collect(self):
        runs = GaugeMetricFamily("certifier_runs", "Runs in the store by status", labels=["status"])
        for status, count in sorted(queries.status_counts(self._db).items()):
            runs.add_metric([status], count)
        verdicts = GaugeMetricFamily("certifier_run_verdicts", "Finished runs by stage and verdict",
                                     labels=["stage", "verdict"])
        for (stage, verdict), count in sorted(queries.verdict_counts(self._db).items()):
            verdicts.add_metric([stage, verdict], count)
        deliveries = GaugeMetricFamily("certifier_callback_deliveries", "Callback deliveries by state",
                                       labels=["state"])
        for state, count in sorted(queries.delivery_counts(self._db).items()):
            deliveries.add_metric([state], count)
        return [runs, verdicts, deliveries]


class MetricsMiddleware:
    """Counts and times every request by its route template (never the raw path: ids would explode it)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}

        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            name = getattr(route, "path", "unmatched")
            self.metrics.requests.labels(scope["method"], name, str(status["code"])).inc()
            self.metrics.latency.labels(scope["method"], name).observe(time.perf_counter() - started)
