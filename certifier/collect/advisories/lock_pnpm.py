"""pnpm-lock.yaml, lockfileVersion 5.x, 6.x and 9.x.

    5.x  packages: /name/1.2.3 or /@scope/name/1.2.3_peer    importer deps: {name: 1.2.3_peer}
    6.x  packages: /name@1.2.3(peer@1.0.0)                   importer deps: {name: {specifier, version}}
    9.x  packages: name@1.2.3 (metadata) + snapshots: name@1.2.3(peer@1.0.0) (the graph), no `dev` flag

Importers (the root '.', workspace folders, or the top level of a single-project 5.x/6.x file) list
the direct dependencies; `dev` comes from the entry when recorded, else from a walk of the graph.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Iterable

from certifier.collect.advisories.graph import dev_only
from certifier.collect.advisories.lock_common import check_count, string_map
from certifier.collect.advisories.model import NPM, LockfileError, LockfileInventory, Package
from certifier.collect.advisories.yaml_lock import key_lines, load_yaml

PROD = ("dependencies", "optionalDependencies")
DEV = ("devDependencies",)


def parse_pnpm(root: Path, path: str, text: str, files: Iterable[str]) -> LockfileInventory:
    data = load_yaml(path, text)
    major = _major(path, data.get("lockfileVersion"))
    packages = data.get("packages") if isinstance(data.get("packages"), dict) else {}
    graph = data.get("snapshots") if major >= 9 and isinstance(data.get("snapshots"), dict) else packages
    check_count(path, len(packages) + len(graph))
    importers = data.get("importers") if isinstance(data.get("importers"), dict) else {".": data}
    node = _node_key(major)

    def edges(key: str) -> list[str]:
        entry = graph.get(key)
        if not isinstance(entry, dict):
            return []
        refs = [node(n, r) for group in PROD for n, r in string_map(entry.get(group)).items()]
        return [r for r in refs if r is not None]

    prod_roots = _importer_refs(importers, PROD, node)
    dev_roots = _importer_refs(importers, DEV, node)
    dev = dev_only(prod_roots, dev_roots, edges)
    direct = {base_key(k, major) for k in prod_roots + dev_roots}
    lines = key_lines(text, 2, "packages")
    found: dict[str, Package] = {}
    in_graph = {base_key(str(k), major) for k in graph}
    for key in list(graph) + [k for k in packages if base_key(str(k), major) not in in_graph]:
        base = base_key(str(key), major)
        meta = packages.get(key) or packages.get(base) or {}
        entry = graph.get(key) if isinstance(graph.get(key), dict) else {}
        flag = entry.get("dev", meta.get("dev") if isinstance(meta, dict) else None)
        is_dev = flag if isinstance(flag, bool) else key in dev
        package = _package(path, base, meta if isinstance(meta, dict) else {}, lines.get(base) or lines.get(key),
                           is_dev, base in direct)
        previous = found.get(base)
        if previous is not None:  # peer variants of one version: dev only if every variant is
            package = replace(previous, dev=previous.dev and package.dev)
        found[base] = package
    return LockfileInventory(path, "pnpm", NPM, tuple(found.values()), records_licenses=False,
                             format_version=str(data.get("lockfileVersion")))


def _major(path: str, value: Any) -> int:
    try:
        major = int(float(str(value)))
    except ValueError:
        raise LockfileError(path, f"has no usable lockfileVersion ({str(value)[:40]!r})", 1) from None
    if major < 5 or major > 9:
        raise LockfileError(path, f"lockfileVersion {value} is not supported (5.x, 6.x and 9.x are)", 1)
    return major


def base_key(key: str, major: int) -> str:
    """The package without its peer-dependency suffix: '(...)' in 6.x/9.x, '_...' in 5.x."""
    if major >= 6:
        return key.split("(", 1)[0]
    head, _, version = key.rpartition("/")  # 5.x writes a peer's '/' as '+', so the last '/' ends the name
    return f"{head}/{version.split('_', 1)[0]}"


def _node_key(major: int):
    def node(name: str, ref: str) -> str | None:
        if ref.startswith(("link:", "file:", "workspace:")):
            return None
        if ref.startswith("/") or (not ref[:1].isdigit() and "@" in ref[1:]):
            return ref  # an alias or a full key already
        if major >= 9:
            return f"{name}@{ref}"
        return f"/{name}@{ref}" if major >= 6 else f"/{name}/{ref}"

    return node


def _importer_refs(importers: dict[str, Any], groups: tuple[str, ...], node) -> list[str]:
    refs = []
    for importer in importers.values():
        if not isinstance(importer, dict):
            continue
        for group in groups:
            deps = importer.get(group)
            for name, value in (deps.items() if isinstance(deps, dict) else ()):
                version = value.get("version") if isinstance(value, dict) else value
                if isinstance(version, str) and (ref := node(str(name), version)) is not None:
                    refs.append(ref)
    return refs


def _package(path: str, key: str, meta: dict[str, Any], line, dev: bool, direct: bool) -> Package:
    name, version = split_key(key)
    name = meta.get("name") if isinstance(meta.get("name"), str) else name
    version = str(meta.get("version")) if meta.get("version") is not None else version
    if not name or not version:
        raise LockfileError(path, f"package key {key[:100]!r} names no package and version", line)
    resolution = meta.get("resolution") if isinstance(meta.get("resolution"), dict) else {}
    registry = not any(k in resolution for k in ("tarball", "type", "directory", "repo"))
    integrity = resolution.get("integrity") if isinstance(resolution.get("integrity"), str) else None
    return Package(
        ecosystem=NPM, name=name, version=version, dev=dev, direct=direct, lockfile=path, path_in_lock=key,
        line=line, integrity=integrity, resolved=resolution.get("tarball") if registry is False else None,
        registry=registry, optional=meta.get("optional") is True,
    )


def split_key(key: str) -> tuple[str, str]:
    """'/@scope/name/1.0.0' (5.x), '/@scope/name@1.0.0' (6.x), '@scope/name@1.0.0' (9.x) -> (name, version)."""
    body = key.lstrip("/")
    at = body.find("@", 1)
    if at > 0:
        return body[:at], body[at + 1 :]
    head, _, version = body.rpartition("/")
    return head, version
