"""struct.start-script: a service, event or job app can be started (`start` script or a Procfile)."""

from __future__ import annotations

from collections.abc import Iterator

from certifier.connector.package_json import PackageJson
from certifier.checks.registry import Scope, check
from certifier.core.app_types import HTTP_APP_TYPES
from certifier.checks.structure._app import AppTree, app_tree, node_package, script_location
from certifier.connector.structure_rules import rule
from certifier.collect.context import CheckContext
from certifier.core.model import Finding, Severity, Stage


@check(
    id="struct.start-script",
    version="1.0.0",
    stage=Stage.STRUCTURE,
    title="App has a start script",
    rationale="Connect runs service, event and job apps as containers whose entry point is `npm start` "
    "(or the Procfile's web process). Without one the container never serves requests.",
    remediation='Add "start": "node src/index.js" (the command that runs the HTTP server) to package.json '
    "scripts, or a Procfile with `web: <command>`.",
    severity=Severity.ERROR,
    scope=Scope.APP,
    app_types=HTTP_APP_TYPES,
)
def start_script(ctx: CheckContext) -> Iterator[Finding]:
    tree = app_tree(ctx)
    procfile = tree.has(rule("scripts", "procfile"))
    if procfile and not tree.has("package.json"):
        return  # a Procfile app (any language) needs no package.json start script
    parsed = node_package(ctx, tree)
    yield from start_script_findings(tree, parsed, procfile)


def start_script_findings(tree: AppTree, parsed: PackageJson, procfile: bool) -> Iterator[Finding]:
    if procfile:
        return
    scripts = parsed.scripts
    for name in rule("scripts", "start"):
        if scripts.get(name, "").strip():
            return
    empty = "start" in scripts
    yield Finding(
        message=f"App {tree.name} ({tree.type}): {parsed.path} "
        f"{'has an empty `start` script' if empty else 'has no `start` script'} and the app has no Procfile, "
        "so the container has nothing to run",
        severity=Severity.ERROR,
        location=script_location(parsed, "start"),
        rule="missing",
        remediation=f'Add "start": "node <entry file>" to the scripts of {parsed.path}, or add '
        f"{tree.path('Procfile')} with `web: <command>`.",
    )
