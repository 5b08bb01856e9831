"""yarn.lock of Yarn Classic (v1): a small strict parser of its own indentation format.

    "@babel/core@^7.0.0", "@babel/core@^7.1.0":      <- entry header: the descriptors it satisfies
      version "7.1.2"
      resolved "https://registry.yarnpkg.com/@babel/core/-/core-7.1.2.tgz#..."
      integrity sha512-...
      dependencies:
        "@babel/types" "^7.1.2"

The format records no dev flag and no licence: package.json (and workspace members) give the roots,
and a walk of the `dependencies` edges tells dev-only packages from production ones.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from certifier.collect.advisories.graph import dev_only
from certifier.collect.advisories.lock_common import check_count, folder_of, is_registry_url
from certifier.collect.advisories.manifests import merged, npm_declared
from certifier.collect.advisories.model import NPM, LockfileError, LockfileInventory, Package

_DESCRIPTOR = re.compile(r'\s*("(?:[^"\\]|\\.)*"|[^,"]+?)\s*(?:,|$)')
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\S+')
EDGE_FIELDS = ("dependencies", "optionalDependencies")


@dataclass
class Entry:
    descriptors: list[str]
    line: int
    fields: dict[str, str | dict[str, str]] = field(default_factory=dict)


def parse_yarn_classic(root: Path, path: str, text: str, files: Iterable[str]) -> LockfileInventory:
    entries = read_entries(path, text)
    check_count(path, len(entries))
    by_descriptor = {d: n for n, entry in enumerate(entries) for d in entry.descriptors}
    declared = merged(npm_declared(root, files, folder_of(path)))

    def edges(index: int) -> list[int]:
        fields = entries[index].fields
        refs = [f"{name}@{rng}" for group in EDGE_FIELDS if isinstance(fields.get(group), dict)
                for name, rng in fields[group].items()]
        return [by_descriptor[r] for r in refs if r in by_descriptor]

    prod_roots = [by_descriptor[d] for n, r in declared.prod.items() if (d := f"{n}@{r}") in by_descriptor]
    dev_roots = [by_descriptor[d] for n, r in declared.dev.items() if (d := f"{n}@{r}") in by_descriptor]
    dev = dev_only(prod_roots, dev_roots, edges)
    direct = set(prod_roots) | set(dev_roots)
    packages = tuple(_package(path, entry, n in dev, n in direct) for n, entry in enumerate(entries))
    return LockfileInventory(path, "yarn-classic", NPM, packages, records_licenses=False, format_version="1")


def _package(path: str, entry: Entry, dev: bool, direct: bool) -> Package:
    first = entry.descriptors[0]
    name, rng = split_descriptor(first)
    if rng.startswith("npm:"):  # alias "name@npm:real@range"
        real = rng[4:]
        name = real[: real.find("@", 1)] if real.find("@", 1) > 0 else real
    version = entry.fields.get("version")
    if not isinstance(version, str) or not version:
        raise LockfileError(path, f"entry {first!r} has no version", entry.line)
    resolved = entry.fields.get("resolved") if isinstance(entry.fields.get("resolved"), str) else None
    integrity = entry.fields.get("integrity") if isinstance(entry.fields.get("integrity"), str) else None
    return Package(
        ecosystem=NPM, name=name, version=version, dev=dev, direct=direct, lockfile=path,
        path_in_lock=first, line=entry.line, integrity=integrity, resolved=resolved,
        registry=is_registry_url(resolved) and "/-/" in (resolved or ""),
    )


def split_descriptor(descriptor: str) -> tuple[str, str]:
    """'@scope/name@^1.0.0' -> ('@scope/name', '^1.0.0'): the name ends at the first '@' after its start."""
    at = descriptor.find("@", 1)
    return (descriptor, "") if at < 0 else (descriptor[:at], descriptor[at + 1 :])


# --- the format ---------------------------------------------------------------------------------------


def read_entries(path: str, text: str) -> list[Entry]:
    entries: list[Entry] = []
    section: dict[str, str] | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.lstrip(" ")
        if not stripped.strip() or stripped.startswith("#"):
            continue
        indent = len(raw) - len(stripped)
        if stripped.startswith("\t") or indent % 2:
            raise LockfileError(path, "is not a Yarn Classic lockfile: unexpected indentation", number)
        line = stripped.rstrip()
        depth = indent // 2
        if depth == 0:
            if not line.endswith(":"):
                raise LockfileError(path, "expected an entry header ending with ':'", number)
            entries.append(Entry(_descriptors(path, line[:-1], number), number))
            section = None
        elif depth == 1 and entries:
            if line.endswith(":"):
                section = entries[-1].fields.setdefault(_unquote(path, line[:-1].strip(), number), {})
                if not isinstance(section, dict):
                    raise LockfileError(path, "a field is given twice", number)
            else:
                key, value = _key_value(path, line, number)
                entries[-1].fields[key] = value
                section = None
        elif depth == 2 and section is not None:
            key, value = _key_value(path, line, number)
            section[key] = value
        else:
            raise LockfileError(path, "unexpected indentation (not a Yarn Classic lockfile)", number)
    return entries


def _descriptors(path: str, header: str, number: int) -> list[str]:
    found = [_unquote(path, m.group(1), number) for m in _DESCRIPTOR.finditer(header) if m.group(1).strip()]
    if not found or any(not d or "@" not in d[1:] for d in found):
        raise LockfileError(path, f"entry header {header[:100]!r} is not a list of name@range", number)
    return found


def _key_value(path: str, line: str, number: int) -> tuple[str, str]:
    tokens = _TOKEN.findall(line)
    if len(tokens) != 2:
        raise LockfileError(path, "expected `key value`", number)
    return _unquote(path, tokens[0], number), _unquote(path, tokens[1], number)


def _unquote(path: str, token: str, number: int) -> str:
    if not token.startswith('"'):
        return token
    try:
        value = json.loads(token)
    except ValueError:
        raise LockfileError(path, f"bad quoted string {token[:60]!r}", number) from None
    if not isinstance(value, str):
        raise LockfileError(path, f"bad quoted string {token[:60]!r}", number)
    return value
