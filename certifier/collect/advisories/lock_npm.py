"""package-lock.json / npm-shrinkwrap.json, lockfileVersion 1 (nested `dependencies`) and 2/3 (`packages`).

v2/v3 record, per installed path, the version, `dev`/`optional` flags and (npm 7+) the `license`; the
root entry "" and workspace folders list the declared dependencies, which tells direct from transitive.
v1 nests `dependencies` by install path and has no licences; direct ones come from package.json.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

from certifier.collect.advisories.json_lines import object_lines
from certifier.collect.advisories.lock_common import check_count, folder_of, is_registry_url, license_text, string_map
from certifier.collect.advisories.manifests import merged, npm_declared
from certifier.collect.advisories.model import NPM, LockfileError, LockfileInventory, Package
from certifier.collect.advisories.semver import is_valid

NM = "node_modules/"
DECLARED_GROUPS = ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")


def parse_npm(root: Path, path: str, text: str, files: Iterable[str]) -> LockfileInventory:
    data = _load(path, text)
    version = data["lockfileVersion"]
    lines = object_lines(text)
    if isinstance(data.get("packages"), dict):
        packages = _from_packages(path, data["packages"], lines)
        return LockfileInventory(path, "npm", NPM, packages, records_licenses=True, format_version=str(version))
    nested = data.get("dependencies")
    packages = _from_dependencies(root, path, nested, lines, files) if isinstance(nested, dict) else ()
    return LockfileInventory(path, "npm", NPM, packages, records_licenses=False, format_version=str(version))


def _load(path: str, text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as bad:
        raise LockfileError(path, f"is not valid JSON: {bad.msg} (column {bad.colno})", bad.lineno) from None
    except RecursionError:
        raise LockfileError(path, "is nested too deeply to parse") from None
    if not isinstance(data, dict) or not isinstance(data.get("lockfileVersion"), int):
        raise LockfileError(path, "is not an npm lockfile (no integer `lockfileVersion`)", 1)
    return data


# --- lockfileVersion 2 and 3 ------------------------------------------------------------------------


def _from_packages(path: str, entries: dict[str, Any], lines: dict) -> tuple[Package, ...]:
    check_count(path, len(entries))
    # the root "" and workspace folders: what each declares makes its top-level packages direct
    declared = {key: _declared_names(entry) for key, entry in entries.items()
                if isinstance(entry, dict) and not _is_installed(key)}
    out = []
    for key, entry in entries.items():
        if not _is_installed(key) or not isinstance(entry, dict) or entry.get("link") is True:
            continue
        owner, _, rest = key.partition(NM)
        name = entry.get("name") if isinstance(entry.get("name"), str) else key.rsplit(NM, 1)[1]
        top_name = rest if f"/{NM}" not in rest else None
        version = entry.get("version")
        if not isinstance(version, str) or not version:
            raise LockfileError(path, f"entry {key!r} has no version", lines.get(("packages", key)))
        out.append(Package(
            ecosystem=NPM,
            name=name,
            version=version,
            dev=entry.get("dev") is True,
            direct=top_name is not None and top_name in declared.get(owner.rstrip("/"), set()),
            lockfile=path,
            path_in_lock=key,
            line=lines.get(("packages", key)),
            license=license_text(entry.get("license")),
            integrity=entry.get("integrity") if isinstance(entry.get("integrity"), str) else None,
            resolved=entry.get("resolved") if isinstance(entry.get("resolved"), str) else None,
            registry=_registry(entry.get("resolved"), version),
            optional=entry.get("optional") is True,
        ))
    return tuple(out)


def _is_installed(key: str) -> bool:
    return key.startswith(NM) or f"/{NM}" in key


def _declared_names(entry: dict[str, Any]) -> set[str]:
    return {name for group in DECLARED_GROUPS for name in string_map(entry.get(group))}


def _registry(resolved: Any, version: str) -> bool:
    if resolved is None:
        return is_valid(version)  # npm omits `resolved` for packages of the default registry
    return is_registry_url(resolved)


# --- lockfileVersion 1 ------------------------------------------------------------------------------


def _from_dependencies(root: Path, path: str, nested: dict[str, Any], lines: dict, files) -> tuple[Package, ...]:
    declared = merged(npm_declared(root, files, folder_of(path))).names()
    out: list[Package] = []
    stack: list[tuple[str, tuple[str, ...], dict[str, Any]]] = [("", ("dependencies",), nested)]
    while stack:
        prefix, line_path, deps = stack.pop()
        for alias, entry in deps.items():
            if not isinstance(entry, dict):
                continue
            check_count(path, len(out) + 1)
            install_path = f"{prefix}{NM}{alias}"
            out.append(_v1_package(path, alias, entry, install_path, lines.get(line_path + (alias,)),
                                   direct=not prefix and alias in declared))
            if isinstance(entry.get("dependencies"), dict):
                stack.append((install_path + "/", line_path + (alias, "dependencies"), entry["dependencies"]))
    return tuple(sorted(out, key=lambda p: p.path_in_lock))


def _v1_package(path: str, alias: str, entry: dict[str, Any], install_path: str, line, direct: bool) -> Package:
    version = entry.get("version")
    if not isinstance(version, str) or not version:
        raise LockfileError(path, f"dependency {install_path!r} has no version", line)
    name = alias
    if version.startswith("npm:"):  # an alias: "npm:real-name@1.2.3"
        name, _, version = version[4:].rpartition("@")
    resolved = entry.get("resolved")
    return Package(
        ecosystem=NPM,
        name=name or alias,
        version=version,
        dev=entry.get("dev") is True,
        direct=direct,
        lockfile=path,
        path_in_lock=install_path,
        line=line,
        integrity=entry.get("integrity") if isinstance(entry.get("integrity"), str) else None,
        resolved=resolved if isinstance(resolved, str) else None,
        registry=_registry(resolved, version),
        optional=entry.get("optional") is True,
    )
