"""struct.lockfile: exactly one usable lockfile governs each Node app's install, and it parses."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from certifier.connector.files import TextFile, read_file
from certifier.checks.registry import Scope, check
from certifier.core.app_types import APP_TYPES
from certifier.core.errors import NotApplicable
from certifier.checks.structure._app import AppTree, app_tree, package_json
from certifier.checks.structure._lockfiles import Lockfiles, lockfiles
from certifier.connector.structure_rules import bounded_list, rule
from certifier.connector.layout import local_dependencies
from certifier.collect.context import CheckContext
from certifier.core.model import Finding, Location, Severity, Stage


@check(
    id="struct.lockfile",
    version="1.0.0",
    stage=Stage.STRUCTURE,
    title="App has exactly one valid lockfile",
    rationale="The buildpack installs from the lockfile. None means a different dependency tree on every "
    "build; both package-lock.json and yarn.lock leave the buildpack to pick one; a corrupt lockfile fails "
    "the install; pnpm is not supported for common modules.",
    remediation="Commit exactly one lockfile per app (package-lock.json from `npm install`, or yarn.lock from "
    "Yarn Classic), or one at the root of an npm/Yarn workspace.",
    severity=Severity.WARNING,
    scope=Scope.APP,
    app_types=APP_TYPES,
)
def lockfile(ctx: CheckContext) -> Iterator[Finding]:
    tree = app_tree(ctx)
    if tree.is_java:
        raise NotApplicable(f"{tree.name} is a Java app (Maven resolves from pom.xml)")
    if not tree.has("package.json"):
        raise NotApplicable(f"{tree.name} has no package.json (reported by struct.package-json)")
    found = lockfiles(ctx.checkout, tree)
    modules = local_dependencies(package_json(ctx, tree).data)
    root_lock = next(
        (n for kind in ("npm", "yarn", "pnpm") for n in rule("lockfiles", kind) if n in ctx.checkout.files), None
    )
    yield from lockfile_findings(tree, found, bool(modules), root_lock)
    yield from parse_all(ctx.root, tree, found)


def lockfile_findings(
    tree: AppTree, found: Lockfiles, has_common_modules: bool, root_lock: str | None = None
) -> Iterator[Finding]:
    kinds = found.kinds
    where = Location(path=tree.path("package.json"))
    if not kinds:
        root_note = (
            f" ({root_lock} at the root counts only when the root package.json lists {tree.folder} under `workspaces`)"
            if root_lock and not found.workspace
            else ""
        )
        yield Finding(
            message=f"App {tree.name} has no lockfile (package-lock.json or yarn.lock){root_note}: every build "
            "may install different dependency versions",
            severity=Severity.WARNING,
            location=where,
            rule="none",
            remediation=f"Run `npm install` in {tree.folder}/ and commit package-lock.json.",
        )
    if {"npm", "yarn"} <= kinds:
        both = [*found.governing["npm"], *found.governing["yarn"]]
        yield Finding(
            message=f"App {tree.name} has both npm and Yarn lockfiles ({bounded_list(both)}): the buildpack "
            "picks one and the other is silently ignored",
            severity=Severity.WARNING,
            location=Location(path=both[0]),
            rule="both",
            remediation="Keep the lockfile of the package manager the scripts use and delete the other.",
        )
    if "pnpm" in kinds and has_common_modules:
        pnpm = found.governing["pnpm"][0]
        yield Finding(
            message=f"App {tree.name} uses common modules (file:/link: dependencies) with {pnpm}; Connect "
            "supports common modules only with npm or Yarn Classic",
            severity=Severity.WARNING,
            location=Location(path=pnpm),
            rule="pnpm-common-modules",
            remediation="Switch the app to npm (package-lock.json) or Yarn Classic (yarn.lock).",
        )


def parse_all(root: Path, tree: AppTree, found: Lockfiles) -> Iterator[Finding]:
    limit = int(rule("limits", "lockfile_bytes"))
    for kind, paths in found.governing.items():
        for path in paths:
            if kind == "npm":
                yield from _npm(tree, read_file(root, path, limit))
            elif kind == "yarn":
                yield from _yarn(tree, read_file(root, path, limit))


def _unreadable(tree: AppTree, read: TextFile) -> Finding:
    too_large = read.size is not None and read.problem and "larger" in read.problem
    return Finding(
        message=f"App {tree.name}: lockfile {read.path} {read.problem}",
        severity=Severity.WARNING if too_large else Severity.ERROR,
        location=Location(path=read.path),
        rule="unverified" if too_large else "corrupt",
        needs_review=bool(too_large),
        remediation="Regenerate the lockfile with the package manager and commit it as text.",
    )


def _npm(tree: AppTree, read: TextFile) -> Iterator[Finding]:
    if read.text is None:
        yield _unreadable(tree, read)
        return
    try:
        data = json.loads(read.text)
    except (json.JSONDecodeError, RecursionError) as bad:
        line = getattr(bad, "lineno", None)
        yield Finding(
            message=f"App {tree.name}: lockfile {read.path} is not valid JSON"
            + (f": {bad.msg}" if isinstance(bad, json.JSONDecodeError) else ""),
            severity=Severity.ERROR,
            location=Location(path=read.path, line=line),
            rule="corrupt",
            remediation="Delete it and run `npm install` to regenerate it (a merge conflict often breaks it).",
        )
        return
    if not isinstance(data, dict) or not isinstance(data.get("lockfileVersion"), int):
        yield Finding(
            message=f"App {tree.name}: {read.path} is not an npm lockfile (no integer `lockfileVersion`)",
            severity=Severity.ERROR,
            location=Location(path=read.path, line=1),
            rule="corrupt",
            remediation="Delete it and run `npm install` to regenerate it.",
        )


def _yarn(tree: AppTree, read: TextFile) -> Iterator[Finding]:
    if read.text is None:
        yield _unreadable(tree, read)
        return
    head = read.text[:4096]
    if rule("lockfiles", "yarn_classic_marker") in head:
        return
    berry = rule("lockfiles", "yarn_berry_marker") in head
    yield Finding(
        message=f"App {tree.name}: {read.path} is "
        + (
            "a Yarn 2+ (Berry) lockfile; Connect supports Yarn Classic (v1)"
            if berry
            else "not a recognisable Yarn Classic lockfile (no `# yarn lockfile v1` header)"
        ),
        severity=Severity.WARNING,
        location=Location(path=read.path, line=1),
        rule="yarn-berry" if berry else "unrecognised",
        remediation="Generate yarn.lock with Yarn Classic (1.x) or switch the app to npm.",
    )
