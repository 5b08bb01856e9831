"""spec.undeclared-app-folder: a root folder that looks like an app but that Connect will ignore."""

from __future__ import annotations

import fnmatch
import posixpath
from typing import Any, Iterator

from certifier.connector.files import load_package_json
from certifier.connector.layout import local_dependencies, target_of, workspace_patterns
from certifier.checks.registry import Scope, check
from certifier.checks.specification._common import connector
from certifier.connector.model import Connector
from certifier.collect.context import CheckContext
from certifier.core.model import Finding, Location, Severity, Stage

APP_MARKERS = ("package.json", "pom.xml")


@check(
    id="spec.undeclared-app-folder",
    version="1.0.0",
    stage=Stage.SPECIFICATION,
    title="No app-like folder is left undeclared",
    rationale="Connect deploys only the folders named in deployAs. A root folder with its own package.json "
    "or pom.xml that no deployAs entry names and no app uses as a file:/link: dependency is ignored: often "
    "an app someone forgot to declare.",
    remediation="Declare the folder in connect.yaml deployAs if it is an app, reference it from an app as a "
    "file: dependency if it is shared code, or remove it.",
    severity=Severity.WARNING,
    scope=Scope.CONNECTOR,
)
def undeclared_app_folder(ctx: CheckContext) -> Iterator[Finding]:
    model = connector(ctx)
    candidates = app_like_folders(ctx.checkout.files) - declared_names(model)
    if not candidates:
        return
    manifests = {folder: _package(ctx, folder) for folder in _package_folders(ctx.checkout.files)}
    used = referenced_folders(manifests, starts=[app.folder for app in model.apps] + [""])
    yield from undeclared_folder_findings(sorted(candidates - used))


def app_like_folders(files: tuple[str, ...]) -> set[str]:
    """Top-level folders holding package.json or pom.xml directly (hidden folders and node_modules aside)."""
    out = set()
    for path in files:
        parts = path.split("/")
        if len(parts) == 2 and parts[1] in APP_MARKERS and not parts[0].startswith(".") and parts[0] != "node_modules":
            out.add(parts[0])
    return out


def declared_names(model: Connector) -> set[str]:
    raw = model.data.get("deployAs")
    names = {item.get("name") for item in raw if isinstance(item, dict)} if isinstance(raw, list) else set()
    return {n.strip() for n in names if isinstance(n, str)}


def _package_folders(files: tuple[str, ...]) -> list[str]:
    """Folders with a package.json at depth <= 2 (root, apps, modules, workspace members)."""
    return sorted({posixpath.dirname(f) for f in files
                   if f.count("/") <= 2 and posixpath.basename(f) == "package.json"})


def _package(ctx: CheckContext, folder: str) -> dict[str, Any]:
    parsed = load_package_json(ctx.root, posixpath.join(folder, "package.json") if folder else "package.json")
    return parsed.data or {}


def local_folders(folder: str, package: dict[str, Any]) -> set[str]:
    """Top-level folders that `folder`'s package.json points at with file:/link: (or workspaces at the root)."""
    out = {target.split("/")[0] for dep in local_dependencies(package) if (target := target_of(folder, dep.spec))}
    if folder == "":
        out |= {p.strip("./").split("/")[0] for p in workspace_patterns(package.get("workspaces")) if p.strip("./")}
    return out


def referenced_folders(manifests: dict[str, dict[str, Any]], starts: list[str]) -> set[str]:
    """Folders reachable from the apps (and the root) through local dependencies, transitively."""
    seen: set[str] = set()
    queue = list(starts)
    while queue:
        folder = queue.pop()
        for target in local_folders(folder, manifests.get(folder, {})):
            for name in {target} | {f for f in manifests if "/" not in f and fnmatch.fnmatchcase(f, target)}:
                if name not in seen:
                    seen.add(name)
                    queue.append(name)
    return seen


def undeclared_folder_findings(undeclared: list[str]) -> Iterator[Finding]:
    for folder in undeclared:
        yield Finding(
            message=f"Folder {folder}/ looks like an app (it has its own package.json or pom.xml) but no deployAs "
            "entry names it and no app depends on it: Connect will ignore it",
            severity=Severity.WARNING,
            location=Location(path=folder),
            rule="undeclared",
            remediation=f"Add a deployAs entry named {folder} if it is an app, reference it as "
            f'"file:../{folder}" from the app that uses it, or remove it.',
        )
