"""The dependency inventory: what one lockfile pins, as plain frozen data shared by every check."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NPM = "npm"
PYPI = "PyPI"


def normalise_name(ecosystem: str, name: str) -> str:
    """The identity of a package name: PyPI names per PEP 503 (case and -_. insensitive), npm as is."""
    if ecosystem == PYPI:
        return re.sub(r"[-_.]+", "-", name).lower()
    return name


@dataclass(frozen=True)
class Package:
    """One locked package. `registry` is False for git/file/link/workspace packages (never in an advisory DB)."""

    ecosystem: str
    name: str
    version: str
    dev: bool
    direct: bool
    lockfile: str  # repository-relative path of the lockfile
    path_in_lock: str  # e.g. node_modules/a/node_modules/b, or the yarn/pnpm entry key
    line: int | None = None
    license: str | None = None
    integrity: str | None = None
    resolved: str | None = None
    registry: bool = True
    optional: bool = False

    @property
    def key(self) -> str:
        return normalise_name(self.ecosystem, self.name)

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def relation(self) -> str:
        """'direct dev', 'transitive', ... as a reader says it."""
        return ("direct" if self.direct else "transitive") + (" dev" if self.dev else "")


@dataclass(frozen=True)
class LockfileInventory:
    """Everything one lockfile pins. `unaudited` names requirements whose exact version is unknown
    (an unpinned requirements.txt line): those parts cannot be matched and must not pass as clean."""

    path: str
    kind: str  # npm | yarn-classic | yarn-berry | pnpm | requirements | poetry
    ecosystem: str
    packages: tuple[Package, ...]
    records_licenses: bool  # the format carries a licence per package (package-lock v2/v3)
    format_version: str = ""
    unaudited: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())


class LockfileError(Exception):
    """A lockfile that cannot be read or parsed: that part of the connector is NOT audited."""

    def __init__(self, path: str, problem: str, line: int | None = None) -> None:
        self.path = path
        self.problem = problem
        self.line = line
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {problem}")
