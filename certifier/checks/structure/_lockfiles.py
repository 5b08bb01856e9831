"""Which lockfiles govern an app's install: its own, or the root one when the app is a workspace member."""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from certifier.connector.files import load_package_json
from certifier.checks.structure._app import AppTree
from certifier.checks.structure._rules import rule, text_limit
from certifier.source.checkout import Checkout

KINDS = ("npm", "yarn", "pnpm")


@dataclass(frozen=True)
class Lockfiles:
    own: dict[str, tuple[str, ...]]  # kind -> repo-relative lockfiles in the app folder
    root: dict[str, tuple[str, ...]]  # kind -> lockfiles at the repo root (only for workspace members)
    workspace: bool  # the root package.json lists the app under `workspaces`

    @property
    def governing(self) -> dict[str, tuple[str, ...]]:
        """The lockfiles the install uses: the app's own, else the workspace root's."""
        return self.own if self.own else self.root

    @property
    def kinds(self) -> set[str]:
        return set(self.governing)


def lockfiles(checkout: Checkout, tree: AppTree) -> Lockfiles:
    own = _present(tree.has, tree.path)
    workspace = is_workspace_member(checkout.path, checkout.files, tree.folder)
    root = _present(lambda n: n in checkout.files, lambda n: n) if workspace else {}
    return Lockfiles(own, root, workspace)


def _present(has, path) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for kind in KINDS:
        names = tuple(path(n) for n in rule("lockfiles", kind) if has(n))
        if names:
            found[kind] = names
    return found


def is_workspace_member(root: Path, files: tuple[str, ...], folder: str) -> bool:
    """True when the root package.json `workspaces` (array or {packages: [...]}) matches the app folder."""
    if "package.json" not in files or not folder:
        return False
    data = load_package_json(root, "package.json", text_limit()).data or {}
    patterns = _workspace_patterns(data.get("workspaces"))
    return any(fnmatchcase(folder, p.strip("./").rstrip("/")) for p in patterns)


def _workspace_patterns(value: Any) -> list[str]:
    if isinstance(value, dict):
        value = value.get("packages")
    if not isinstance(value, list):
        return []
    return [p for p in value if isinstance(p, str) and p.strip()]
