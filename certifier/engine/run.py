"""The run of the checks: fetch -> inventory -> stages, timed, with the run's shared work cleaned up.

Sequencing only: nothing here judges a result. `certifier.certify` decides and writes the reports.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from certifier.checks import registry
from certifier.collect.advisories.store import advisory_db_label
from certifier.collect.context import CheckContext, RunOptions
from certifier.collect.session import RunSession
from certifier.connector.inventory import Inventory, take_inventory
from certifier.core.report import Artifact
from certifier.core.model import Stage
from certifier.core.paths import rules_digest
from certifier.engine.cache import ResultCache, result_cache_dir
from certifier.engine.scheduler import ProgressHook, StagePlan, run_stages
from certifier.engine.tool_versions import tool_versions
from certifier.source import reuse as source_reuse
from certifier.source.checkout import Checkout
from certifier.source.fetch import fetch


@dataclass(frozen=True)
class ChecksRequest:
    """What the checks of one run need: where the connector is, which stages, and run options."""

    source: str
    tag: str | None
    stage: str
    workspace: Path
    stages: frozenset[Stage] | None = None  # None: every stage
    use_cache: bool = True
    keep_checkout: bool = True  # the workspace is deleted after the run: a clean checkout may be kept
    deployment: Path | None = None


@dataclass
class ChecksRun:
    inventory: Inventory
    plan: StagePlan
    artifacts: dict[str, Path]


def run_checks(request: ChecksRequest, checkout: Checkout, clock: "RunClock",
               progress: ProgressHook | None = None) -> ChecksRun:
    """Take the inventory and run the selected stages on a fetched checkout."""
    inventory = clock.time("inventory", lambda: take_inventory(checkout))
    selected = set(request.stages or Stage)
    session = RunSession(request.workspace)
    options = RunOptions(stage=request.stage, workspace=request.workspace, session=session,
                         deployment=request.deployment,
                         artifact_cache=result_cache_dir() / "artifacts" if request.use_cache else None)
    catalogue = [spec for spec in registry.load_all().values() if spec.stage in selected]
    cache = ResultCache(result_cache_dir(), {"rules": rules_digest(), **run_tools()}) if request.use_cache else None
    try:
        plan = clock.time("checks", lambda: run_stages(catalogue, CheckContext(inventory, options), selected,
                                                       progress=progress, cache=cache))
    finally:
        session.close()  # servers and emulators started by checks never outlive the run
    _keep_checkout(request, checkout, selected)
    if cache:
        clock.count("cache_hits", cache.hits)
    return ChecksRun(inventory=inventory, plan=plan, artifacts=_kept_artifacts(session))


def fetch_checkout(request: ChecksRequest, clock: "RunClock") -> Checkout:
    """The connector at the tag (or the working tree); raises SourceError."""
    return clock.time("fetch", lambda: fetch(request.source, request.tag, request.workspace,
                                             reuse_checkouts=request.use_cache))


def run_tools() -> dict[str, str]:
    """Programs and data sets a run depends on. The advisory database is read afresh (a sync may replace
    it while a service runs); program versions are remembered."""
    return {**tool_versions(), "advisory-db": advisory_db_label()}


def _keep_checkout(request: ChecksRequest, checkout: Checkout, selected: set[Stage]) -> None:
    """A checkout no connector code ran in, of a workspace about to be deleted, is kept for the next run of
    the same tag (source.reuse: it is used again only if git finds it unchanged)."""
    runs_code = any(stage.runs_connector_code for stage in selected)
    if checkout.reuse_key and request.use_cache and request.keep_checkout and not runs_code:
        source_reuse.give(checkout.path, checkout.reuse_key)


def _kept_artifacts(session: RunSession) -> dict[str, Path]:
    """Artifacts that exist, named by plain file names: each becomes that file in --out."""
    return {name: path for name, path in session.artifacts().items()
            if Path(name).name == name and not name.startswith(".") and path.is_file()}


def describe_artifact(name: str, path: Path) -> Artifact:
    media = "application/json" if path.suffix == ".json" else "text/plain" if path.suffix in (".log", ".txt") \
        else "application/octet-stream"
    return Artifact(file=name, sha256=hashlib.sha256(path.read_bytes()).hexdigest(), media_type=media)


class RunClock:
    """Wall time of each step, for the report's `timings`."""

    def __init__(self) -> None:
        self._start = time.monotonic()
        self._spans: dict[str, float] = {}

    def time(self, name: str, step):
        started = time.monotonic()
        try:
            return step()
        finally:
            self._spans[f"{name}_s"] = round(time.monotonic() - started, 4)

    def count(self, name: str, value: int) -> None:
        self._spans[name] = float(value)

    def totals(self) -> dict[str, float]:
        return {**self._spans, "total_s": round(time.monotonic() - self._start, 4)}
