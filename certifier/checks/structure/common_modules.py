"""struct.common-modules: `file:`/`link:` dependencies point at a package inside the repository."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from certifier.connector.layout import LocalDependency, local_dependencies, target_of
from certifier.connector.files import safe_path
from certifier.connector.package_json import PackageJson, line_of_key
from certifier.checks.registry import Scope, check
from certifier.core.app_types import APP_TYPES
from certifier.checks.structure._app import AppTree, app_tree, node_package
from certifier.collect.context import CheckContext
from certifier.core.model import Finding, Location, Severity, Stage


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
