"""struct.build-script: apps that need compiling have a `build` (or `gcp-build`) script."""

from __future__ import annotations

from collections.abc import Iterator

from certifier.connector.package_json import PackageJson
from certifier.checks.registry import Scope, check
from certifier.core.app_types import APP_TYPES, MC_APP_TYPES
from certifier.checks.structure._app import AppTree, app_tree, node_package, script_location
from certifier.connector.structure_rules import rule
from certifier.collect.context import CheckContext
from certifier.core.file_kinds import file_kind
from certifier.core.model import FileKind, Finding, Severity, Stage

FRONT_END_TYPES = MC_APP_TYPES | {"assets"}


@check(
    id="struct.build-script",
    version="1.0.0",
    stage=Stage.STRUCTURE,
    title="App that needs compiling has a build script",
    rationale="The Node buildpack runs `gcp-build`, else `build`, while it builds the image. A TypeScript app "
    "without one ships no compiled JavaScript; a Merchant Center app or assets app without `build` "
    "produces nothing for Connect to serve.",
    remediation='Add "build": "tsc" (TypeScript) or the bundler command (Merchant Center, assets) to '
    "package.json scripts.",
    severity=Severity.ERROR,
    scope=Scope.APP,
    app_types=APP_TYPES,
)
def build_script(ctx: CheckContext) -> Iterator[Finding]:
    tree = app_tree(ctx)
    parsed = node_package(ctx, tree)
    yield from build_script_findings(tree, parsed, typescript_evidence(tree))


def typescript_evidence(tree: AppTree) -> str | None:
    """The file that shows the app is written in TypeScript (tsconfig.json or a .ts source), if any."""
    for name in rule("typescript", "config_files"):
        if tree.has(name):
            return tree.path(name)
    extensions = tuple("." + e for e in rule("typescript", "source_extensions"))
    for rel, full in zip(tree.relative(), tree.files, strict=True):
        # generated files (node_modules, dist, *.d.ts type declarations) are no sign of the app's own language
        if rel.endswith(extensions) and file_kind(rel) is not FileKind.GENERATED:
            return full
    return None


def build_script_findings(tree: AppTree, parsed: PackageJson, typescript: str | None) -> Iterator[Finding]:
    scripts = {k: v for k, v in parsed.scripts.items() if v.strip()}
    if tree.type in FRONT_END_TYPES:
        if not any(name in scripts for name in rule("scripts", "mc_build")):
            yield Finding(
                message=f"App {tree.name} ({tree.type}): {parsed.path} has no `build` script; a "
                f"{'Merchant Center' if tree.type in MC_APP_TYPES else 'static assets'} app must be built "
                "to produce the files Connect serves",
                severity=Severity.ERROR,
                location=script_location(parsed, "build"),
                rule="front-end",
                remediation=f"Add the bundler command as `build` in {parsed.path} (for example "
                '"build": "mc-scripts build" or "build": "vite build").',
            )
        return
    if typescript and not any(name in scripts for name in rule("scripts", "build")):
        yield Finding(
            message=f"App {tree.name} ({tree.type}) is TypeScript ({typescript}) but {parsed.path} has neither "
            "`build` nor `gcp-build`, so the buildpack will not compile it",
            severity=Severity.WARNING,
            location=script_location(parsed, "build"),
            rule="typescript",
            remediation=f'Add "build": "tsc" (or "gcp-build") to the scripts of {parsed.path} and make '
            "`start` run the compiled output.",
        )
