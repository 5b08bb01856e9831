"""One certification run: source -> inventory -> stages -> decision -> reports.

Every step is a plain function over plain data; this module only sequences them, times them, and
makes sure a report is written even when the run stops early.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from certifier import REPORT_SCHEMA_VERSION, __version__
from certifier.source import reuse as source_reuse
from certifier.engine.cache import ResultCache, result_cache_dir
from certifier.checks import registry
from certifier.checks.context import CheckContext, Inventory, RunOptions
from certifier.connector.inventory import take_inventory
from certifier.core.model import AppInfo, Artifact, Decision, Outcome, Provenance, Report, Stage, StageRun
from certifier.core.paths import rules_digest
from certifier.policy.decide import blocking_findings, decide
from certifier.collect.preview.remote import load_descriptor
from certifier.policy.profiles import Profile, load_profile
from certifier.report.canonical import seal
from certifier.report.write import write_all
from certifier.policy.run_abort import aborted_decision
from certifier.collect.session import RunSession
from certifier.engine.scheduler import ProgressHook, StagePlan, run_stages
from certifier.source.checkout import Checkout, SourceError, fetch, redact_source
from certifier.engine.tool_versions import tool_versions
from certifier.collect.advisories.store import advisory_db_label
from certifier.policy.waivers import load_waivers


@dataclass(frozen=True)
class RunRequest:
    source: str
    tag: str | None = None
    stage: str = "preview"
    profile: str | None = None  # a profile name in rules/profiles or a path; default: the stage's
    waivers: Path | None = None
    out_dir: Path | None = None
    stages: frozenset[Stage] | None = None  # None: every stage
    workspace: Path | None = None
    keep_workspace: bool = False
    today: date | None = None
    use_cache: bool = True  # reuse results of the same content, checks, rules and tools
    deployment: Path | None = None  # a remote Deployment descriptor: probe those URLs, deploy nothing


@dataclass
class RunOutcome:
    report: Report
    paths: dict[str, Path] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return self.report.decision.exit_code


def certify(request: RunRequest, progress: ProgressHook | None = None) -> RunOutcome:
    """Run the pipeline for one request and write its reports. Raises only for usage errors."""
    profile = load_profile(request.profile or request.stage)
    if request.deployment:
        load_descriptor(request.deployment)  # a bad descriptor is a usage error before anything runs
    clock = _Clock()
    workspace = Path(request.workspace or tempfile.mkdtemp(prefix="certifier-"))
    try:
        report, artifacts = _run(request, profile, workspace, clock, progress)
        paths = _write(report, artifacts, profile, request) if request.out_dir else {}
    finally:
        if not request.keep_workspace and request.workspace is None:
            shutil.rmtree(workspace, ignore_errors=True)
    return RunOutcome(report=report, paths=paths)


def _write(report: Report, artifacts: dict[str, Path], profile: Profile, request: RunRequest) -> dict[str, Path]:
    paths = write_all(report, request.out_dir, finding_status=finding_status(report, profile, request))
    for name, source in artifacts.items():
        target = request.out_dir / report.artifacts[name].file
        shutil.copyfile(source, target)
        paths[name] = target
    return paths


def finding_status(report: Report, profile: Profile, request: RunRequest | None = None) -> dict:
    """fingerprint -> blocking/waived/advisory under the profile that decided, for the renderers."""
    waivers = load_waivers(request.waivers, connector_root=None) if request and request.waivers else ()
    app_types = {app.name: app.type for app in report.apps}
    today = (request.today if request else None) or date.today()
    return blocking_findings(profile, report.results, waivers, today=today, app_types=app_types)


def _run(request: RunRequest, profile: Profile, workspace: Path, clock: "_Clock", progress
         ) -> tuple[Report, dict[str, Path]]:
    today = request.today or date.today()
    try:
        checkout = clock.time("fetch", lambda: fetch(request.source, request.tag, workspace,
                                                     reuse_checkouts=request.use_cache))
    except SourceError as error:
        decision = aborted_decision(profile, error)
        return _assemble(request, profile, clock, None, None, decision, aborted=str(error)), {}
    inventory = clock.time("inventory", lambda: take_inventory(checkout))
    waivers = _waivers(request, checkout)
    selected = set(request.stages or Stage)
    session = RunSession(workspace)
    options = RunOptions(stage=profile.stage, workspace=workspace, session=session, deployment=request.deployment,
                         extra={"licenses": profile.license_lists()},
                         artifact_cache=result_cache_dir() / "artifacts" if request.use_cache else None)
    ctx = CheckContext(inventory, options)
    catalogue = [spec for spec in registry.load_all().values() if spec.stage in selected]
    cache = ResultCache(result_cache_dir(), {"rules": rules_digest(), **run_tools()}) if request.use_cache else None
    try:
        plan = clock.time("checks", lambda: run_stages(catalogue, ctx, selected, progress=progress, cache=cache))
    finally:
        session.close()  # servers and emulators started by checks never outlive the run
    _keep_checkout(request, checkout, selected)
    if cache:
        clock.count("cache_hits", cache.hits)
    decision = decide(profile, plan.results, waivers, today=today, app_types=_app_types(inventory))
    artifacts = _kept_artifacts(session)
    report = _assemble(request, profile, clock, inventory, plan, decision,
                       artifacts={name: _describe(name, path) for name, path in artifacts.items()})
    return report, artifacts


# stages that run connector code in the checkout: after them it is no longer the commit's tree alone
_RUNS_CONNECTOR_CODE = frozenset({Stage.BUILD, Stage.PREVIEW})


def _keep_checkout(request: RunRequest, checkout: Checkout, selected: set[Stage]) -> None:
    """A checkout no connector code ran in, of a workspace about to be deleted, is kept for the next run of
    the same tag (source_reuse: it is used again only if git finds it unchanged)."""
    if (checkout.reuse_key and request.use_cache and request.workspace is None and not request.keep_workspace
            and selected.isdisjoint(_RUNS_CONNECTOR_CODE)):
        source_reuse.give(checkout.path, checkout.reuse_key)


def _kept_artifacts(session: RunSession) -> dict[str, Path]:
    """Artifacts that exist, named by plain file names: each becomes that file in --out."""
    return {name: path for name, path in session.artifacts().items()
            if Path(name).name == name and not name.startswith(".") and path.is_file()}


def _describe(name: str, path: Path) -> Artifact:
    media = "application/json" if path.suffix == ".json" else "text/plain" if path.suffix in (".log", ".txt") \
        else "application/octet-stream"
    return Artifact(file=name, sha256=hashlib.sha256(path.read_bytes()).hexdigest(), media_type=media)


def _waivers(request: RunRequest, checkout: Checkout) -> tuple:
    """Reviewer waivers; a file inside the connector (checkout or local source) is refused by load_waivers."""
    if not request.waivers:
        return ()
    roots = [checkout.path]
    if Path(request.source).exists():
        roots.append(Path(request.source))
    return load_waivers(request.waivers, connector_root=roots)


def _app_types(inventory: Inventory | None) -> dict[str, str]:
    if inventory is None or inventory.connector is None:
        return {}
    return {app.name: app.type for app in inventory.connector.apps}


def _assemble(
    request: RunRequest,
    profile: Profile,
    clock: "_Clock",
    inventory: Inventory | None,
    plan: StagePlan | None,
    decision: Decision,
    aborted: str | None = None,
    artifacts: dict[str, Artifact] | None = None,
) -> Report:
    checkout = inventory.checkout if inventory else None
    report = Report(
        schema_version=REPORT_SCHEMA_VERSION,
        certifier_version=__version__,
        rules_digest=rules_digest(),
        run_id=uuid.uuid4().hex,
        created_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        requested_stage=profile.stage,
        provenance=_provenance(request, checkout),
        apps=_apps(inventory),
        stages=_stage_runs(plan, request),
        results=tuple(plan.results) if plan else (),
        decision=decision,
        tools=run_tools(),
        timings=clock.totals(),
        aborted=aborted,
        artifacts=artifacts or {},
    )
    return seal(report)


def run_tools() -> dict[str, str]:
    """Programs and data sets a run depends on. The advisory database is read afresh (a sync may replace
    it while a service runs); program versions are remembered."""
    return {**tool_versions(), "advisory-db": advisory_db_label()}


def _stage_runs(plan: StagePlan | None, request: RunRequest) -> tuple[StageRun, ...]:
    """Every stage, in order: those that ran, and those left out of this run, as skipped with the reason."""
    ran = {run.stage: run for run in plan.stages} if plan else {}
    reason = "not run: the repository could not be fetched" if plan is None else "not run: not requested (--static-only)"
    return tuple(ran.get(stage) or StageRun(stage=stage, outcome=Outcome.SKIP, summary=reason) for stage in Stage)


def _provenance(request: RunRequest, checkout: Checkout | None) -> Provenance:
    if checkout is None:
        return Provenance(source=redact_source(request.source), tag=request.tag,
                          note="the repository could not be fetched")
    return Provenance(
        source=checkout.source,
        tag=checkout.tag,
        tag_kind=checkout.tag_kind,
        commit=checkout.commit,
        tree=checkout.tree,
        working_tree=checkout.working_tree,
        dirty=checkout.dirty,
        note=checkout.note,
    )


def _apps(inventory: Inventory | None) -> tuple[AppInfo, ...]:
    if inventory is None or inventory.connector is None:
        return ()
    return tuple(AppInfo(name=a.name, type=a.type, path=a.folder if a.path else None) for a in inventory.connector.apps)


class _Clock:
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
