"""What the dependency checks share: the database in use, the lockfiles of the checkout, parsed once."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Callable, TypeVar

from certifier.collect.advisories.config import limit
from certifier.collect.advisories.discover import find_lockfiles, lockfile_kind, parse_lockfile
from certifier.collect.advisories.model import LockfileError, LockfileInventory
from certifier.collect.advisories.online import OnlineError, OnlineSource, configured
from certifier.collect.advisories.store import AdvisoryDB, AdvisoryDBError, open_db
from certifier.connector.files import app_folder, files_under, load_package_json
from certifier.checks.registry import CheckCannotRun
from certifier.core.errors import NotApplicable
from certifier.collect.context import CheckContext

T = TypeVar("T")
Parsed = LockfileInventory | LockfileError


def memo(ctx: CheckContext, key: tuple, make: Callable[[], T]) -> T:
    """Once per run when a session exists (pipeline runs), else computed on the spot (unit tests)."""
    session = ctx.options.session
    return session.memo(("deps",) + key, make) if session is not None else make()


def advisory_db(ctx: CheckContext) -> AdvisoryDB:
    try:
        return memo(ctx, ("advisory-db",), open_db)
    except AdvisoryDBError as error:
        raise CheckCannotRun(f"advisory database unavailable: {error}") from None


def online_source() -> OnlineSource | None:
    try:
        return configured()
    except OnlineError as error:
        raise CheckCannotRun(str(error)) from None


def all_lockfiles(ctx: CheckContext) -> list[str]:
    return memo(ctx, ("lockfiles",), lambda: find_lockfiles(ctx.checkout.files))


def parsed(ctx: CheckContext, path: str) -> Parsed:
    """The lockfile's inventory, or the LockfileError saying why it cannot be audited."""

    def make() -> Parsed:
        try:
            return parse_lockfile(ctx.root, path, ctx.checkout.files, frozenset(all_lockfiles(ctx)))
        except LockfileError as error:
            return error

    return memo(ctx, ("lockfile", path), make)


def parsed_all(ctx: CheckContext, paths: list[str]) -> list[Parsed]:
    bound = limit("lockfiles_per_run")
    out = [parsed(ctx, p) for p in paths[:bound]]
    out += [LockfileError(p, f"not parsed: more than {bound} lockfiles in the repository") for p in paths[bound:]]
    return out


def app_dir(ctx: CheckContext) -> str:
    """The app's repo-relative folder, or NotApplicable (the specification stage reports a missing one)."""
    app = ctx.app
    if app is None:
        raise NotApplicable("not an app")
    folder = app_folder(ctx.root, app.path)
    if folder is None:
        raise NotApplicable(f"app folder {app.folder!r} is missing or unsafe (reported by the specification stage)")
    return folder


def app_folders(ctx: CheckContext) -> list[str]:
    return [f for app in ctx.connector.apps if (f := app_folder(ctx.root, app.path)) is not None]


def lockfiles_under(ctx: CheckContext, folder: str) -> list[str]:
    inside = set(files_under(ctx.checkout.files, folder))
    return [p for p in all_lockfiles(ctx) if p in inside]


def repo_lockfiles(ctx: CheckContext) -> list[str]:
    """Lockfiles outside every app folder: the root, workspace roots, common modules, tooling."""
    folders = [f + "/" for f in app_folders(ctx)]
    return [p for p in all_lockfiles(ctx) if not any(p.startswith(f) for f in folders)]


def workspace_lockfiles(ctx: CheckContext, folder: str) -> list[str]:
    """The root lockfiles that lock this app when the root package.json lists it under `workspaces`."""
    data = load_package_json(ctx.root, "package.json", limit("lockfile_bytes")).data or {}
    patterns = data.get("workspaces")
    if isinstance(patterns, dict):
        patterns = patterns.get("packages")
    if not isinstance(patterns, list):
        return []
    member = any(isinstance(p, str) and fnmatchcase(folder, p.strip().lstrip("./").rstrip("/")) for p in patterns)
    if not member:
        return []
    return [p for p in all_lockfiles(ctx) if "/" not in p and lockfile_kind(p) in ("npm", "yarn", "pnpm")]
