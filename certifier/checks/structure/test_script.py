"""struct.test-script: the app has a `test` script that runs tests (not `echo`, `exit 0`, `true`)."""

from __future__ import annotations

from collections.abc import Iterator

from certifier.connector.package_json import PackageJson
from certifier.checks.registry import Scope, check
from certifier.core.app_types import HTTP_APP_TYPES, MC_APP_TYPES
from certifier.checks.structure._app import AppTree, app_tree, node_package, script_location
from certifier.connector.structure_rules import rule
from certifier.checks.structure._scripts import read_script
from certifier.checks.structure._shell import first_word
from certifier.collect.context import CheckContext
from certifier.core.model import Finding, Severity, Stage


@check(
    id="struct.test-script",
    version="1.0.0",
    stage=Stage.STRUCTURE,
    title="App has a real test script",
    rationale="The official pipeline runs `npm test` inside the build. A missing script proves nothing; a "
    "no-op script (`echo ...`, `exit 0`, `true`, npm's placeholder) passes the gate without running a "
    "single test, which certification rejects.",
    remediation='Make "test" run the test runner over the app\'s tests, e.g. "test": "jest" or '
    '"test": "node --test tests/".',
    severity=Severity.ERROR,
    scope=Scope.APP,
    app_types=HTTP_APP_TYPES | MC_APP_TYPES,
)
def test_script(ctx: CheckContext) -> Iterator[Finding]:
    tree = app_tree(ctx)
    yield from script_of_tests_findings(tree, node_package(ctx, tree))


def script_of_tests_findings(tree: AppTree, parsed: PackageJson) -> Iterator[Finding]:
    scripts = parsed.scripts
    name = rule("scripts", "test")
    script = scripts.get(name)
    if script is None:
        yield Finding(
            message=f"App {tree.name}: {parsed.path} has no `test` script, so the pipeline runs no tests",
            severity=Severity.WARNING,
            location=script_location(parsed, name),
            rule="missing",
            remediation=f'Add a "test" script to {parsed.path} that runs the app\'s unit tests.',
        )
        return
    why = noop_reason(script, scripts)
    if why:
        yield Finding(
            message=f"App {tree.name}: the `test` script {script[:120]!r} in {parsed.path} {why}",
            severity=Severity.ERROR,
            location=script_location(parsed, name),
            rule="no-op",
            remediation=f'Replace the "test" script in {parsed.path} with the command that runs the app\'s '
            "tests (jest, mocha, vitest, node --test); certification requires real, passing tests.",
        )


def noop_reason(script: str, scripts: dict[str, str], depth: int | None = None) -> str | None:
    """Why `script` runs no tests, or None when it may run some. Follows `npm run x` through `scripts`."""
    if not script.strip():
        return "is empty"
    limit = int(rule("limits", "script_depth")) if depth is None else depth
    if not _noop(script, scripts, limit, frozenset(), {}):
        return None
    if rule("npm_default_test_marker") in script.lower():
        return "is npm's placeholder (`no test specified`), not a test"
    return "runs no tests (only no-op commands such as echo, exit or true)"


def _noop(script: str, scripts: dict[str, str], depth: int, seen: frozenset[str], memo: dict[str, bool]) -> bool:
    """True when every command is a no-op word or a call of a no-op script. `memo` keeps scripts that call
    the same script many times linear; a cycle or the depth limit counts as "may run tests"."""
    noop_words = set(rule("noop_test_commands"))
    for command in read_script(script):
        if first_word(list(command.words)) in noop_words:
            continue
        call = command.call
        if call is None or depth <= 0 or call.name in seen or call.name not in scripts:
            return False
        if call.name not in memo:
            memo[call.name] = _noop(scripts[call.name], scripts, depth - 1, seen | {call.name}, memo)
        if not memo[call.name]:
            return False
    return True
