"""build.java: a Java app compiles and its tests pass with Maven (`mvn -B test`), where Maven is available."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from certifier.collect.build import InstallProblem, build_app
from certifier.collect.build.classify import error_lines
from certifier.collect.build.prepare import source_folder
from certifier.collect.build.settings import CHECK_BUDGET_S
from certifier.checks.build._common import evidence, seconds
from certifier.checks.registry import CheckCannotRun, Scope, check
from certifier.core.app_types import APP_TYPES
from certifier.core.errors import NotApplicable
from certifier.collect.context import CheckContext
from certifier.core.model import Finding, Location, Severity, Stage


@check(
    id="build.java",
    version="1.0.0",
    stage=Stage.BUILD,
    title="The Java app builds and its tests pass (Maven)",
    rationale="Connect builds Java apps with Maven and runs `mvn test` during the build; a compile error or a "
    "failing test fails the deployment. Plugins or dependencies this machine cannot download make the result "
    "`error` (could not decide), not a failure.",
    remediation="Run `mvn -B test` from a clean clone and fix the compile errors or failing tests it reports.",
    severity=Severity.ERROR,
    scope=Scope.APP,
    app_types=APP_TYPES,
    budget_s=CHECK_BUDGET_S,
)
def java_build(ctx: CheckContext) -> Iterator[Finding]:
    build = build_app(ctx)
    if build.kind != "java":
        raise NotApplicable(f"{build.app} is not a Java app")
    if build.test is None:
        raise NotApplicable("; ".join(build.notes) or "Maven is not available")
    result = build.test
    if build.install_problem is InstallProblem.ENVIRONMENT:
        details = error_lines(result.stdout + "\n" + result.stderr, limit=4)
        raise CheckCannotRun(f"could not decide: {build.install_reason}" + (f"\n{details[:1500]}" if details else ""))
    where = Location(path=posixpath.join(source_folder(ctx), "pom.xml"))
    proof = evidence(build, "test", result)
    if build.install_problem is InstallProblem.CONNECTOR:
        yield Finding(message=f"App {build.app}: `mvn test` failed: {build.install_reason}", severity=Severity.ERROR,
                      location=where, rule="compile-error" if "compile" in build.install_reason else "tests-failed",
                      key=build.install_reason, properties=proof)
        return
    yield Finding(message=f"App {build.app}: `mvn test` passed in {seconds(result)}", severity=Severity.INFO,
                  location=where, rule="tests-passed", key="tests-passed", properties=proof)
