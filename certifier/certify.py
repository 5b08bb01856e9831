"""One certification: the checks' run -> the decision -> a sealed report -> its renderings.

Each step is a plain function over plain data; this module only strings them together and makes sure a
report is written even when the run stops early (the repository could not be fetched).
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from certifier import REPORT_SCHEMA_VERSION, __version__
from certifier.collect.preview.remote import load_descriptor
from certifier.connector.inventory import Inventory
from certifier.core.model import AppInfo, Decision, Outcome, Provenance, Report, Stage, StageRun
from certifier.core.paths import rules_digest
from certifier.engine.run import (ChecksRequest, ChecksRun, RunClock, describe_artifact, fetch_checkout,
                                  run_checks, run_tools)
from certifier.engine.scheduler import ProgressHook
from certifier.policy.decide import blocking_findings, decide
from certifier.policy.profiles import Profile, load_profile
from certifier.policy.run_abort import aborted_decision
from certifier.policy.waivers import load_waivers
from certifier.report.canonical import seal
from certifier.report.write import write_all
from certifier.source.checkout import Checkout, SourceError
from certifier.source.fetch import redact_source


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
    clock = RunClock()
    workspace = Path(request.workspace or tempfile.mkdtemp(prefix="certifier-"))
    try:
        report, artifacts = _run(request, profile, workspace, clock, progress)
        paths = _write(report, artifacts, profile, request) if request.out_dir else {}
    finally:
        if not request.keep_workspace and request.workspace is None:
            shutil.rmtree(workspace, ignore_errors=True)
    return RunOutcome(report=report, paths=paths)


def _run(request: RunRequest, profile: Profile, workspace: Path, clock: RunClock, progress
         ) -> tuple[Report, dict[str, Path]]:
    checks = ChecksRequest(source=request.source, tag=request.tag, stage=profile.stage, workspace=workspace,
                           stages=request.stages, use_cache=request.use_cache, deployment=request.deployment,
                           keep_checkout=request.workspace is None and not request.keep_workspace,
                           extra={"licenses": profile.license_lists()})
    try:
        checkout = fetch_checkout(checks, clock)
    except SourceError as error:
        decision = aborted_decision(profile, error)
        return _assemble(request, profile, clock, None, decision, aborted=str(error)), {}
    waivers = _waivers(request, checkout)
    run = run_checks(checks, checkout, clock, progress)
    decision = decide(profile, run.plan.results, waivers, today=request.today or date.today(),
                      app_types=_app_types(run.inventory))
    return _assemble(request, profile, clock, run, decision), run.artifacts


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


def _assemble(request: RunRequest, profile: Profile, clock: RunClock, run: ChecksRun | None,
              decision: Decision, aborted: str | None = None) -> Report:
    inventory = run.inventory if run else None
    report = Report(
        schema_version=REPORT_SCHEMA_VERSION,
        certifier_version=__version__,
        rules_digest=rules_digest(),
        run_id=uuid.uuid4().hex,
        created_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        requested_stage=profile.stage,
        provenance=_provenance(request, inventory.checkout if inventory else None),
        apps=_apps(inventory),
        stages=_stage_runs(run),
        results=tuple(run.plan.results) if run else (),
        decision=decision,
        tools=run_tools(),
        timings=clock.totals(),
        aborted=aborted,
        artifacts={name: describe_artifact(name, path) for name, path in (run.artifacts if run else {}).items()},
    )
    return seal(report)


def _stage_runs(run: ChecksRun | None) -> tuple[StageRun, ...]:
    """Every stage, in order: those that ran, and those left out of this run, as skipped with the reason."""
    ran = {stage_run.stage: stage_run for stage_run in run.plan.stages} if run else {}
    reason = "not run: the repository could not be fetched" if run is None else "not run: not requested (--static-only)"
    return tuple(ran.get(stage) or StageRun(stage=stage, outcome=Outcome.SKIP, summary=reason) for stage in Stage)


def _provenance(request: RunRequest, checkout: Checkout | None) -> Provenance:
    if checkout is None:
        return Provenance(source=redact_source(request.source), tag=request.tag,
                          note="the repository could not be fetched")
    return Provenance(source=checkout.source, tag=checkout.tag, tag_kind=checkout.tag_kind, commit=checkout.commit,
                      tree=checkout.tree, working_tree=checkout.working_tree, dirty=checkout.dirty, note=checkout.note)


def _apps(inventory: Inventory | None) -> tuple[AppInfo, ...]:
    if inventory is None or inventory.connector is None:
        return ()
    return tuple(AppInfo(name=a.name, type=a.type, path=a.folder if a.path else None) for a in inventory.connector.apps)
