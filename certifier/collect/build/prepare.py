"""Copy what one app needs into its build workspace, keeping the repository layout.

The copy holds the app folder, the common modules it references with `file:`/`link:` (followed through
their own package.json), and the repository's top-level files (a shared tsconfig.base.json, .nvmrc,
.npmrc). A workspace member gets the whole repository (its install runs at the root). Only files the
checkout lists are copied, never node_modules/ or .git/, and a symlink is recreated only when it points
inside the copy, so nothing outside the checkout can be reached through it.
"""

from __future__ import annotations

import os
import posixpath
import shutil
from pathlib import Path, PurePosixPath

from certifier.connector.files import app_folder, load_package_json, safe_path
from certifier.core.errors import NotApplicable
from certifier.connector.layout import local_dependencies, target_of
from certifier.connector.layout import is_workspace_member
from certifier.collect.context import CheckContext
from certifier.sandbox.runner import Workspace

SKIPPED_DIRS = frozenset({"node_modules", ".git"})
PACKAGE_JSON_LIMIT = 2 * 1024 * 1024
MAX_MODULE_DEPTH = 10


def app_workspace(ctx: CheckContext, cache: Path | None = None) -> Workspace:
    """The sandbox of this app's build: <run workspace>/build/<NN-app>/ (one per app: builds run concurrently)."""
    base = ctx.options.workspace or ctx.session.workspace
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in ctx.app.name)[:80]
    return Workspace(Path(base) / "build" / f"{ctx.app.index:02d}-{safe}", npm_cache=cache)


def source_folder(ctx: CheckContext) -> str:
    """Repo-relative folder of the app, or NotApplicable (the specification stage reports it)."""
    folder = app_folder(ctx.root, ctx.app.path) if ctx.app else None
    if folder is None:
        raise NotApplicable("the app folder is missing or unsafe (reported by the specification stage)")
    return folder


def prepare(ctx: CheckContext, workspace: Workspace | None = None) -> Path:
    """Copy the app (and what it needs) into `<workspace>/src/`; return the app's folder in the copy."""
    workspace = (workspace or app_workspace(ctx)).prepare()
    folder = source_folder(ctx)
    dest = workspace.root / "src"
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir()
    whole = is_workspace_member(ctx.root, ctx.checkout.files, folder)
    roots = [""] if whole else [folder, *common_modules(ctx.root, folder)]
    skip_dist = {folder} if _has_build_script(ctx.root, folder) else set()
    for rel in ctx.checkout.files:
        if _wanted(rel, roots, skip_dist):
            _copy_file(ctx.root, rel, dest)
    for rel, target in ctx.checkout.symlinks.items():
        if _wanted(rel, roots, skip_dist):
            _copy_link(rel, target, roots, dest)
    workspace.adopt(dest)
    return dest / folder


def common_modules(root: Path, folder: str) -> list[str]:
    """Repo-relative targets of file:/link: dependencies, followed transitively; escapes are left out
    (struct.common-modules reports them, and the install then fails on the missing path)."""
    found: list[str] = []
    todo = [(folder, 0)]
    while todo:
        current, depth = todo.pop()
        if depth >= MAX_MODULE_DEPTH:
            continue
        data = load_package_json(root, posixpath.join(current, "package.json") if current else "package.json",
                                 PACKAGE_JSON_LIMIT).data
        for dep in local_dependencies(data):
            target = target_of(current, dep.spec)
            if target and target not in found and target != folder and safe_path(root, target) is not None:
                found.append(target)
                todo.append((target, depth + 1))
    return found


def _wanted(rel: str, roots: list[str], skip_dist: set[str]) -> bool:
    parts = PurePosixPath(rel).parts
    if SKIPPED_DIRS.intersection(parts):
        return False
    if len(parts) == 1:  # top-level files: shared tsconfig, .nvmrc, .npmrc, README
        return True
    for root in roots:
        if root == "" or rel == root or rel.startswith(root + "/"):
            inner = rel[len(root) + 1:] if root else rel
            return not (root in skip_dist and inner.split("/", 1)[0] == "dist")
    return False


def _copy_file(root: Path, rel: str, dest: Path) -> None:
    source = safe_path(root, rel)
    if source is None or not source.is_file():
        return
    target = dest.joinpath(*PurePosixPath(rel).parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target, follow_symlinks=False)
    os.chmod(target, 0o755 if os.access(source, os.X_OK) else 0o644)


def _copy_link(rel: str, target: str, roots: list[str], dest: Path) -> None:
    """Recreate a relative symlink whose target stays inside the copied folders; drop any other."""
    if target.startswith("/") or "\x00" in target:
        return
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(rel), target))
    if resolved.startswith("..") or not _wanted(resolved, roots, set()):
        return
    link = dest.joinpath(*PurePosixPath(rel).parts)
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.exists() and not link.is_symlink():
        os.symlink(target, link)


def _has_build_script(root: Path, folder: str) -> bool:
    data = load_package_json(root, posixpath.join(folder, "package.json"), PACKAGE_JSON_LIMIT).data or {}
    scripts = data.get("scripts") if isinstance(data.get("scripts"), dict) else {}
    return any(isinstance(scripts.get(name), str) for name in ("gcp-build", "build"))
