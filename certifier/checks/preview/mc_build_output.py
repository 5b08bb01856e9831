"""probe.mc-build-output: Merchant Center apps and assets have build output, and the custom application
config agrees with connect.yaml."""

from __future__ import annotations

from certifier.checks.registry import Evidence, Scope, SkipCheck, check

from certifier.core.app_types import MC_APP_TYPES
from certifier.core.model import Finding, Severity, Stage
from certifier.collect.preview.builds import build_of
from certifier.collect.preview.mc import decide, read_facts


@check(
    id="probe.mc-build-output",
    version="1.0.0",
    stage=Stage.PREVIEW,
    title="Merchant Center app or assets build output",
    rationale="Connect serves what the build of a Merchant Center custom application/view or an assets app "
    "emits. No output means nothing to serve; an entry point path or cloud identifier in the custom "
    "application config that differs from the deployment's configuration breaks the app in the Merchant Center.",
    remediation="Make `npm run build` emit the bundle (public/ or dist/), and use ${env:ENTRY_POINT_URI_PATH} "
    "and ${env:CLOUD_IDENTIFIER} in custom-application-config so the values given at deployment apply.",
    severity=Severity.ERROR,
    scope=Scope.APP,
    app_types=MC_APP_TYPES | {"assets"},
    budget_s=600.0,
)
def mc_build_output(ctx):
    build = build_of(ctx, ctx.app)
    if not build.ok:
        raise SkipCheck(f"build failed: see build.* ({build.reason})")
    facts = read_facts(build.app_dir)
    yield Evidence({"output_dir": facts.output_dir, "config_file": facts.config_file,
                    "config_values": facts.config_values})
    declared = {entry.key: entry.default for entry in (*ctx.connector.global_config, *ctx.app.config)}
    for problem in decide(facts, ctx.app.type, declared):
        yield Finding(message=problem.message, severity=problem.severity, rule=problem.rule,
                      location=ctx.connector.locate(ctx.app.manifest_path), manifest_path=ctx.app.manifest_path)
