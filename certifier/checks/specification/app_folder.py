"""spec.app-folder: every declared app has its folder at the root, named exactly like deployAs[].name."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from certifier.checks.registry import Scope, check

from certifier.core.errors import NotApplicable
from certifier.checks.specification._common import connector, finding
from certifier.connector.model import App, Connector
from certifier.collect.context import CheckContext
from certifier.core.model import Finding, Severity, Stage


@dataclass(frozen=True)
class FolderFacts:
    """What is at <root>/<name>. kind: dir, missing, not-dir, link-inside, link-root, link-outside,
    link-dangling, link-not-dir."""

    kind: str
    target: str | None = None  # a symlink's target as stored
    other_case: str | None = None  # an entry that differs only in case


@check(
    id="spec.app-folder",
    version="1.0.0",
    stage=Stage.SPECIFICATION,
    title="Each declared app has its folder",
    rationale="Connect builds each app in /workspace/<name>: the folder named exactly like deployAs[].name "
    "(case-sensitive). A declared app without a folder cannot be built. A folder that is a symbolic link "
    "works only while its target stays inside the repository.",
    remediation="Create the folder <name>/ at the repository root with the app's code, or rename the folder "
    "or the deployAs entry so that they match exactly.",
    severity=Severity.ERROR,
    scope=Scope.CONNECTOR,
)
def app_folder(ctx: CheckContext) -> Iterator[Finding]:
    model = connector(ctx)
    if not model.apps:
        raise NotApplicable("no deployAs entry has a valid name (reported by spec.schema)")
    for app in model.apps:
        yield from folder_findings(model, app, folder_facts(ctx.root, app.name))


def folder_facts(root: Path, name: str) -> FolderFacts:
    """Facts about <root>/<name>; `name` is a safe app name (inventory never builds others)."""
    entries = os.listdir(root)
    if name not in entries:
        other = next((e for e in sorted(entries) if e.lower() == name.lower()), None)
        return FolderFacts("missing", other_case=other)
    path = root / name
    if not path.is_symlink():
        return FolderFacts("dir" if path.is_dir() else "not-dir")
    target = os.readlink(path)
    try:
        real_root, real = Path(os.path.realpath(root)), Path(os.path.realpath(path, strict=True))
    except (OSError, RuntimeError):  # dangling link or a loop
        return FolderFacts("link-dangling", target)
    if real == real_root:
        return FolderFacts("link-root", target)
    if real_root not in real.parents:
        return FolderFacts("link-outside", target)
    return FolderFacts("link-inside" if real.is_dir() else "link-not-dir", target)


def folder_findings(model: Connector, app: App, facts: FolderFacts) -> Iterator[Finding]:
    where = f"{app.manifest_path}.name"
    name = app.name
    if facts.kind == "dir":
        return
    if facts.kind == "link-inside":
        yield finding(model, where, f"App folder {name}/ is a symbolic link to {facts.target!r} inside the "
                      "repository; the build uses the link's target", Severity.WARNING, "symlink",
                      f"Prefer a real folder {name}/; if several apps share one codebase, keep the link "
                      "inside the repository.", target=facts.target)
        return
    message, remedy = _problem(name, facts)
    yield finding(model, where, message, Severity.ERROR, facts.kind, remedy, target=facts.target)


def _problem(name: str, facts: FolderFacts) -> tuple[str, str]:
    if facts.kind == "missing" and facts.other_case:
        return (f"App folder {name}/ does not exist; {facts.other_case}/ differs only in case and folder names "
                "are case-sensitive", f"Rename {facts.other_case}/ to {name}/ (or the app to {facts.other_case}).")
    if facts.kind == "missing":
        return (f"App folder {name}/ does not exist at the repository root, so the app cannot be built",
                f"Add the folder {name}/ with the app's code, or fix the name in connect.yaml.")
    if facts.kind == "not-dir":
        return f"{name} at the repository root is a file, not the app's folder", f"Make {name}/ a folder."
    escapes = {
        "link-outside": "which leaves the repository",
        "link-root": "which is the repository root itself",
        "link-dangling": "which does not exist (or loops)",
        "link-not-dir": "which is not a folder",
    }[facts.kind]
    return (f"App folder {name}/ is a symbolic link to {facts.target!r}, {escapes}; it is not followed",
            f"Replace the link with a real folder {name}/ inside the repository.")
