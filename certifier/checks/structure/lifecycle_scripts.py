"""struct.lifecycle-scripts: connect.yaml postDeploy/preUndeploy call scripts that exist and do not
start the server, run compiled output unbuilt, or leave postDeploy without a preUndeploy."""

from __future__ import annotations

from collections.abc import Iterator

from certifier.checks.registry import Scope, check

from certifier.core.app_types import HTTP_APP_TYPES, MC_APP_TYPES

from certifier.core.errors import NotApplicable
from certifier.checks.structure._app import AppTree, app_tree, package_json
from certifier.connector.structure_rules import rule
from certifier.checks.structure._scripts import Command, installs_or_builds, read_script
from certifier.checks.structure._shell import first_word
from certifier.connector.model import App, Connector
from certifier.collect.context import CheckContext
from certifier.core.model import Finding, Severity, Stage

LIFECYCLE = ("postDeploy", "preUndeploy")
_EXTENSIONS = (".js", ".cjs", ".mjs", ".ts", ".cts", ".mts")
MAX_EXPANDED = 500


@check(
    id="struct.lifecycle-scripts",
    version="1.0.0",
    stage=Stage.STRUCTURE,
    title="postDeploy/preUndeploy scripts are runnable and safe",
    rationale="Connect runs connect.yaml `scripts` at deploy and undeploy time. A call to a package.json "
    "script that does not exist fails every deployment; a postDeploy that starts the server never ends; "
    "`node dist/...` without a build finds no file; a postDeploy without preUndeploy leaves resources behind.",
    remediation="Call existing package.json scripts (e.g. `npm run connector:post-deploy`), keep the server "
    "out of postDeploy, build before running compiled output, and add a preUndeploy that removes what "
    "postDeploy created.",
    severity=Severity.ERROR,
    scope=Scope.APP,
    app_types=HTTP_APP_TYPES | MC_APP_TYPES,
)
def lifecycle_scripts(ctx: CheckContext) -> Iterator[Finding]:
    app = ctx.app
    scripts = {k: v for k, v in (app.scripts if app else {}).items() if k in LIFECYCLE and isinstance(v, str)}
    if app is None or not scripts:
        raise NotApplicable("the app declares no postDeploy/preUndeploy scripts")
    tree = app_tree(ctx)
    yield from missing_pre_undeploy(ctx.connector, app, scripts)
    package = _package_scripts(ctx, tree)
    if package is None:
        return  # Java app, or package.json missing/invalid (struct.package-json reports it)
    for name, script in sorted(scripts.items()):
        yield from script_call_findings(ctx.connector, app, tree, name, script, package)


def _package_scripts(ctx: CheckContext, tree: AppTree) -> dict[str, str] | None:
    if tree.is_java or not tree.has("package.json"):
        return None
    parsed = package_json(ctx, tree)
    return parsed.scripts if parsed.data is not None else None


def missing_pre_undeploy(connector: Connector, app: App, scripts: dict[str, str]) -> Iterator[Finding]:
    if "postDeploy" in scripts and "preUndeploy" not in scripts:
        path = f"{app.manifest_path}.scripts.postDeploy"
        yield Finding(
            message=f"App {app.name} has a postDeploy script but no preUndeploy: anything postDeploy registers "
            "(extensions, subscriptions, types) stays behind after undeploy",
            severity=Severity.WARNING,
            location=connector.locate(path),
            manifest_path=path,
            rule="no-pre-undeploy",
            needs_review=True,
            remediation="Add scripts.preUndeploy that deletes what postDeploy created (the preview stage runs "
            "both and checks).",
        )


def script_call_findings(
    connector: Connector, app: App, tree: AppTree, name: str, script: str, package: dict[str, str]
) -> Iterator[Finding]:
    path = f"{app.manifest_path}.scripts.{name}"
    where = {"location": connector.locate(path), "manifest_path": path}
    commands = read_script(script)
    for command in commands:
        call = command.call
        if call is None or call.name in package or (call.name == "start" and tree.has("server.js")):
            continue
        binary = call.manager == "yarn" and ":" not in call.name and "deploy" not in call.name.lower()
        yield Finding(
            message=f"App {app.name}: scripts.{name} runs `{' '.join(command.words)}` but {tree.path('package.json')} "
            f"has no script {call.name!r}" + (" (unless it is a binary in node_modules/.bin)" if binary else ""),
            severity=Severity.WARNING if binary else Severity.ERROR,
            rule="missing-script",
            needs_review=binary,
            key=f"{name}:{call.name}",
            remediation=f"Add {call.name!r} to the scripts of {tree.path('package.json')} or call an existing one "
            f"({', '.join(sorted(package)[:8]) or 'none defined'}).",
            **where,
        )
    expanded = expand(commands, package, int(rule("limits", "script_depth")))
    if name == "postDeploy":
        yield from _starts_server(app, name, expanded, package, where)
    yield from _unbuilt_output(app, name, expanded, where)


def expand(
    commands: list[Command], package: dict[str, str], depth: int, seen: frozenset[str] = frozenset()
) -> list[Command]:
    """Commands in execution order, with `npm run x` replaced by x's own commands (bounded depth and count:
    scripts that call each other many times must not make us build an exponential list)."""
    out: list[Command] = []
    for command in commands:
        if len(out) >= MAX_EXPANDED:
            break
        out.append(command)
        call = command.call
        if call and call.name in package and depth > 0 and call.name not in seen:
            out.extend(expand(read_script(package[call.name]), package, depth - 1, seen | {call.name}))
    return out[:MAX_EXPANDED]


def _node_target(command: Command) -> str | None:
    """`node ./dist/index.js --x` -> 'dist/index' (normalised entry file), else None."""
    if first_word(list(command.words)) not in {"node", "ts-node", "nodemon"}:
        return None
    args = [w for w in command.words[1:] if not w.startswith("-")]
    if not args:
        return None
    target = args[0].removeprefix("./")
    for ext in _EXTENSIONS:
        target = target.removesuffix(ext)
    return target.removesuffix("/index")


def _starts_server(
    app: App, name: str, expanded: list[Command], package: dict[str, str], where: dict
) -> Iterator[Finding]:
    start = package.get("start", "")
    start_targets = {t for c in read_script(start) if (t := _node_target(c))}
    for command in expanded:
        if (command.call and command.call.name == "start") or (_node_target(command) in start_targets):
            yield Finding(
                message=f"App {app.name}: scripts.{name} starts the server (`{' '.join(command.words)}`, same as "
                f"`start`: {start[:80]!r}); postDeploy must finish, the platform starts the app itself",
                severity=Severity.WARNING,
                rule="starts-server",
                **where,
                remediation="Make postDeploy run a one-off setup script (e.g. `npm run connector:post-deploy`).",
            )
            return


def _unbuilt_output(app: App, name: str, expanded: list[Command], where: dict) -> Iterator[Finding]:
    compiled = set(rule("package_managers", "compiled_dirs"))
    prepared = False
    for command in expanded:
        prepared = prepared or installs_or_builds(command)
        target = _node_target(command)
        if target and target.split("/", 1)[0] in compiled and not prepared:
            yield Finding(
                message=f"App {app.name}: scripts.{name} runs compiled output `{' '.join(command.words)}` without "
                "installing or building first",
                severity=Severity.WARNING,
                rule="unbuilt-output",
                **where,
                remediation=f"Start scripts.{name} with the install and build, e.g. "
                "`npm ci && npm run build && node dist/...`.",
            )
            return
