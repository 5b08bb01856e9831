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
from certifier.service.store.db import Database, store_unreachable

log = logging.getLogger("certifier.service")
RUN_TASK = "certifier.service.run"


STORE_RETRY_MAX = 120  # a task retried this many times (about 20 minutes) is dropped; the server sends it again


def make_celery(config: ServiceConfig) -> Celery:
    app = Celery("certifier", broker=config.broker_url)
    app.conf.update(
        task_default_queue=config.celery_queue,
        task_acks_late=True,  # a message is acknowledged after the run, so a lost worker's message is not lost
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # a worker holds only the run it is working on
        task_ignore_result=True,  # results live in the store
        broker_connection_retry_on_startup=True,
        # Every broker call is bounded: connecting, reading and writing time out after broker_timeout_s,
        # and a publish is retried once. A run whose publish fails stays queued in the store and the
        # server's dispatcher sends it again (certifier.service.background); no request waits on the broker.
        broker_connection_timeout=config.broker_timeout_s,
        broker_connection_max_retries=None,  # a worker reconnects for as long as the broker is away
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5},
        broker_transport_options=broker_transport_options(config),
        worker_hijack_root_logger=False,
    )
    _register_tasks(app, config)
    return app


def broker_transport_options(config: ServiceConfig) -> dict:
    """Timeouts of the broker's sockets, in each transport's own words."""
    options: dict = {"visibility_timeout": max(3600, config.lease_s * 4)}
    if config.broker_url.startswith(("redis://", "rediss://", "redis+socket://")):
        options.update(socket_timeout=config.broker_timeout_s, socket_connect_timeout=config.broker_timeout_s,
                       socket_keepalive=True)
    elif config.broker_url.startswith(("amqp://", "amqps://", "pyamqp://")):
        options.update(read_timeout=config.broker_timeout_s, write_timeout=config.broker_timeout_s)
    return options


def broker_answers(config: ServiceConfig) -> str:
    """Connect to the broker once (bounded by broker_timeout_s); its transport name, or raises."""
    from kombu import Connection

    with Connection(config.broker_url, connect_timeout=min(config.broker_timeout_s, config.health_timeout_s),
                    transport_options=broker_transport_options(config)) as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, interval_max=0)
        return str(connection.transport.driver_type)


def _register_tasks(app: Celery, config: ServiceConfig) -> None:
    databases: dict[int, Database] = {}
    lock = threading.Lock()

    def database() -> Database:
        # One engine per process: a prefork child must not reuse connections of its parent.
        with lock:
            if os.getpid() not in databases:
                databases[os.getpid()] = Database(config.database_url)
            return databases[os.getpid()]

    @app.task(name=RUN_TASK, bind=True, max_retries=STORE_RETRY_MAX, shared=False)  # this app's config only
    def run_task(task, run_id: str) -> str:
        from certifier.service.execute import execute
        from certifier.service.store import runs

        owner = f"celery@{socket.gethostname()}:{os.getpid()}:{runs.new_id()[:8]}"
        try:
            run = runs.claim(database(), run_id, owner, config.lease_s)
        except Exception as error:
            if not store_unreachable(error):
                raise
            # The store is away: the message must not be acknowledged as done. Retry it later (a new
            # message with the same task id); the run is still queued in the store, so nothing is lost.
            delay = min(10.0, 0.5 * 2 ** task.request.retries)
            (log.warning if task.request.retries == 0 else log.debug)(  # one line per message and outage
                "run %s: store unreachable (%s); retrying the task in %.1f s", run_id, type(error).__name__, delay)
            raise task.retry(countdown=delay, exc=error)
        if run is None:
            return "not queued (finished, or running elsewhere)"
        return "recorded" if execute(database(), config, run, owner) else "discarded (lease lost)"


class CeleryDispatcher:
    """The server side: publishes run ids; the workers do the rest."""

    def __init__(self, config: ServiceConfig) -> None:
        self._app = make_celery(config)
        self._queue, self._config = config.celery_queue, config

    def start(self) -> None:
        pass

    def dispatch(self, run_id: str) -> None:
        # The task id is the run id: every (re-)send of a run is the same task, and the worker's claim
        # in the store makes all but one of them do nothing.
        self._app.send_task(RUN_TASK, args=[run_id], queue=self._queue, task_id=run_id)

    def check(self) -> str:
        return broker_answers(self._config)

    def stop(self) -> None:
        self._app.close()
