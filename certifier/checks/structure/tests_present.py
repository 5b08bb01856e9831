"""struct.tests-present: the app has test files (tests/, __tests__/, *.spec.*, *.test.*, Java src/test)."""

from __future__ import annotations

from collections.abc import Iterator

from certifier.checks.registry import Scope, check

from certifier.core.app_types import HTTP_APP_TYPES, MC_APP_TYPES
from certifier.checks.structure._app import AppTree, app_tree
from certifier.connector.structure_rules import matches_any, rule
from certifier.collect.context import CheckContext
from certifier.core.file_kinds import file_kind
from certifier.core.model import FileKind, Finding, Location, Severity, Stage


@check(
    id="struct.tests-present",
    version="1.0.0",
    stage=Stage.STRUCTURE,
    title="App has test files",
    rationale="Certification requires unit tests and self-contained integration tests for every app; the "
    "official runner counts a missing test result as a pass, so their absence must be caught here.",
    remediation="Add tests next to the code: tests/ or __tests__/ with *.test.* / *.spec.* files (Node), or "
    "JUnit tests under src/test/java (Java).",
    severity=Severity.ERROR,
    scope=Scope.APP,
    app_types=HTTP_APP_TYPES | MC_APP_TYPES,
)
def tests_present(ctx: CheckContext) -> Iterator[Finding]:
    yield from missing_tests_findings(app_tree(ctx))


def files_of_tests(tree: AppTree) -> list[str]:
    """App-relative test files: source files that rules/file-kinds.yaml calls test code (a test folder or a
    test file name), except a test runner's own configuration, which runs no test."""
    extensions = {e.lower() for e in rule("tests", "source_extensions")}
    runner_config = rule("tests", "runner_config")
    found = []
    for rel in tree.relative():
        name = rel.rpartition("/")[2].lower()
        source = "." in name and name.rpartition(".")[2] in extensions
        if source and not matches_any(name, runner_config) and file_kind(rel) is FileKind.TEST:
            found.append(rel)
    return found


def missing_tests_findings(tree: AppTree) -> Iterator[Finding]:
    if files_of_tests(tree):
        return
    where = "src/test/" if tree.is_java else "tests/, test/ or __tests__/ (nor any *.test.* / *.spec.* file)"
    example = "src/test/java/.../*Test.java (JUnit)" if tree.is_java else "tests/*.test.js"
    yield Finding(
        message=f"App {tree.name} has no test files: nothing under {where} in {tree.folder}/",
        severity=Severity.ERROR,
        location=Location(path=tree.folder),
        rule="none",
        remediation=f"Add unit tests for {tree.name} as {tree.folder}/{example} and make the test script run them.",
    )
