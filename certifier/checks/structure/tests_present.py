"""struct.tests-present: the app has test files (tests/, __tests__/, *.spec.*, *.test.*, Java src/test)."""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase

from certifier.checks.registry import Scope, check

from certifier.core.app_types import HTTP_APP_TYPES, MC_APP_TYPES
from certifier.checks.structure._app import AppTree, app_tree
from certifier.connector.structure_rules import rule
from certifier.collect.context import CheckContext
from certifier.core.model import Finding, Location, Severity, Stage


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
    yield from decide(app_tree(ctx))


def test_files(tree: AppTree) -> list[str]:
    """App-relative test files: source files inside a test folder, or files named like tests."""
    dirs = {d.lower() for d in rule("tests", "dirs")}
    globs = [g.lower() for g in rule("tests", "file_globs")]
    extensions = {e.lower() for e in rule("tests", "source_extensions")}
    ignored = set(rule("tests", "ignored_dirs"))
    java_dir = rule("tests", "java_dir").strip("/") + "/"
    found = []
    for rel in tree.relative():
        parts = rel.split("/")
        if ignored.intersection(parts[:-1]):
            continue
        name = parts[-1].lower()
        source = "." in name and name.rsplit(".", 1)[1] in extensions
        in_test_dir = any(p.lower() in dirs for p in parts[:-1]) or rel.startswith(java_dir)
        if (in_test_dir and source) or (source and any(fnmatchcase(name, g) for g in globs)):
            found.append(rel)
    return found


def decide(tree: AppTree) -> Iterator[Finding]:
    if test_files(tree):
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
