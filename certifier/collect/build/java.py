"""Build and test a Java (Maven) app: `mvn -B test` under the process runner.

This machine reaches no Maven repository, so Maven runs offline (`-o`, CERTIFIER_MAVEN_OFFLINE=0 turns
that off) against a repository in the workspace. Plugins or dependencies missing there are
the environment's problem ("could not decide"), never the connector's.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from certifier.collect.build.model import AppBuild, InstallProblem
from certifier.collect.build.node import LogStep
from certifier.collect.build.settings import BuildSettings
from certifier.collect.build.test_counts import parse_counts
from certifier.sandbox.runner import Limits, ProcessResult, Workspace, run

UNRESOLVED = re.compile(
    r"Cannot access \S+ .*in offline mode|has not been downloaded from it before|could not be resolved|"
    r"Could not (?:transfer|resolve|find) artifact|Non-resolvable (?:parent|import) POM|"
    r"PluginResolutionException|DependencyResolutionException|UnknownHostException|Connection refused", re.I)
COMPILE_ERROR = re.compile(r"COMPILATION ERROR|Compilation failure", re.I)
TEST_FAILURE = re.compile(r"There are test failures|Tests run: \d+, Failures: [1-9]|Errors: [1-9]", re.I)


def maven_available() -> str | None:
    return shutil.which("mvn")


def build_java(app: str, workspace: Workspace, app_dir: Path, settings: BuildSettings, log_step: LogStep) -> AppBuild:
    if maven_available() is None:
        return AppBuild(app=app, kind="java", app_dir=app_dir, workspace=workspace, package_manager=None,
                        lockfile=None, notes=("Maven is not installed on this machine: the Java build was not run",))
    repository = workspace.cache / "m2"  # Maven runs connector code (tests, plugins): no shared repository
    offline = os.environ.get("CERTIFIER_MAVEN_OFFLINE", "1") != "0"
    argv = ["mvn", "-B", "-ntp", *(["-o"] if offline else []), f"-Dmaven.repo.local={repository}", "test"]
    budget = settings.budgets_s["install"] + settings.budgets_s["test"]
    result = run(argv, cwd=app_dir, workspace=workspace, limits=Limits(wall_s=budget, max_procs=1024))
    log = log_step("test", result)
    problem, reason = classify_maven(result)
    return AppBuild(app=app, kind="java", app_dir=app_dir, workspace=workspace, package_manager="maven",
                    lockfile=None, test=result, install_problem=problem, install_reason=reason, test_script=True,
                    tests=parse_counts(result.stdout + "\n" + result.stderr),
                    logs={"test": log} if log else {})


def classify_maven(result: ProcessResult) -> tuple[InstallProblem, str]:
    """Environment (unresolvable offline, budget) vs the connector's own failures (compile, tests)."""
    if result.ok:
        return InstallProblem.OK, ""
    text = result.stdout + "\n" + result.stderr
    if result.timed_out:  # hung in the tests (the connector's), or before them (resolving: the machine's)
        kind = InstallProblem.CONNECTOR if "T E S T S" in text else InstallProblem.ENVIRONMENT
        return kind, f"Maven did not finish within its budget ({result.killed_reason})"
    if COMPILE_ERROR.search(text):
        return InstallProblem.CONNECTOR, "the Java sources do not compile"
    if TEST_FAILURE.search(text):
        return InstallProblem.CONNECTOR, "tests failed"
    match = UNRESOLVED.search(text)
    if match:
        return InstallProblem.ENVIRONMENT, ("Maven could not resolve plugins or dependencies (no Maven repository "
                                            "is reachable from this machine)")
    return InstallProblem.CONNECTOR, f"Maven failed (exit code {result.exit_code})"
