"""The files of one app, as the checkout lists them, and its package.json: what per-app checks start from."""

from __future__ import annotations

from dataclasses import dataclass

from certifier.connector.files import app_folder, files_under, join, load_package_json, relative_to
from certifier.connector.package_json import PackageJson, line_of_key
from certifier.core.errors import NotApplicable
from certifier.connector.structure_rules import text_limit
from certifier.collect.context import CheckContext
from certifier.core.model import Location


@dataclass(frozen=True)
class AppTree:
    """One app folder: its repo-relative path and the repo-relative files (and symlinks) below it."""

    name: str
    type: str
    folder: str
    files: tuple[str, ...]
    links: tuple[str, ...] = ()

    def path(self, name: str) -> str:
        """Repo-relative path of an app-relative name."""
        return join(self.folder, name)

    def has(self, name: str) -> bool:
        target = self.path(name)
        return target in self.files or target in self.links

    def relative(self) -> list[str]:
        """App-relative paths of the app's files."""
        return [relative_to(f, self.folder) for f in self.files]

    @property
    def is_java(self) -> bool:
        """A Java app has pom.xml and no package.json (docs/connectors.md#connector)."""
        return self.has("pom.xml") and not self.has("package.json")


def app_tree(ctx: CheckContext) -> AppTree:
    """The app's tree, or NotApplicable when its folder is missing or unsafe (the spec stage reports it)."""
    app = ctx.app
    if app is None:
        raise NotApplicable("not an app")
    folder = app_folder(ctx.root, app.path)
    if folder is None:
        raise NotApplicable(f"app folder {app.folder!r} is missing or unsafe (reported by the specification stage)")
    files = tuple(files_under(ctx.checkout.files, folder))
    links = tuple(files_under(ctx.checkout.symlinks.keys(), folder))
    return AppTree(app.name, app.type, folder, files, links)


def package_json(ctx: CheckContext, tree: AppTree) -> PackageJson:
    return load_package_json(ctx.root, tree.path("package.json"), text_limit())


def node_package(ctx: CheckContext, tree: AppTree) -> PackageJson:
    """The app's parsed package.json, or NotApplicable for Java apps and for a missing/invalid file
    (struct.package-json reports those; repeating it in every check would bury the real defect)."""
    if tree.is_java:
        raise NotApplicable(f"{tree.name} is a Java app (pom.xml, no package.json)")
    if not tree.has("package.json"):
        raise NotApplicable(f"{tree.name} has no package.json (reported by struct.package-json)")
    parsed = package_json(ctx, tree)
    if parsed.data is None:
        raise NotApplicable(f"{parsed.problem} (reported by struct.package-json)")
    return parsed


def script_location(parsed: PackageJson, name: str | None = None) -> Location:
    """Where a script is (or, when absent, where `scripts` is) in package.json."""
    line = line_of_key(parsed.text, name, within="scripts") if name else None
    if line is None:
        line = line_of_key(parsed.text, "scripts")
    return Location(path=parsed.path, line=line or 1)
