"""struct.package-json: every Node app has a package.json that is a JSON object with a sane name/version."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from certifier.connector.package_json import PackageJson, line_of_key
from certifier.checks.registry import Scope, check
from certifier.core.app_types import APP_TYPES
from certifier.core.errors import NotApplicable
from certifier.checks.structure._app import AppTree, app_tree, package_json
from certifier.connector.structure_rules import rule
from certifier.collect.context import CheckContext
from certifier.core.model import Finding, Location, Severity, Stage


@check(
    id="struct.package-json",
    version="1.0.0",
    stage=Stage.STRUCTURE,
    title="App has a valid package.json",
    rationale="The Node buildpack, npm and every later check read the app's package.json; without a valid "
    "one the app cannot be installed, built, tested or started.",
    remediation="Add a package.json at the app folder's root holding a JSON object with `name`, `version` and "
    "`scripts` (start, build, test).",
    severity=Severity.ERROR,
    scope=Scope.APP,
    app_types=APP_TYPES,
)
def package_json_is_valid(ctx: CheckContext) -> Iterator[Finding]:
    tree = app_tree(ctx)
    if tree.is_java:
        raise NotApplicable(f"{tree.name} is a Java app (pom.xml, no package.json): see struct.java-app")
    if not tree.has("package.json"):
        yield _missing(tree)
        return
    yield from judge(tree, package_json(ctx, tree))


def _missing(tree: AppTree) -> Finding:
    return Finding(
        message=f"App {tree.name}: {tree.path('package.json')} is missing (a Node app needs it; a Java app "
        "needs pom.xml instead)",
        severity=Severity.ERROR,
        location=Location(path=tree.folder),
        rule="missing",
        remediation=f"Add {tree.path('package.json')} (`npm init -y`, then fill in scripts), or pom.xml for a "
        "Java app.",
    )


def judge(tree: AppTree, parsed: PackageJson) -> Iterator[Finding]:
    """Findings about one parsed package.json (pure: no file access)."""
    if parsed.data is None:
        yield Finding(
            message=f"App {tree.name}: {parsed.problem}",
            severity=Severity.ERROR,
            location=Location(path=parsed.path, line=parsed.line, column=parsed.column),
            rule="invalid",
            remediation="Make package.json a valid UTF-8 JSON object (check it with "
            "`node -e \"require('./package.json')\"`).",
        )
        return
    yield from _name(tree, parsed)
    yield from _version(tree, parsed)
    yield from _scripts(tree, parsed)


def _at(parsed: PackageJson, key: str) -> Location:
    return Location(path=parsed.path, line=line_of_key(parsed.text, key) or 1)


def _name(tree: AppTree, parsed: PackageJson) -> Iterator[Finding]:
    name: Any = parsed.data.get("name") if parsed.data else None
    pattern = re.compile(rule("package_json", "name_pattern"))
    if name is None:
        problem = "has no `name`"
    elif not isinstance(name, str) or len(name) > rule("package_json", "name_max_length") or not pattern.match(name):
        problem = (
            f"has an invalid `name` {str(name)[:80]!r} (npm names are lower case, URL-safe, at most 214 characters)"
        )
    else:
        return
    yield Finding(
        message=f"App {tree.name}: {parsed.path} {problem}",
        severity=Severity.WARNING,
        location=_at(parsed, "name") if name is not None else Location(path=parsed.path, line=1),
        rule="name",
        remediation=f'Set `"name": "{tree.name.lower()}"` in {parsed.path}.',
    )


def _version(tree: AppTree, parsed: PackageJson) -> Iterator[Finding]:
    version: Any = parsed.data.get("version") if parsed.data else None
    if version is None:
        return  # a private app needs no version; npm accepts its absence
    if isinstance(version, str) and re.match(rule("package_json", "version_pattern"), version):
        return
    yield Finding(
        message=f"App {tree.name}: {parsed.path} has an invalid `version` {str(version)[:80]!r} "
        "(npm needs semver x.y.z)",
        severity=Severity.WARNING,
        location=_at(parsed, "version"),
        rule="version",
        remediation='Use a semantic version string such as "1.0.0".',
    )


def _scripts(tree: AppTree, parsed: PackageJson) -> Iterator[Finding]:
    scripts: Any = parsed.data.get("scripts") if parsed.data else None
    if scripts is None:
        return  # the script checks report the scripts that are missing
    if not isinstance(scripts, dict):
        bad = "`scripts` must be an object of name -> command"
    elif any(not isinstance(v, str) for v in scripts.values()):
        names = sorted(k for k, v in scripts.items() if not isinstance(v, str))
        bad = f"scripts {', '.join(names[:10])} must be command strings"
    else:
        return
    yield Finding(
        message=f"App {tree.name}: {parsed.path}: {bad}",
        severity=Severity.ERROR,
        location=_at(parsed, "scripts"),
        rule="scripts",
        remediation='Write scripts as strings, e.g. "scripts": {"start": "node src/index.js"}.',
    )
