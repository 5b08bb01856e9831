"""build_app: install, build and test one app once per run, shared by the build checks and the preview.

`ctx.session.memo(("build", app))` makes the first caller do the work while the others wait, so the
three build checks of an app report on ONE build, and the apps of a connector build concurrently.
"""

from __future__ import annotations

import re
from pathlib import Path

from certifier.collect.build.java import build_java
from certifier.collect.build.model import AppBuild
from certifier.collect.build.node import build_node
from certifier.collect.build.prepare import app_workspace, prepare, source_folder
from certifier.collect.build.settings import settings
from certifier.core.errors import CannotRun, NotApplicable
from certifier.connector.layout import is_workspace_member
from certifier.collect.context import CheckContext
from certifier.sandbox.runner import ProcessResult, SandboxError

LOG_LIMIT_CHARS = 2_000_000


def build_app(ctx: CheckContext) -> AppBuild:
    """The build of ctx.app (computed once per run). Raises NotApplicable when the app cannot be built at
    all (no folder, no package.json/pom.xml) and CannotRun when the sandbox cannot be set up."""
    if ctx.app is None:
        raise NotApplicable("not an app")
    return ctx.session.memo(("build", ctx.app.name), lambda: _build(ctx))


def _build(ctx: CheckContext) -> AppBuild:
    config = settings(ctx.options.extra)
    folder = source_folder(ctx)
    try:
        workspace = app_workspace(ctx, cache=config.cache_dir)
        app_dir = prepare(ctx, workspace)
    except (SandboxError, OSError) as error:
        raise CannotRun(f"could not prepare the build workspace: {error}") from error
    log_step = _logger(ctx, workspace.root / "logs")
    if (app_dir / "package.json").is_file():
        member = is_workspace_member(ctx.root, ctx.checkout.files, folder)
        install_dir = workspace.root / "src" if member else app_dir
        prefix = "" if member else f"{folder}/"
        return build_node(ctx.app.name, workspace, app_dir, install_dir, config, log_step, prefix)
    if (app_dir / "pom.xml").is_file():
        return build_java(ctx.app.name, workspace, app_dir, config, log_step)
    raise NotApplicable(f"{folder}/ has neither package.json nor pom.xml (reported by the structure stage)")


def _logger(ctx: CheckContext, folder: Path):
    """Write each step's log (bounded, already redacted) to the workspace and register it as an artifact."""
    app = re.sub(r"[^A-Za-z0-9_.-]", "_", ctx.app.name)[:80]

    def log_step(step: str, result: ProcessResult) -> Path | None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"build-{app}-{step}.log"
            path.write_text(render_log(result)[:LOG_LIMIT_CHARS], encoding="utf-8")
        except OSError:
            return None
        ctx.session.add_artifact(path.name, path)
        return path

    return log_step


def render_log(result: ProcessResult) -> str:
    head = f"$ {' '.join(result.argv)}\n"
    tail = (f"\n[exit code {result.exit_code}; {result.duration_s:.1f} s"
            f"{'; ' + result.killed_reason if result.killed_reason else ''}"
            f"{'; output truncated' if result.output_truncated else ''}]\n")
    return head + result.stdout + ("\n--- stderr ---\n" + result.stderr if result.stderr else "") + tail
