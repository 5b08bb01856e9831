"""struct.common-modules: `file:`/`link:` dependencies point at a package inside the repository."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from certifier.connector.files import PackageJson, line_of_key, safe_path
from certifier.checks.registry import APP_TYPES, Scope, check
from certifier.checks.structure._app import AppTree, app_tree, node_package
from certifier.checks.structure._rules import rule
from certifier.checks.context import CheckContext
from certifier.core.model import Finding, Location, Severity, Stage


@dataclass(frozen=True)
class LocalDependency:
    field: str  # dependencies | devDependencies | ...
    name: str
    spec: str  # as written, e.g. file:../shared


@check(
    id="struct.common-modules",
    version="1.0.0",
    stage=Stage.STRUCTURE,
    title="Common modules stay inside the repository",
    rationale="Connect copies common modules referenced with `file:`/`link:` into each app's build and scans "
    "their src/. A path that leaves the repository cannot be built from the repository alone, and a path "
    "that does not exist fails the install.",
    remediation="Put the shared code in a folder at the repository root with its own package.json and "
    'depend on it as "<name>": "file:../<folder>".',
    severity=Severity.ERROR,
    scope=Scope.APP,
    app_types=APP_TYPES,
)
def common_modules(ctx: CheckContext) -> Iterator[Finding]:
    tree = app_tree(ctx)
    parsed = node_package(ctx, tree)
    files = set(ctx.checkout.files) | set(ctx.checkout.symlinks)
    for dep in local_dependencies(parsed.data):
        yield judge(tree, parsed, dep, target_state(ctx.root, files, tree.folder, dep.spec))


def local_dependencies(data: dict[str, Any] | None) -> list[LocalDependency]:
    """Every dependency whose spec starts with file: or link: (pure)."""
    if not isinstance(data, dict):
        return []
    protocols = tuple(rule("common_modules", "protocols"))
    found = []
    for field in rule("common_modules", "dependency_fields"):
        deps = data.get(field)
        if not isinstance(deps, dict):
            continue
        for name, spec in deps.items():
            if isinstance(spec, str) and spec.strip().startswith(protocols):
                found.append(LocalDependency(field, str(name), spec.strip()))
    return found


def target_of(folder: str, spec: str) -> str | None:
    """Repo-relative POSIX target of a file:/link: spec, or None when it leaves the repository."""
    raw = spec.split(":", 1)[1].replace("\\", "/")
    if raw.startswith("//"):  # file:///abs/path
        raw = raw[2:]
    if raw.startswith("/") or (len(raw) > 1 and raw[1] == ":") or raw.startswith("~"):
        return None
    joined = posixpath.normpath(posixpath.join(folder, raw)) if raw else folder
    if joined == ".." or joined.startswith("../"):
        return None
    return "" if joined == "." else joined


def target_state(root: Path, files: set[str], folder: str, spec: str) -> tuple[str | None, str]:
    """(target, state) with state one of: escape, missing, not-a-package, ok."""
    target = target_of(folder, spec)
    if target is None:
        return None, "escape"
    if target and safe_path(root, target) is None:  # a symlink on the way leads outside
        return target, "escape"
    if target in files:  # a tarball
        return target, "ok"
    prefix = f"{target}/" if target else ""
    if not any(f.startswith(prefix) for f in files):
        return target, "missing"
    return target, "ok" if f"{prefix}package.json" in files else "not-a-package"


def judge(tree: AppTree, parsed: PackageJson, dep: LocalDependency, state: tuple[str | None, str]) -> Finding:
    target, kind = state
    where = Location(path=parsed.path, line=line_of_key(parsed.text, dep.name, within=dep.field) or 1)
    shown = f"{dep.field}.{dep.name} = {dep.spec!r}"
    if kind == "ok":
        return Finding(
            message=f"App {tree.name} uses common module {target or '.'} ({shown})",
            severity=Severity.INFO,
            location=where,
            rule="shared-module",
            key=f"{dep.name}:{target}",
        )
    problems = {
        "escape": "points outside the repository, so the app cannot be built from the repository alone",
        "missing": f"points at {target}, which is not in the repository",
        "not-a-package": f"points at {target}/, which has no package.json, so npm cannot install it",
    }
    return Finding(
        message=f"App {tree.name}: {shown} in {parsed.path} {problems[kind]}",
        severity=Severity.ERROR,
        location=where,
        rule=kind,
        key=f"{dep.name}:{kind}",
        remediation=f'Move the module into the repository and reference it as "file:../<folder>" from '
        f"{tree.folder}/, or use a published package version.",
    )
