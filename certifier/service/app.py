"""The FastAPI application: `create_app(config)` wires store, dispatch, background loops and routes.

Nothing starts at import; the lifespan migrates the database, starts the worker pool (embedded) or
the dispatcher (Celery), the reaper and the callback sender, and stops them on shutdown."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError

from certifier import __version__
from certifier.service import routes_ops, routes_reports, routes_review, routes_runs
from certifier.service.api_errors import validation_handler
from certifier.service.background import Background
from certifier.service.config import ServiceConfig
from certifier.service.dispatch import make_dispatcher
from certifier.service.limits import BodyLimit
from certifier.service.metrics import Metrics, MetricsMiddleware
from certifier.service.outages import STORE_ERRORS, HealthChecks, store_error_handler
from certifier.service.store.db import Database

DESCRIPTION = """Certification runs for the marketplace: submit a connector at a tag, poll the run,
receive a signed callback, fetch the report (JSON, HTML, SARIF, Markdown, Connect entries) and
record the certification review. Every endpoint but /healthz needs a bearer token."""


def create_app(config: ServiceConfig, *, background: bool = True, migrate: bool = True) -> FastAPI:
    """The service app. `background=False` serves requests without workers, reaper or callbacks
    (for tests that drive those by hand)."""
    config.validate()
    db = Database(config.database_url)
    if migrate:
        db.migrate()
    dispatcher = make_dispatcher(config, db)
    loops = Background(config, db, dispatcher)
    health = HealthChecks(db, dispatcher.check, config.health_timeout_s)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        if background:
            loops.start()
        try:
            yield
        finally:
            if background:
                loops.stop()
            health.close()
            db.dispose()

    app = FastAPI(title="certifier", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                  openapi_url=None, docs_url=None, redoc_url=None)
    metrics = Metrics(db)
    app.state.config, app.state.db, app.state.background, app.state.metrics = config, db, loops, metrics
    app.state.health = health
    app.add_exception_handler(RequestValidationError, validation_handler)
    for error_type in STORE_ERRORS:  # the store away: 503 + Retry-After + JSON, never a 500 with a traceback
        app.add_exception_handler(error_type, store_error_handler(config.store_retry_after_s))
    for module in (routes_runs, routes_reports, routes_review, routes_ops):
        app.include_router(module.router)
    app.add_middleware(BodyLimit, max_bytes=config.max_body_bytes)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    return app
