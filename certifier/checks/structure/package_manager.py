"""struct.package-manager: connect.yaml scripts use the package manager whose lockfile the app commits."""

from __future__ import annotations

from collections.abc import Iterator

from certifier.checks.registry import Scope, check

from certifier.core.app_types import HTTP_APP_TYPES, MC_APP_TYPES

from certifier.core.errors import NotApplicable
from certifier.checks.structure._app import AppTree, app_tree
from certifier.checks.structure._lockfiles import lockfiles
from certifier.checks.structure._scripts import read_script
from certifier.connector.model import App, Connector
from certifier.collect.context import CheckContext
from certifier.core.model import Finding, Severity, Stage

LOCKFILE_OF = {"npm": "package-lock.json", "yarn": "yarn.lock"}


@check(
    id="struct.package-manager",
    version="1.0.0",
    stage=Stage.STRUCTURE,
    title="Deploy scripts use the app's package manager",
    rationale="`npm install` in an app that only commits yarn.lock ignores the lockfile (and the reverse for "
    "`yarn`), so postDeploy/preUndeploy run against dependency versions nobody tested.",
    remediation="Call the package manager whose lockfile is committed (`yarn ...` with yarn.lock, `npm ...` "
    "with package-lock.json), or commit the matching lockfile instead.",
    severity=Severity.WARNING,
    scope=Scope.APP,
    app_types=HTTP_APP_TYPES | MC_APP_TYPES,
)
def package_manager(ctx: CheckContext) -> Iterator[Finding]:
    app = ctx.app
    if app is None or not app.scripts:
        raise NotApplicable("the app declares no postDeploy/preUndeploy scripts")
    tree = app_tree(ctx)
    if tree.is_java:
        raise NotApplicable(f"{tree.name} is a Java app")
    kinds = lockfiles(ctx.checkout, tree).kinds & set(LOCKFILE_OF)
    if len(kinds) != 1:
        raise NotApplicable("the app has no single npm/Yarn lockfile (reported by struct.lockfile)")
    yield from package_manager_findings(ctx.connector, app, tree, kinds.pop())


def package_manager_findings(connector: Connector, app: App, tree: AppTree, committed: str) -> Iterator[Finding]:
    for name, script in sorted(app.scripts.items()):
        if not isinstance(script, str):
            continue
        used = sorted({c.manager for c in read_script(script) if c.manager and c.manager != committed})
        for other in used:
            manifest_path = f"{app.manifest_path}.scripts.{name}"
            yield Finding(
                message=f"App {app.name}: scripts.{name} in connect.yaml runs `{other}` but {tree.folder}/ only "
                f"commits {LOCKFILE_OF[committed]} ({committed}); `{other}` ignores that lockfile",
                severity=Severity.WARNING,
                location=connector.locate(manifest_path),
                manifest_path=manifest_path,
                rule=f"{other}-with-{committed}-lockfile",
                remediation=f"Use `{committed}` commands in scripts.{name} (e.g. "
                f"`{'yarn install --frozen-lockfile' if committed == 'yarn' else 'npm ci'}`), or commit "
                f"{LOCKFILE_OF[other]} instead of {LOCKFILE_OF[committed]}.",
            )
