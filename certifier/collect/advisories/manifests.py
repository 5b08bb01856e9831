"""The declared dependencies next to a lockfile: package.json (and workspace members), pyproject.toml.

They tell which locked packages are direct and which are development-only for formats that do not
record it (yarn, pnpm 9, package-lock v1, requirements files, poetry).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath
from typing import Any, Iterable

from certifier.collect.advisories.config import limit
from certifier.collect.advisories.model import PYPI, normalise_name
from certifier.connector.files import join, load_package_json, read_file

PROD_GROUPS = ("dependencies", "optionalDependencies", "peerDependencies")
DEV_GROUPS = ("devDependencies",)


@dataclass(frozen=True)
class Declared:
    """name -> declared range, split into production and development dependencies."""

    prod: dict[str, str] = field(default_factory=dict)
    dev: dict[str, str] = field(default_factory=dict)
    found: bool = False  # some manifest was readable

    def names(self) -> set[str]:
        return set(self.prod) | set(self.dev)


def npm_declared(root: Path, files: Iterable[str], folder: str) -> list[tuple[str, Declared]]:
    """(folder, declared) of the package.json in `folder` and of each workspace member it lists."""
    top = _package_json(root, join(folder, "package.json"))
    if top is None:
        return []
    out = [(folder, _groups(top))]
    patterns = _workspace_patterns(top.get("workspaces"))
    if patterns:
        prefix = f"{folder}/" if folder else ""
        for path in sorted(files):
            if not path.startswith(prefix) or not path.endswith("/package.json") or "node_modules/" in path:
                continue
            member = path[len(prefix) : -len("/package.json")]
            if any(fnmatchcase(member, p) for p in patterns):
                data = _package_json(root, path)
                if data is not None:
                    out.append((join(folder, member), _groups(data)))
    return out


def merged(declared: list[tuple[str, Declared]]) -> Declared:
    prod: dict[str, str] = {}
    dev: dict[str, str] = {}
    for _folder, one in declared:
        prod.update(one.prod)
        dev.update({k: v for k, v in one.dev.items() if k not in prod})
    return Declared(prod, dev, bool(declared))


def _package_json(root: Path, rel: str) -> dict[str, Any] | None:
    return load_package_json(root, rel, limit("lockfile_bytes")).data


def _groups(data: dict[str, Any]) -> Declared:
    prod: dict[str, str] = {}
    dev: dict[str, str] = {}
    for group in PROD_GROUPS:
        prod.update(_string_map(data.get(group)))
    for group in DEV_GROUPS:
        dev.update({k: v for k, v in _string_map(data.get(group)).items() if k not in prod})
    return Declared(prod, dev, True)


def _string_map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, str)}


def _workspace_patterns(value: Any) -> list[str]:
    if isinstance(value, dict):
        value = value.get("packages")
    if not isinstance(value, list):
        return []
    return [str(PurePosixPath(p.strip())).strip("/") for p in value if isinstance(p, str) and p.strip()]


# --- Python ---------------------------------------------------------------------------------------


def python_declared(root: Path, folder: str) -> Declared:
    """Direct dependencies from pyproject.toml ([project] and [tool.poetry]), names normalised."""
    read = read_file(root, join(folder, "pyproject.toml"), limit("lockfile_bytes"))
    if read.text is None:
        return Declared()
    try:
        data = tomllib.loads(read.text)
    except (tomllib.TOMLDecodeError, RecursionError):
        return Declared()
    prod: dict[str, str] = {}
    dev: dict[str, str] = {}
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    for spec in project.get("dependencies") or ():
        if isinstance(spec, str):
            prod[_requirement_name(spec)] = spec
    for group, specs in (project.get("optional-dependencies") or {}).items():
        for spec in specs if isinstance(specs, list) else ():
            if isinstance(spec, str):
                (dev if _is_dev_group(group) else prod).setdefault(_requirement_name(spec), spec)
    poetry = (data.get("tool") or {}).get("poetry") if isinstance(data.get("tool"), dict) else None
    if isinstance(poetry, dict):
        prod.update({normalise_name(PYPI, k): str(v) for k, v in (poetry.get("dependencies") or {}).items()})
        dev.update({normalise_name(PYPI, k): str(v) for k, v in (poetry.get("dev-dependencies") or {}).items()})
        for group, body in (poetry.get("group") or {}).items():
            target = dev if _is_dev_group(group) else prod
            if isinstance(body, dict):
                target.update({normalise_name(PYPI, k): str(v) for k, v in (body.get("dependencies") or {}).items()})
    prod.pop("python", None)
    return Declared(prod, {k: v for k, v in dev.items() if k not in prod}, True)


def _is_dev_group(name: str) -> bool:
    return name.lower() in {"dev", "test", "tests", "lint", "docs", "typing", "development"}


def _requirement_name(spec: str) -> str:
    name = ""
    for char in spec.strip():
        if char.isalnum() or char in "-_.":
            name += char
        else:
            break
    return normalise_name(PYPI, name)
