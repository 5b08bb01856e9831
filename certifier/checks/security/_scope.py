"""What the security checks look at: which app (and shared module) owns a file, and how much a finding
there counts (the files of the checkout are certifier.collect.scans').

The official SAST gate scans `<app>/src` and the `src/` of common modules referenced with `file:`; it
excludes Merchant Center apps. The certifier scans more (the whole app and module folders) but reports
outside `src/` at most as Warning and test code as Info; Merchant Center findings are advisory.
"""

from __future__ import annotations

from dataclasses import dataclass

from certifier.connector.files import app_folder, load_package_json
from certifier.core.app_types import MC_APP_TYPES
from certifier.connector.layout import local_dependencies, target_of
from certifier.connector.model import App
from certifier.collect.context import CheckContext
from certifier.collect.scans import scanned_files
from certifier.core.model import Severity

__all__ = ["AppScope", "app_scope", "scanned_files", "weighed"]  # scanned_files: collect.scans' own


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


def weighed(severity: Severity, *, test: bool, in_src: bool, advisory: bool) -> Severity:
    """A rule's severity where the finding is: test code Info; outside src/ and MC apps at most Warning."""
    if test:
        return Severity.INFO
    if (not in_src or advisory) and severity is Severity.ERROR:
        return Severity.WARNING
    return severity
