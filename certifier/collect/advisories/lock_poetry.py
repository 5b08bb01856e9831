"""poetry.lock: TOML `[[package]]` tables with name, version, category (Poetry < 1.5) or groups.

pyproject.toml next to it gives the direct dependencies. Packages from git, a directory, a file or a
URL are not registry packages.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from certifier.collect.advisories.lock_common import check_count, folder_of
from certifier.collect.advisories.manifests import python_declared
from certifier.collect.advisories.model import PYPI, LockfileError, LockfileInventory, Package, normalise_name

_NAME_LINE = re.compile(r'^name\s*=\s*"([^"]+)"\s*$')


def parse_poetry(root: Path, path: str, text: str) -> LockfileInventory:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as bad:
        raise LockfileError(path, f"is not valid TOML: {bad}"[:300]) from None
    except RecursionError:
        raise LockfileError(path, "is nested too deeply to parse") from None
    entries = data.get("package")
    if not isinstance(entries, list):
        return LockfileInventory(path, "poetry", PYPI, (), records_licenses=False)
    check_count(path, len(entries))
    declared = python_declared(root, folder_of(path))
    lines = _package_lines(text)
    packages = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise LockfileError(path, "a [[package]] table has no name")
        name, version = entry["name"], entry.get("version")
        if not isinstance(version, str) or not version:
            raise LockfileError(path, f"package {name!r} has no version", lines.get(name))
        key = normalise_name(PYPI, name)
        source = entry.get("source") if isinstance(entry.get("source"), dict) else {}
        packages.append(Package(
            ecosystem=PYPI, name=name, version=version, dev=_is_dev(entry), direct=key in declared.names(),
            lockfile=path, path_in_lock=name, line=lines.get(name),
            registry=source.get("type") in (None, "legacy"), optional=entry.get("optional") is True,
        ))
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    return LockfileInventory(path, "poetry", PYPI, tuple(packages), records_licenses=False,
                             format_version=str(metadata.get("lock-version", "")))


def _is_dev(entry: dict[str, Any]) -> bool:
    if entry.get("category") == "dev":
        return True
    groups = entry.get("groups")
    return isinstance(groups, list) and bool(groups) and "main" not in groups


def _package_lines(text: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    in_package = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_package = stripped == "[[package]]"
        elif in_package and (match := _NAME_LINE.match(stripped)):
            lines.setdefault(match.group(1), number)
            in_package = False
    return lines
