"""One certification: the checks' run -> the decision -> a sealed report -> its renderings.

Each step is a plain function over plain data; this module only strings them together and makes sure a
report is written even when the run stops early (the repository could not be fetched). The sealed report
holds everything its renderings show (the verdict of every finding, the catalogue entry of every check),
so rendering a stored report gives the same files as the run did.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Sequence

from certifier import REPORT_SCHEMA_VERSION, __version__
from certifier.collect.preview.remote import load_descriptor
from certifier.connector.inventory import Inventory
from certifier.checks.registry import load_all
from certifier.core.report import AppInfo, CheckInfo, Provenance, Report, StageRun
from certifier.core.model import CheckResult, Outcome, Stage
from certifier.core.decision import Decision
from certifier.core.paths import rules_digest
from certifier.engine.run import (ChecksRequest, ChecksRun, RunClock, describe_artifact, fetch_checkout,
                                  run_checks, run_tools)
from certifier.engine.scheduler import ProgressHook
from certifier.policy.decide import decide
from certifier.policy.profiles import Profile, load_profile
from certifier.policy.run_abort import aborted_decision
from certifier.policy.waivers import Waiver, load_waivers
from certifier.sandbox.isolation import isolation
from certifier.report.canonical import seal
from certifier.report.delta import compute_delta, load_baseline
from certifier.report.write import write_all
from certifier.sandbox.quota import release_under
from certifier.sandbox.runs import begin_run, end_run
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
    baseline: Path | None = None  # an earlier sealed report.json: the report says what changed since (delta)


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
    baseline = load_baseline(request.baseline) if request.baseline else None  # likewise a bad baseline
    clock = RunClock()
    workspace = Path(request.workspace or tempfile.mkdtemp(prefix="certifier-"))
    deleted = not request.keep_workspace and request.workspace is None
    sandbox = begin_run(workspace)  # one set of limits (cgroup, disk) for all the run's workspaces
    try:
        report, artifacts = _run(request, profile, workspace, clock, progress, baseline)
        paths = _write(report, artifacts, request) if request.out_dir else {}
    finally:
        end_run(sandbox, keep_files=not deleted)
        if deleted:
            release_under(workspace)  # the workspaces' own filesystems (disk quotas), before deletion
            shutil.rmtree(workspace, ignore_errors=True)
    return RunOutcome(report=report, paths=paths)


def _run(request: RunRequest, profile: Profile, workspace: Path, clock: RunClock, progress,
         baseline: Report | None) -> tuple[Report, dict[str, Path]]:
    checks = ChecksRequest(source=request.source, tag=request.tag, stage=profile.stage, workspace=workspace,
                           stages=request.stages, use_cache=request.use_cache, deployment=request.deployment,
                           keep_checkout=request.workspace is None and not request.keep_workspace)
    try:
        checkout = fetch_checkout(checks, clock)
    except SourceError as error:
        decision = aborted_decision(profile, error)
        return _assemble(request, profile, clock, None, decision, baseline, aborted=str(error)), {}
    waivers = _waivers(request, checkout)
    run = run_checks(checks, checkout, clock, progress)
    decision = decide(profile, run.plan.results, waivers, today=request.today or date.today(),
                      app_types=_app_types(run.inventory))
    return _assemble(request, profile, clock, run, decision, baseline), run.artifacts


def _write(report: Report, artifacts: dict[str, Path], request: RunRequest) -> dict[str, Path]:
    paths = write_all(report, request.out_dir)
    for name, source in artifacts.items():
        target = request.out_dir / report.artifacts[name].file
        shutil.copyfile(source, target)
        paths[name] = target
    return paths


def redecide(report: Report, profile: Profile, waivers: Sequence[Waiver] = (), *, today: date) -> Report:
    """`report` decided again under `profile` (and `waivers`): a new Decision with its verdicts, re-sealed."""
    app_types = {app.name: app.type for app in report.apps}
    decision = decide(profile, report.results, waivers, today=today, app_types=app_types)
    return seal(report.model_copy(update={"decision": decision, "requested_stage": profile.stage, "digest": ""}))


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
              decision: Decision, baseline: Report | None, aborted: str | None = None) -> Report:
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
        checks=_catalogue(run.plan.results if run else ()),
    )
    if baseline is not None:  # informs only: the decision is already made and never reads it
        report = report.model_copy(update={"delta": compute_delta(report, baseline)})
    return seal(report)  # once, delta included


def _catalogue(results: Sequence[CheckResult]) -> dict[str, CheckInfo]:
    """What the renderings say about each check of the results (title, rationale, remediation, link)."""
    specs = load_all()
    return {spec.id: CheckInfo(title=spec.title, version=spec.version, severity=spec.severity,
                               rationale=spec.rationale, remediation=spec.remediation, link=spec.link)
            for spec in (specs.get(check_id) for check_id in sorted({r.check_id for r in results})) if spec}


def _stage_runs(run: ChecksRun | None) -> tuple[StageRun, ...]:
    """Every stage, in order: those that ran, and those left out of this run, as skipped with the reason."""
    ran = {stage_run.stage: stage_run for stage_run in run.plan.stages} if run else {}
    reason = "not run: the repository could not be fetched" if run is None else "not run: not requested (--static-only)"
    return tuple(ran.get(stage) or StageRun(stage=stage, outcome=Outcome.SKIP, summary=reason) for stage in Stage)


def _provenance(request: RunRequest, checkout: Checkout | None) -> Provenance:
    if checkout is None:
        return Provenance(source=redact_source(request.source), tag=request.tag,
                          note="the repository could not be fetched")
    ran_code = any(stage.runs_connector_code for stage in (request.stages or Stage))
    return Provenance(source=checkout.source, tag=checkout.tag, tag_kind=checkout.tag_kind, commit=checkout.commit,
                      tree=checkout.tree, working_tree=checkout.working_tree, dirty=checkout.dirty, note=checkout.note,
                      isolation=isolation() if ran_code else None)


def _apps(inventory: Inventory | None) -> tuple[AppInfo, ...]:
    if inventory is None or inventory.connector is None:
        return ()
    return tuple(AppInfo(name=a.name, type=a.type, path=a.folder if a.path else None) for a in inventory.connector.apps)
