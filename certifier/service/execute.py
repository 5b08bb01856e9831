"""The run function: what a worker (embedded thread or Celery task) does with a claimed run.

certify() in a private directory, read the sealed report and its renderings, and record them with
the callback in one transaction, only if this worker still holds the run's lease.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import logging
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable

from certifier.core.model import Stage
from certifier.certify import RunOutcome, RunRequest
from certifier.service import callbacks, containment
from certifier.service.config import ServiceConfig
from certifier.service.dispatch.lease import Heartbeat
from certifier.service.store import runs
from certifier.service.store.db import Database, store_unreachable
from certifier.service.store.models import RunRow

log = logging.getLogger("certifier.service")
_RUNNER_ACCEPTS_DEPLOYMENT = "deployment" in {f.name for f in dataclasses.fields(RunRequest)}
_RUNNER_ACCEPTS_BASELINE = "baseline" in {f.name for f in dataclasses.fields(RunRequest)}


def load_runner(ref: str) -> Callable[[RunRequest], RunOutcome]:
    module_name, _, function = ref.partition(":")
    return getattr(importlib.import_module(module_name), function or "certify")


def execute(db: Database, config: ServiceConfig, run: RunRow, owner: str) -> bool:
    """Run a claimed run to completion. True when this worker recorded the result."""
    if run.deployment_json and not _RUNNER_ACCEPTS_DEPLOYMENT:
        _quietly(lambda: runs.note(db, run.id, "note", "the Deployment descriptor is not used: this certifier "
                                   "version has no remote preview", owner))
    work = Path(tempfile.mkdtemp(prefix=f"certifier-run-{run.id[:8]}-"))
    try:
        with Heartbeat(db, run.id, owner, config.lease_s, config.heartbeat_s) as heartbeat:
            completion = _certify(config, run, work, db)
            # The heartbeat keeps going while the result waits for a store that is away.
            recorded = _record(db, config, run, owner, completion, heartbeat)
        if not recorded:
            log.warning("run %s: lease lost while running; result discarded", run.id)
            _quietly(lambda: runs.note(db, run.id, "result-discarded", "this worker no longer held the run's lease",
                                       owner))
        return recorded
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _record(db: Database, config: ServiceConfig, run: RunRow, owner: str, completion: runs.Completion,
            heartbeat: Heartbeat) -> bool:
    """runs.finish, retried with backoff while the store cannot be reached (up to record_retry_s), so
    that a finished run is not redone because the store blinked. The callback (and its delivery id)
    is made once, whatever the number of tries."""
    outbound = callbacks.completion_outbound(run, completion)
    deadline, delay = time.monotonic() + config.record_retry_s, 0.25
    while True:
        try:
            return runs.finish(db, run.id, owner, completion, outbound)
        except Exception as error:
            if not store_unreachable(error) or heartbeat.lost.is_set() or time.monotonic() > deadline:
                raise
            if delay == 0.25:  # once per outage and run
                log.warning("run %s: store unreachable; the result is kept and recorded when it returns", run.id)
            time.sleep(delay)
            delay = min(delay * 2, 2.0)  # the result is recorded within 2 s of the store's return


def _quietly(step) -> None:
    try:
        step()
    except Exception as error:  # only a note in the history; the store may be away
        log.warning("could not record a note: %s", error)


def _certify(config: ServiceConfig, run: RunRow, work: Path, db: Database | None = None) -> runs.Completion:
    refused = containment.refusal(config)
    if refused:  # also a worker started with `celery -A`, which no startup check saw
        return runs.Completion(status="error", error=refused)
    try:
        request = _request(config, run, work)
        if _RUNNER_ACCEPTS_BASELINE and db is not None:
            request = dataclasses.replace(request, baseline=_baseline(db, run, work))
        outcome = load_runner(config.runner)(request)
        return _completion(outcome)
    except Exception as error:  # a bug or a broken configuration: the run ends in `error`, said plainly
        log.exception("run %s crashed", run.id)
        return runs.Completion(status="error", error=f"{type(error).__name__}: {str(error)[:2000]}")


def _baseline(db: Database, run: RunRow, work: Path) -> Path | None:
    """The newest certified report of the same connector as a file for the run's delta (it informs, never
    gates); a stored report that no longer verifies is left out with a note, never a failed run."""
    from certifier.core.errors import ConfigError
    from certifier.report.delta import load_baseline
    from certifier.service.store.queries import newest_certified_report

    try:
        row = newest_certified_report(db, run.connector_key, before_run=run.id)
    except Exception as error:  # the store blinked: this run goes on without a delta
        log.warning("run %s: no baseline report (%s)", run.id, error)
        return None
    if row is None:
        return None
    path = work / "baseline.json"
    path.write_text(row.report_json, encoding="utf-8")
    try:
        load_baseline(path)
    except ConfigError as error:
        why = f"no delta: the baseline report of run {row.run_id} is not usable ({str(error)[:300]})"
        _quietly(lambda: runs.note(db, run.id, "note", why))
        return None
    return path


def _request(config: ServiceConfig, run: RunRow, work: Path) -> RunRequest:
    extra = {}
    if run.deployment_json and _RUNNER_ACCEPTS_DEPLOYMENT:
        descriptor = work / "deployment.json"
        descriptor.write_text(run.deployment_json)
        extra["deployment"] = descriptor
    return RunRequest(source=run.repository_url, tag=run.tag, stage=run.stage, profile=run.profile,
                      out_dir=work / "out", stages=Stage.static() if config.static_only else None,
                      workspace=None, **extra)


def _completion(outcome: RunOutcome) -> runs.Completion:
    decision = outcome.report.decision
    files = report_files(outcome.paths, decision.verdict.value, outcome.report.digest)
    return runs.Completion(status="done", verdict=decision.verdict.value, decision_kind=decision.kind.value,
                           exit_code=decision.exit_code, summary=decision.summary[:4000], report=files)


def report_files(paths: dict[str, Path], verdict: str, digest: str) -> runs.ReportFiles:
    def text(kind: str) -> str:
        return paths[kind].read_text(encoding="utf-8") if kind in paths else ""

    connect = text("connect") or json.dumps({"entries": []})
    return runs.ReportFiles(digest=digest, verdict=verdict, report_json=text("json"), html=text("html"),
                            markdown=text("markdown"), connect_json=connect, sarif=text("sarif") or None)
