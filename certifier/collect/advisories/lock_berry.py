"""yarn.lock of Yarn 2+ (Berry): YAML with a `__metadata` entry.

    "lodash@npm:^4.17.11, lodash@npm:^4.17.21":
      version: 4.17.21
      resolution: "lodash@npm:4.17.21"
      dependencies: {...}

Registry packages resolve to `<name>@npm:<version>`; `patch:` entries repeat an npm package (skipped:
the npm entry is audited); workspace, git, file, link and portal entries are not registry packages.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable

from certifier.collect.advisories.graph import dev_only
from certifier.collect.advisories.lock_common import check_count, folder_of, string_map
from certifier.collect.advisories.manifests import merged, npm_declared
from certifier.collect.advisories.model import NPM, LockfileError, LockfileInventory, Package
from certifier.collect.advisories.yaml_lock import key_lines, load_yaml

_NPM_RESOLUTION = re.compile(r"^(@?[^@]+)@npm:(.+)$")
_PROTOCOL = re.compile(r"^[a-z][a-z+-]*:")


def parse_yarn_berry(root: Path, path: str, text: str, files: Iterable[str]) -> LockfileInventory:
    data = load_yaml(path, text)
    meta = data.get("__metadata")
    entries = {k: v for k, v in data.items() if k != "__metadata" and isinstance(v, dict)}
    check_count(path, len(entries))
    lines = key_lines(text, 0)
    by_descriptor = {d.strip(): key for key in entries for d in str(key).split(",")}
    declared = merged(npm_declared(root, files, folder_of(path)))

    def edges(key: str) -> list[str]:
        deps = string_map(entries[key].get("dependencies"))
        return [by_descriptor[d] for n, r in deps.items() if (d := _descriptor(n, r)) in by_descriptor]

    prod_roots = [by_descriptor[d] for n, r in declared.prod.items() if (d := _descriptor(n, r)) in by_descriptor]
    dev_roots = [by_descriptor[d] for n, r in declared.dev.items() if (d := _descriptor(n, r)) in by_descriptor]
    dev = dev_only(prod_roots, dev_roots, edges)
    direct = set(prod_roots) | set(dev_roots)
    packages = []
    for key, entry in entries.items():
        package = _package(path, str(key), entry, lines.get(str(key)), key in dev, key in direct)
        if package is not None:
            packages.append(package)
    version = str(meta.get("version")) if isinstance(meta, dict) else ""
    return LockfileInventory(path, "yarn-berry", NPM, tuple(packages), records_licenses=False,
                             format_version=version)


def _descriptor(name: str, rng: str) -> str:
    """package.json/dependency range -> the descriptor Berry writes ('^1.0.0' means 'npm:^1.0.0')."""
    return f"{name}@{rng}" if _PROTOCOL.match(rng) else f"{name}@npm:{rng}"


def _package(path: str, key: str, entry: dict[str, Any], line, dev: bool, direct: bool) -> Package | None:
    resolution = entry.get("resolution")
    version = entry.get("version")
    if not isinstance(resolution, str):
        raise LockfileError(path, f"entry {key[:100]!r} has no resolution", line)
    if "@patch:" in resolution or "@workspace:" in resolution:
        return None
    match = _NPM_RESOLUTION.match(resolution)
    name = match.group(1) if match else resolution[: resolution.find("@", 1)] if resolution.find("@", 1) > 0 else key
    version = str(version) if version is not None else (match.group(2) if match else "")
    if not version:
        raise LockfileError(path, f"entry {key[:100]!r} has no version", line)
    checksum = entry.get("checksum")
    return Package(
        ecosystem=NPM, name=name, version=version, dev=dev, direct=direct, lockfile=path,
        path_in_lock=key, line=line, integrity=checksum if isinstance(checksum, str) else None,
        resolved=resolution, registry=match is not None,
    )
