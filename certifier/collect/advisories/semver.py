"""npm versions: Semantic Versioning 2.0.0 parsing and precedence, as node-semver orders them.

Precedence (semver.org section 11): major, minor, patch numerically; a pre-release sorts before its
release; pre-release identifiers compare left to right, numeric ones numerically, alphanumeric ones in
ASCII order, numeric before alphanumeric, and a shorter list first when all before are equal. Build
metadata is ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_NUM = r"0|[1-9]\d*"
_PRE_ID = rf"(?:{_NUM}|\d*[a-zA-Z-][0-9a-zA-Z-]*)"
_SEMVER = re.compile(
    rf"^(?P<major>{_NUM})\.(?P<minor>{_NUM})\.(?P<patch>{_NUM})"
    rf"(?:-(?P<pre>{_PRE_ID}(?:\.{_PRE_ID})*))?"
    r"(?:\+(?P<build>[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
MAX_LENGTH = 256  # node-semver refuses longer version strings too


class InvalidVersion(ValueError):
    pass


@dataclass(frozen=True)
class SemVer:
    major: int
    minor: int
    patch: int
    prerelease: tuple[int | str, ...] = ()
    build: tuple[str, ...] = ()

    @property
    def key(self) -> tuple:
        """A tuple whose natural order is semver precedence."""
        return (self.major, self.minor, self.patch, _prerelease_key(self.prerelease))

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.prerelease:
            text += "-" + ".".join(str(p) for p in self.prerelease)
        if self.build:
            text += "+" + ".".join(self.build)
        return text


def _prerelease_key(identifiers: tuple[int | str, ...]) -> tuple:
    if not identifiers:
        return (1,)  # a release sorts after every pre-release of the same version
    # numeric identifiers (0, n) sort before alphanumeric ones (1, s)
    return (0, tuple((0, p, "") if isinstance(p, int) else (1, 0, p) for p in identifiers))


@lru_cache(maxsize=65536)
def parse(text: str) -> SemVer:
    """A strict semver, allowing only node-semver's harmless prefixes (`v`, `=`, spaces)."""
    if not isinstance(text, str) or len(text) > MAX_LENGTH:
        raise InvalidVersion(f"not a version: {text!r}"[:300])
    cleaned = text.strip().lstrip("=v").strip()
    match = _SEMVER.match(cleaned)
    if match is None:
        raise InvalidVersion(f"not a semantic version: {text!r}")
    pre = match.group("pre")
    build = match.group("build")
    return SemVer(
        int(match.group("major")),
        int(match.group("minor")),
        int(match.group("patch")),
        tuple(int(p) if p.isdigit() else p for p in pre.split(".")) if pre else (),
        tuple(build.split(".")) if build else (),
    )


def key(text: str) -> tuple:
    return parse(text).key


def compare(a: str, b: str) -> int:
    """-1, 0 or 1, as node-semver's `compare` (build metadata ignored)."""
    ka, kb = key(a), key(b)
    return (ka > kb) - (ka < kb)


def is_valid(text: str) -> bool:
    try:
        parse(text)
    except InvalidVersion:
        return False
    return True
