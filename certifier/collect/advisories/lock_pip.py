"""requirements*.txt as a Python "lockfile": every requirement pinned with `==` (pip freeze, pip-compile).

An unpinned requirement (`requests>=2`) names no exact version, so it cannot be matched: it is listed
as unaudited, never passed as clean. `-r other.txt` includes are followed inside the checkout (a file
that is itself a discovered lockfile is audited on its own). pip-compile's `# via` annotations tell
direct requirements (via -r / a .in file) from transitive ones; without them every line is direct.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath

from packaging.requirements import InvalidRequirement, Requirement

from certifier.collect.advisories.config import limit, setting
from certifier.collect.advisories.lock_common import check_count, folder_of
from certifier.collect.advisories.model import PYPI, LockfileError, LockfileInventory, Package
from certifier.connector.files import join, read_file

_COMMENT = re.compile(r"(^|\s)#.*$")
_TRAILING_OPTIONS = re.compile(r"\s+--?[a-zA-Z][\w-]*(?:[=\s].*)?$")
_OPTION = re.compile(r"^(-r|--requirement|-c|--constraint)\s*=?\s*(\S+)")


@dataclass
class _State:
    packages: list[Package] = field(default_factory=list)
    unaudited: list[str] = field(default_factory=list)
    visited: set[str] = field(default_factory=set)


def parse_requirements(root: Path, path: str, text: str, discovered: frozenset[str] = frozenset()) -> LockfileInventory:
    state = _State()
    _parse(root, path, text, discovered, state, depth=0)
    return LockfileInventory(path, "requirements", PYPI, tuple(state.packages), records_licenses=False,
                             unaudited=tuple(state.unaudited))


def is_dev_file(path: str) -> bool:
    lowered = path.lower()
    return any(fnmatchcase(PurePosixPath(lowered).name, p) or fnmatchcase(lowered, p)
               for p in setting("lockfiles", "dev_requirements_globs"))


def _parse(root: Path, path: str, text: str, discovered: frozenset[str], state: _State, depth: int) -> None:
    state.visited.add(path)
    lines = _logical_lines(text)
    annotated = any(line.lstrip().startswith("# via") for _, line in lines)
    dev = is_dev_file(path)
    for index, (number, raw) in enumerate(lines):
        line = _COMMENT.sub("", raw).strip()
        if not line:
            continue
        if line.startswith("-"):
            _option(root, path, line, number, discovered, state, depth)
            continue
        requirement = _requirement(path, line, number)
        pins = [s for s in requirement.specifier if s.operator in ("==", "===") and "*" not in s.version]
        if requirement.url:
            state.packages.append(Package(PYPI, requirement.name, "", dev, True, path, requirement.name, number,
                                          resolved=requirement.url, registry=False))
        elif len(pins) != 1 or len(requirement.specifier) != 1:
            state.unaudited.append(f"{path}:{number}: {line[:80]} (not pinned with ==)")
        else:
            direct = not annotated or _via_direct(lines[index + 1 :])
            state.packages.append(Package(PYPI, requirement.name, pins[0].version, dev, direct, path,
                                          requirement.name, number))
        check_count(path, len(state.packages))


def _option(root: Path, path: str, line: str, number: int, discovered, state: _State, depth: int) -> None:
    match = _OPTION.match(line)
    if match is None:
        if line.startswith(("-e", "--editable")):
            state.unaudited.append(f"{path}:{number}: editable requirement {line[:80]} has no version")
        return  # index options, --hash lines continued, --no-binary ...: nothing to audit
    if match.group(1) in ("-c", "--constraint"):
        return  # constraints pin nothing by themselves
    target = str(PurePosixPath(join(folder_of(path), match.group(2))))
    if target in discovered or target in state.visited:
        return
    if depth >= limit("requirement_includes_depth") or ".." in PurePosixPath(target).parts:
        state.unaudited.append(f"{path}:{number}: include {match.group(2)} not followed")
        return
    read = read_file(root, target, limit("lockfile_bytes"))
    if read.text is None:
        raise LockfileError(path, f"includes {match.group(2)}, which {read.problem}", number)
    _parse(root, target, read.text, discovered, state, depth + 1)


def _requirement(path: str, line: str, number: int) -> Requirement:
    line = _TRAILING_OPTIONS.sub("", line).strip()  # per-requirement options such as --hash=sha256:...
    try:
        return Requirement(line)
    except InvalidRequirement as bad:
        raise LockfileError(path, f"invalid requirement {line[:80]!r}: {bad}"[:300], number) from None


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, text) with backslash continuations joined."""
    out: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        if pending is not None:
            pending = (pending[0], pending[1] + " " + raw.strip())
        else:
            pending = (number, raw)
        if pending[1].rstrip().endswith("\\"):
            pending = (pending[0], pending[1].rstrip()[:-1])
            continue
        out.append(pending)
        pending = None
    if pending is not None:
        out.append(pending)
    return out


def _via_direct(following: list[tuple[int, str]]) -> bool:
    """pip-compile writes '# via -r requirements.in' (or a .in file) under a requirement that was asked for."""
    for _number, raw in following:
        text = raw.strip()
        if not text.startswith("#"):
            break
        body = text.lstrip("#").strip()
        if body.startswith("via"):
            body = body[3:].strip()
        if body.startswith("-r ") or body.endswith((".in", ".txt")) or body.startswith("-c "):
            return True
    return False
