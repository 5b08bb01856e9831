"""probe.postdeploy-idempotent: running postDeploy twice leaves one set of registrations."""

from __future__ import annotations

from certifier.checks.preview.common import PROBE_BUDGET_S
from certifier.checks.preview.lifecycle_common import failed_runs, scripted_preview
from certifier.checks.registry import Evidence, Scope, check
from certifier.core.model import Finding, Severity, Stage
from certifier.collect.preview.lifecycle import TRACKED


@check(
    id="probe.postdeploy-idempotent",
    version="1.0.0",
    stage=Stage.PREVIEW,
    title="postDeploy is idempotent",
    rationale="Connect runs postDeploy on every deployment and redeployment. A script that creates instead of "
    "get-then-create-or-update registers a second API Extension or Subscription each time: calls and "
    "deliveries are then doubled, and a project holds at most 25 extensions.",
    remediation="Look the resource up by key first; create it only when missing, otherwise update it (send "
    "no update when nothing changed). Give every extension and subscription a stable key.",
    severity=Severity.ERROR,
    scope=Scope.APP,
    budget_s=PROBE_BUDGET_S,
)
def postdeploy_idempotent(ctx):
    preview = scripted_preview(ctx, "postDeploy")
    yield Evidence({"runs": [run.evidence() for run in preview.postdeploy],
                    "created_by_first_run": [r.evidence() for r in preview.created],
                    "created_by_second_run": [r.evidence() for r in preview.duplicates]})
    yield from failed_runs(ctx, preview.postdeploy)
    manifest_path = f"{ctx.app.manifest_path}.scripts.postDeploy"
    for resource in preview.duplicates:
        registration = resource.kind in TRACKED
        yield Finding(message=f"the second postDeploy created another {resource.label()} instead of reusing the "
                      "first one", severity=Severity.ERROR if registration else Severity.WARNING,
                      rule="duplicate" if registration else "duplicate-data",
                      location=ctx.connector.locate(manifest_path), manifest_path=manifest_path,
                      key=f"duplicate:{resource.kind}:{resource.key}", properties={"resource": resource.evidence()})
