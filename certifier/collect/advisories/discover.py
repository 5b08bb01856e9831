"""Which lockfiles a checkout holds, and parsing one of them with the parser of its format."""

from __future__ import annotations

from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath
from typing import Iterable

from certifier.collect.advisories.config import limit, setting
from certifier.collect.advisories.lock_berry import parse_yarn_berry
from certifier.collect.advisories.lock_npm import parse_npm
from certifier.collect.advisories.lock_pip import parse_requirements
from certifier.collect.advisories.lock_pnpm import parse_pnpm
from certifier.collect.advisories.lock_poetry import parse_poetry
from certifier.collect.advisories.lock_yarn import parse_yarn_classic
from certifier.collect.advisories.model import LockfileError, LockfileInventory
from certifier.connector.files import read_file

YARN_BERRY_MARKER = "__metadata:"


def lockfile_kind(path: str) -> str | None:
    """npm | yarn | pnpm | poetry | requirements, or None when `path` is no lockfile."""
    pure = PurePosixPath(path)
    names = setting("lockfiles", "names")
    if pure.name in names:
        return str(names[pure.name])
    lowered = path.lower()
    tail = "/".join(pure.parts[-2:]).lower()
    for pattern in setting("lockfiles", "requirements_globs"):
        target = tail if "/" in pattern else pure.name.lower()
        if fnmatchcase(target, pattern) and lowered.endswith(".txt"):
            return "requirements"
    return None


def find_lockfiles(files: Iterable[str]) -> list[str]:
    """Every lockfile of the checkout, outside node_modules and virtualenvs, sorted."""
    skipped = set(setting("lockfiles", "skipped_dirs"))
    return sorted(f for f in files if not skipped & set(PurePosixPath(f).parts[:-1]) and lockfile_kind(f))


def parse_lockfile(root: Path, path: str, files: Iterable[str] = (), discovered: frozenset[str] = frozenset()
                   ) -> LockfileInventory:
    """The inventory of one lockfile; LockfileError says precisely why it cannot be audited."""
    kind = lockfile_kind(path)
    if kind is None:
        raise LockfileError(path, "is not a lockfile certifier knows")
    read = read_file(root, path, limit("lockfile_bytes"))
    if read.text is None:
        raise LockfileError(path, str(read.problem))
    text = read.text
    files = tuple(files)
    if kind == "npm":
        return parse_npm(root, path, text, files)
    if kind == "yarn":
        if any(line.startswith(YARN_BERRY_MARKER) for line in text[:65536].splitlines()):
            return parse_yarn_berry(root, path, text, files)
        return parse_yarn_classic(root, path, text, files)
    if kind == "pnpm":
        return parse_pnpm(root, path, text, files)
    if kind == "poetry":
        return parse_poetry(root, path, text)
    return parse_requirements(root, path, text, discovered)
