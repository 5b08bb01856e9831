"""The BUILD stage's result for one app, as the preview needs it: where the app was built, in which
sandbox workspace, and whether it succeeded."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from certifier.core.errors import CannotRun


@dataclass(frozen=True)
class BuildInfo:
    ok: bool
    app_dir: Path | None
    workspace: Any  # runner.Workspace the app was built in (its files belong to that sandbox user)
    reason: str = ""


def build_of(ctx: Any, app: Any) -> BuildInfo:
    try:
        from certifier.collect.build import build_app
    except ImportError as error:
        raise CannotRun(f"the build stage is not available: {error}") from None
    built = build_app(ctx.for_app(app))
    app_dir = getattr(built, "app_dir", None)
    workspace = getattr(built, "workspace", None)
    ok = bool(getattr(built, "ok", False)) and app_dir is not None
    return BuildInfo(ok, Path(app_dir) if app_dir else None, workspace,
                     "" if ok else str(getattr(built, "reason", "") or "install or build failed"))
