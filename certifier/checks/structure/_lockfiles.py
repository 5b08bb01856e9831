"""Which lockfiles govern an app's install: its own, or the root one when the app is a workspace member."""

from __future__ import annotations

from dataclasses import dataclass

from certifier.connector.layout import is_workspace_member
from certifier.checks.structure._app import AppTree
from certifier.connector.structure_rules import rule
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


