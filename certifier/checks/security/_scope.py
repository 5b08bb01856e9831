"""What the security checks look at: the files of the checkout, which app (and shared module) owns a
file, and how much a finding there counts.

The official SAST gate scans `<app>/src` and the `src/` of common modules referenced with `file:`; it
excludes Merchant Center apps. The certifier scans more (the whole app and module folders) but reports
outside `src/` at most as Warning and test code as Info; Merchant Center findings are advisory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

from certifier.connector.files import app_folder, load_package_json
from certifier.core.app_types import MC_APP_TYPES
from certifier.connector.layout import local_dependencies, target_of
from certifier.connector.model import App
from certifier.collect.context import CheckContext
from certifier.core.model import Severity
from certifier.core.secrets.rules import secret_rules

VENDORED = "node_modules"


@dataclass(frozen=True)
class AppScope:
    """The folders one app is built from: its own and those of its `file:` common modules."""

    name: str
    type: str
    folder: str
    modules: tuple[str, ...] = ()

    @property
    def advisory(self) -> bool:
        """Merchant Center apps are excluded from the official SAST gate: findings there only advise."""
        return self.type in MC_APP_TYPES

    @property
    def roots(self) -> tuple[str, ...]:
        return (self.folder, *self.modules)

    def owns(self, path: str) -> bool:
        return any(_under(path, root) for root in self.roots)

    def in_src(self, path: str) -> bool:
        return any(_under(path, f"{root}/src" if root else "src") for root in self.roots)


def _under(path: str, folder: str) -> bool:
    return folder == "" or path.startswith(folder.rstrip("/") + "/")


def app_scope(ctx: CheckContext, app: App) -> AppScope | None:
    """The app's scope, or None when its folder is missing or unsafe (the specification stage says so)."""
    folder = app_folder(ctx.root, app.path)
    if folder is None:
        return None
    parsed = load_package_json(ctx.root, f"{folder}/package.json")
    modules = []
    for dependency in local_dependencies(parsed.data):
        target = target_of(folder, dependency.spec)
        if target and target != folder and _is_folder(ctx, target):
            modules.append(target)
    return AppScope(app.name, app.type, folder, tuple(sorted(set(modules))))


def _is_folder(ctx: CheckContext, target: str) -> bool:
    prefix = target + "/"
    return any(f.startswith(prefix) for f in ctx.checkout.files)


def scanned_files(ctx: CheckContext) -> list[str]:
    """Tracked regular files of the checkout, without vendored dependencies (the platform skips them too)."""
    return list(_not_vendored(ctx.checkout.files))


@lru_cache(maxsize=8)
def _not_vendored(files: tuple[str, ...]) -> tuple[str, ...]:
    """Computed once per checkout: a dozen checks ask for it, each over thousands of files."""
    return tuple(f for f in files if VENDORED not in f.split("/")[:-1])


def split_by_size(ctx: CheckContext, files: list[str], limit: int) -> tuple[list[str], list[str]]:
    """(files of at most `limit` bytes, larger or unreadable files) - large ones are reported, not read."""
    small, large = [], []
    listed = ctx.checkout.sizes
    for name in files:
        size = listed.get(name)
        if size is None:  # an lstat per file is what convoys behind the GIL when other checks compute
            try:
                size = os.lstat(ctx.root / name).st_size
            except OSError:
                large.append(name)
                continue
        (small if size <= limit else large).append(name)
    return small, large


def is_test_code(path: str) -> bool:
    return secret_rules().is_test_path(path)


def weighed(severity: Severity, *, test: bool, in_src: bool, advisory: bool) -> Severity:
    """A rule's severity where the finding is: test code Info; outside src/ and MC apps at most Warning."""
    if test:
        return Severity.INFO
    if (not in_src or advisory) and severity is Severity.ERROR:
        return Severity.WARNING
    return severity
