"""Celery over Redis or RabbitMQ: the same run function as the embedded pool, in worker processes.

Start workers with `celery -A certifier.service.dispatch.celery_worker worker` (or `certifier worker`);
they read the CERTIFIER_* environment (same settings as the server). A task only carries a run id;
the worker claims the run in the store, so a duplicate or late message does nothing."""

from __future__ import annotations

import logging
import os
import socket
import threading

from celery import Celery

from certifier.service.config import ServiceConfig
from certifier.service.store.db import Database

log = logging.getLogger("certifier.service")
RUN_TASK = "certifier.service.run"


def make_celery(config: ServiceConfig) -> Celery:
    app = Celery("certifier", broker=config.broker_url)
    app.conf.update(
        task_default_queue=config.celery_queue,
        task_acks_late=True,  # a message is acknowledged after the run, so a lost worker's message is not lost
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # a worker holds only the run it is working on
        task_ignore_result=True,  # results live in the store
        broker_connection_retry_on_startup=True,
        # A submission must not hang on a broker that is down: publishing gives up after about two
        # seconds, the run stays queued in the store, and the reaper sends it again later.
        broker_connection_timeout=2,
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1},
        broker_transport_options={"visibility_timeout": max(3600, config.lease_s * 4)},
        worker_hijack_root_logger=False,
    )
    _register_tasks(app, config)
    return app


def _register_tasks(app: Celery, config: ServiceConfig) -> None:
    databases: dict[int, Database] = {}
    lock = threading.Lock()

    def database() -> Database:
        # One engine per process: a prefork child must not reuse connections of its parent.
        with lock:
            if os.getpid() not in databases:
                databases[os.getpid()] = Database(config.database_url)
            return databases[os.getpid()]

    @app.task(name=RUN_TASK, bind=True)
    def run_task(task, run_id: str) -> str:
        from certifier.service.execute import execute
        from certifier.service.store import runs

        owner = f"celery@{socket.gethostname()}:{os.getpid()}:{runs.new_id()[:8]}"
        run = runs.claim(database(), run_id, owner, config.lease_s)
        if run is None:
            return "not queued (finished, or running elsewhere)"
        return "recorded" if execute(database(), config, run, owner) else "discarded (lease lost)"


class CeleryDispatcher:
    """The server side: publishes run ids; the workers do the rest."""

    def __init__(self, config: ServiceConfig) -> None:
        self._app = make_celery(config)
        self._queue = config.celery_queue

    def start(self) -> None:
        pass

    def dispatch(self, run_id: str) -> None:
        self._app.send_task(RUN_TASK, args=[run_id], queue=self._queue)

    def stop(self) -> None:
        self._app.close()
