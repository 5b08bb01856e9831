"""probe.preundeploy-cleanup: preUndeploy removes the extensions and subscriptions postDeploy created."""

from __future__ import annotations

from certifier.checks.preview.common import PROBE_BUDGET_S
from certifier.checks.preview.lifecycle_common import failed_runs, scripted_preview
from certifier.checks.registry import Evidence, Scope, check
from certifier.core.model import Finding, Severity, Stage
from certifier.collect.preview.lifecycle import tracked


@check(
    id="probe.preundeploy-cleanup",
    version="1.0.0",
    stage=Stage.PREVIEW,
    title="preUndeploy removes what postDeploy registered",
    rationale="After an undeploy the app's URL and topic are gone, but an API Extension left behind makes every "
    "triggering API call fail and a Subscription left behind keeps delivering into nothing.",
    remediation="Add a preUndeploy script that deletes, by key, every extension and subscription postDeploy "
    "created (an already missing one is fine).",
    severity=Severity.ERROR,
    scope=Scope.APP,
    budget_s=PROBE_BUDGET_S,
)
def preundeploy_cleanup(ctx):
    preview = scripted_preview(ctx, "preUndeploy")
    registered = tracked(preview.created + preview.duplicates)
    yield Evidence({"registered_by_postdeploy": [r.evidence() for r in registered],
                    "left_after_preundeploy": [r.evidence() for r in preview.leftover],
                    "run": preview.preundeploy.evidence() if preview.preundeploy else None})
    if preview.preundeploy:
        yield from failed_runs(ctx, [preview.preundeploy])
    elif registered:
        manifest_path = f"{ctx.app.manifest_path}.scripts"
        yield Finding(message="postDeploy registers " + ", ".join(r.label() for r in registered) + " but the app "
                      "has no preUndeploy script to remove them", severity=Severity.ERROR,
                      rule="missing-preundeploy", location=ctx.connector.locate(manifest_path),
                      manifest_path=manifest_path)
        return
    for resource in preview.leftover:
        manifest_path = f"{ctx.app.manifest_path}.scripts.preUndeploy"
        yield Finding(message=f"{resource.label()} created by postDeploy is still registered after preUndeploy",
                      severity=Severity.ERROR, rule="leftover", location=ctx.connector.locate(manifest_path),
                      manifest_path=manifest_path, key=f"leftover:{resource.kind}:{resource.key}",
                      properties={"resource": resource.evidence()})
