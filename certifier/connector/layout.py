"""Facts about a connector's package layout that both its checks and its build need: npm workspaces and
local (file:/link:) dependencies between its folders. Pure functions over the checkout's files."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from certifier.connector.files import load_package_json
from certifier.connector.structure_rules import rule, text_limit


@dataclass(frozen=True)
class LocalDependency:
    field: str  # dependencies | devDependencies | ...
    name: str
    spec: str  # as written, e.g. file:../shared


def is_workspace_member(root: Path, files: tuple[str, ...], folder: str) -> bool:
    """True when the root package.json `workspaces` (array or {packages: [...]}) matches the app folder."""
    if "package.json" not in files or not folder:
        return False
    data = load_package_json(root, "package.json", text_limit()).data or {}
    patterns = workspace_patterns(data.get("workspaces"))
    return any(fnmatchcase(folder, p.strip("./").rstrip("/")) for p in patterns)


def workspace_patterns(value: Any) -> list[str]:
    """The folder patterns of a package.json `workspaces` (an array, or {packages: [...]})."""
    if isinstance(value, dict):
        value = value.get("packages")
    if not isinstance(value, list):
        return []
    return [p for p in value if isinstance(p, str) and p.strip()]


def local_dependencies(data: dict[str, Any] | None) -> list[LocalDependency]:
    """Every dependency whose spec starts with file: or link: (pure)."""
    if not isinstance(data, dict):
        return []
    protocols = tuple(rule("common_modules", "protocols"))
    found = []
    for field in rule("common_modules", "dependency_fields"):
        deps = data.get(field)
        if not isinstance(deps, dict):
            continue
        for name, spec in deps.items():
            if isinstance(spec, str) and spec.strip().startswith(protocols):
                found.append(LocalDependency(field, str(name), spec.strip()))
    return found


def target_of(folder: str, spec: str) -> str | None:
    """Repo-relative POSIX target of a file:/link: spec, or None when it leaves the repository."""
    raw = spec.split(":", 1)[1].replace("\\", "/")
    if raw.startswith("//"):  # file:///abs/path
        raw = raw[2:]
    if raw.startswith("/") or (len(raw) > 1 and raw[1] == ":") or raw.startswith("~"):
        return None
    joined = posixpath.normpath(posixpath.join(folder, raw)) if raw else folder
    if joined == ".." or joined.startswith("../"):
        return None
    return "" if joined == "." else joined
