"""build.compile: the app's `gcp-build` (else `build`) script succeeds, as the buildpack runs it."""

from __future__ import annotations

from collections.abc import Iterator

from certifier.collect.build.settings import CHECK_BUDGET_S
from certifier.checks.build._common import evidence, node_build, package_json_location, seconds
from certifier.checks.registry import Scope, SkipCheck, check
from certifier.core.app_types import APP_TYPES
from certifier.core.errors import NotApplicable
from certifier.collect.context import CheckContext
from certifier.core.model import Finding, Severity, Stage


@check(
    id="build.compile",
    version="1.0.0",
    stage=Stage.BUILD,
    title="The app builds",
    rationale="The Node buildpack runs `gcp-build` when it exists, else `build`, while building the image; a "
    "failing build script fails the deployment (Merchant Center apps and assets are built too).",
    remediation="Run the build script locally from a clean install (`npm ci && npm run build`) and fix the "
    "errors it reports.",
    severity=Severity.ERROR,
    scope=Scope.APP,
    app_types=APP_TYPES,
    budget_s=CHECK_BUDGET_S,
)
def compile_app(ctx: CheckContext) -> Iterator[Finding]:
    build = node_build(ctx)
    if not build.installed:
        raise SkipCheck("install failed: see build.install")
    if build.build_script is None:
        raise NotApplicable("package.json has no gcp-build or build script: nothing to build")
    result = build.build
    proof = evidence(build, "build", result)
    where = package_json_location(ctx, build.build_script)
    if result.timed_out:
        yield Finding(message=f"App {build.app}: `{proof['command']}` did not finish within its budget and was "
                      f"killed ({result.killed_reason})", severity=Severity.ERROR, location=where, rule="timeout",
                      key="timeout", properties=proof,
                      remediation="Make the build finish on its own (no watch mode, no prompts, no servers).")
    elif not result.ok:
        yield Finding(message=f"App {build.app}: `{proof['command']}` failed with exit code {result.exit_code}"
                      + (f" ({result.killed_reason})" if result.killed_reason else ""),
                      severity=Severity.ERROR, location=where, rule="build-failed", key="build-failed",
                      properties=proof)
    else:
        yield Finding(message=f"App {build.app}: `{proof['command']}` succeeded in {seconds(result)}",
                      severity=Severity.INFO, location=where, rule="built", key="built", properties=proof)
