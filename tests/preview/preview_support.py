"""Preview test helpers (used by tests/preview/conftest.py and the tests): a stand-in for the build stage
(copy the app into a sandbox workspace, `npm ci`, `npm run build`) and a pipeline-like context."""

from __future__ import annotations

import shutil
from pathlib import Path

from certifier.collect.context import CheckContext, RunOptions
from certifier.connector.inventory import take_inventory
from certifier.collect.preview.builds import BuildInfo
from certifier.collect.session import RunSession
from certifier.source.fetch import fetch


def simple_build(ctx, app) -> BuildInfo:
    """What the build stage does, reduced: copy, install, build; memoised per app in the session."""
    from certifier.sandbox import runner

    def make() -> BuildInfo:
        workspace = runner.Workspace(ctx.session.workspace / "build" / app.name)
        app_dir = workspace.root / "src" / app.name
        shutil.copytree(app.path, app_dir, ignore=shutil.ignore_patterns("node_modules", "dist"))
        workspace.adopt(app_dir)
        # as the build stage does: the install reaches the registry with scripts off, the build runs offline
        steps = ((["npm", "ci", "--ignore-scripts"], {"network": True, "cache_writable": True}),
                 (["npm", "run", "build", "--if-present"], {}))
        for argv, access in steps:
            done = runner.run(argv, cwd=app_dir, workspace=workspace, limits=runner.Limits(wall_s=300), **access)
            if not done.ok:
                return BuildInfo(False, app_dir, workspace, f"{' '.join(argv)} failed: {done.log_tail(500)}")
        return BuildInfo(True, app_dir, workspace)

    return ctx.session.memo(("test-build", app.name), make)


def preview_context(source: Path, workspace: Path, deployment: Path | None = None) -> CheckContext:
    checkout = fetch(str(source), None, workspace)
    session = RunSession(workspace)
    return CheckContext(take_inventory(checkout), RunOptions(workspace=workspace, session=session,
                                                             deployment=deployment))
