"""Version ordering per ecosystem: npm by semver, PyPI by PEP 440 (packaging.version)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from packaging.version import InvalidVersion as PepInvalid
from packaging.version import Version

from certifier.collect.advisories import semver
from certifier.collect.advisories.model import NPM, PYPI


class UnorderedVersion(ValueError):
    """A version the ecosystem's rules cannot place: ranges cannot be evaluated for it."""


@lru_cache(maxsize=131072)
def sort_key(ecosystem: str, version: str, range_type: str = "ECOSYSTEM") -> Any:
    """A comparable key for `version` (SEMVER ranges always use semver, whatever the ecosystem)."""
    if range_type == "SEMVER" or ecosystem == NPM:
        try:
            return semver.key(version)
        except semver.InvalidVersion as bad:
            raise UnorderedVersion(str(bad)) from None
    if ecosystem == PYPI:
        try:
            return Version(version)
        except PepInvalid:
            raise UnorderedVersion(f"not a PEP 440 version: {version!r}") from None
    raise UnorderedVersion(f"no version ordering for ecosystem {ecosystem!r}")


def same_version(ecosystem: str, a: str, b: str) -> bool:
    """Exact version equality as the ecosystem sees it (PyPI: 2.0 == 2.0.0; npm: build metadata ignored)."""
    if a == b:
        return True
    try:
        return sort_key(ecosystem, a) == sort_key(ecosystem, b)
    except UnorderedVersion:
        return False
