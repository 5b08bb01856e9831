"""An app without a lockfile of its own: locked by its workspace root, nothing to audit, or NOT auditable."""

from __future__ import annotations

from dataclasses import dataclass

from certifier.collect.advisories.config import bounded, limit
from certifier.collect.advisories.manifests import python_declared
from certifier.checks.dependencies._shared import workspace_lockfiles
from certifier.connector.files import files_under, join, load_package_json
from certifier.checks.registry import CheckCannotRun
from certifier.core.errors import NotApplicable
from certifier.collect.context import CheckContext

LOCAL_PROTOCOLS = ("file:", "link:", "workspace:", "portal:")
GROUPS = ("dependencies", "devDependencies", "optionalDependencies")


@dataclass(frozen=True)
class Unlocked:
    """The app declares nothing to install from a registry: there is nothing to audit."""

    reason: str


def without_lockfile(ctx: CheckContext, folder: str, auditor: str) -> Unlocked:
    """Why an app with no lockfile under its folder is fine; raises when it is governed elsewhere
    (NotApplicable) or cannot be audited (CheckCannotRun)."""
    name = ctx.app.name if ctx.app else folder
    files = set(files_under(ctx.checkout.files, folder))
    if join(folder, "package.json") in files:
        return _node(ctx, folder, name, auditor)
    if join(folder, "pom.xml") in files:
        raise CheckCannotRun(f"{name} is a Maven app: its pom.xml dependencies are not audited (the advisory "
                             "database covers npm and PyPI; Maven is not supported)")
    declared = python_declared(ctx.root, folder)
    if declared.names():
        raise CheckCannotRun(f"{name} declares Python dependencies ({bounded(sorted(declared.names()))}) but "
                             "commits no lock (poetry.lock or a fully pinned requirements.txt): their versions "
                             "cannot be audited")
    return Unlocked(f"{name} declares no npm or Python dependencies: nothing to audit")


def _node(ctx: CheckContext, folder: str, name: str, auditor: str) -> Unlocked:
    parsed = load_package_json(ctx.root, join(folder, "package.json"), limit("lockfile_bytes"))
    if parsed.data is None:
        raise CheckCannotRun(f"{parsed.problem}: the dependencies of {name} cannot be inventoried")
    remote = sorted({n for group in GROUPS for n, v in _map(parsed.data.get(group)).items()
                     if not v.startswith(LOCAL_PROTOCOLS)})
    if not remote:
        return Unlocked(f"{name} declares no registry dependencies in package.json: nothing to audit")
    governing = workspace_lockfiles(ctx, folder)
    if governing:
        raise NotApplicable(f"{name} is a workspace member locked by {', '.join(governing)}, audited by {auditor}")
    raise CheckCannotRun(f"{name} declares {len(remote)} dependencies in package.json ({bounded(remote)}) but "
                         "commits no lockfile: the exact versions a build would install cannot be audited")


def _map(value) -> dict[str, str]:
    return {k: v for k, v in value.items() if isinstance(v, str)} if isinstance(value, dict) else {}
