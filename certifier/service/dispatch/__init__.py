"""Dispatch: how a queued run reaches a worker. Embedded (threads polling the store) or Celery.

Either way the store decides who runs what (runs.claim); dispatching twice is harmless, and a run
whose dispatch was lost is dispatched again by the dispatcher loop (certifier.service.background)."""

from __future__ import annotations

from typing import Protocol

from certifier.service.config import ServiceConfig
from certifier.service.store.db import Database


class Dispatcher(Protocol):
    def start(self) -> None: ...

    def dispatch(self, run_id: str) -> None:
        """Tell a worker to look at `run_id` (may raise when the broker is down: the dispatcher retries)."""

    def check(self) -> str:
        """What /healthz says about the broker: its name when it answers; raises when it does not."""

    def stop(self) -> None: ...


def make_dispatcher(config: ServiceConfig, db: Database) -> Dispatcher:
    if config.dispatch == "celery":
        from certifier.service.dispatch.celery_factory import CeleryDispatcher

        return CeleryDispatcher(config)
    from certifier.service.dispatch.embedded import EmbeddedPool

    return EmbeddedPool(config, db)
