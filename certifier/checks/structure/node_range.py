"""A small reader of npm semver ranges (`engines.node`, `.nvmrc`), enough to ask which Node versions a
range admits.

A range becomes a union of half-open intervals [lo, hi) over (major, minor, patch). Prerelease tags are
ignored (a Node release has none), which is exact for the question asked here: does the range admit any
release at or above a given major? Grammar, as npm defines it: sets separated by `||`; a set is either a
hyphen range `A - B` or space-separated comparators `[op]version` with op in `>= <= > < = ~ ~> ^` (or
none) and versions that may be partial (`20`, `20.1`) or use `x`, `X`, `*` wildcards and a `v` prefix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Version = tuple[int, int, int]
ZERO: Version = (0, 0, 0)
MAX_RANGE_CHARS = 256

_PART = r"(?:0|[1-9]\d{0,8}|[xX*])"
_COMPARATOR = re.compile(
    rf"^(?P<op>>=|<=|>|<|=|~>|~|\^)?v?(?P<a>{_PART})(?:\.(?P<b>{_PART})(?:\.(?P<c>{_PART}))?)?"
    r"(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$"
)
_HYPHEN = re.compile(r"^\s*(\S+)\s+-\s+(\S+)\s*$")
_OPERATOR_SPACE = re.compile(r"(>=|<=|~>|>|<|=|~|\^)\s+")


class RangeError(ValueError):
    """The text is not an npm semver range."""


@dataclass(frozen=True)
class Interval:
    lo: Version
    hi: Version | None  # exclusive; None means unbounded

    @property
    def empty(self) -> bool:
        return self.hi is not None and self.hi <= self.lo

    def intersect(self, other: Interval) -> Interval:
        his = [h for h in (self.hi, other.hi) if h is not None]
        return Interval(max(self.lo, other.lo), min(his) if his else None)


ANY = Interval(ZERO, None)
NOTHING = Interval(ZERO, ZERO)


@dataclass(frozen=True)
class NodeRange:
    text: str
    intervals: tuple[Interval, ...]  # non-empty intervals only; () means the range admits nothing

    def admits_major_at_least(self, major: int) -> bool:
        floor = (major, 0, 0)
        return any(i.hi is None or i.hi > floor for i in self.intervals)

    def admits(self, version: Version) -> bool:  # the meaning of a range: the parser's tests check it
        return any(i.lo <= version and (i.hi is None or version < i.hi) for i in self.intervals)

    def overlaps(self, other: NodeRange) -> bool:
        """True when some version satisfies both ranges."""
        return any(not a.intersect(b).empty for a in self.intervals for b in other.intervals)

    @property
    def satisfiable(self) -> bool:
        return bool(self.intervals)


def parse_range(text: str) -> NodeRange:
    """Parse an npm range. Raises RangeError for text that is not one."""
    if not isinstance(text, str) or len(text) > MAX_RANGE_CHARS:
        raise RangeError("not a range of at most 256 characters")
    intervals = tuple(i for part in text.split("||") if not (i := _parse_set(part)).empty)
    return NodeRange(text, intervals)


def parse_version(text: str) -> Version:
    """A plain version such as `v20.11.1` or `20` (missing parts are zero)."""
    found = _COMPARATOR.match(text.strip())
    if not found or found.group("op") or any(_is_wild(found.group(k)) for k in "abc" if found.group(k)):
        raise RangeError(f"{text!r} is not a version")
    return _pad(_parts(found))


def _parse_set(text: str) -> Interval:
    hyphen = _HYPHEN.match(text)
    if hyphen:
        return _hyphen(hyphen.group(1), hyphen.group(2))
    words = _OPERATOR_SPACE.sub(r"\1", text.strip()).split()
    result = ANY
    for word in words:
        result = result.intersect(_comparator(word))
    return result


def _hyphen(low: str, high: str) -> Interval:
    a, b = _match(low), _match(high)
    if a.group("op") or b.group("op"):
        raise RangeError(f"operators are not allowed in a hyphen range: {low} - {high}")
    high_parts = _parts(b)
    hi = _bump(high_parts, len(high_parts)) if high_parts else None
    return Interval(_pad(_parts(a)), hi)


def _comparator(word: str) -> Interval:
    found = _match(word)
    op, parts = found.group("op") or "=", _parts(found)
    n = len(parts)
    if n == 0:
        return NOTHING if op in {"<", ">"} else ANY
    start = _pad(parts)
    if op == "=":
        return Interval(start, _bump(parts, n))
    if op == ">=":
        return Interval(start, None)
    if op == ">":
        return Interval(_bump(parts, n), None)
    if op == "<":
        return Interval(ZERO, start)
    if op == "<=":
        return Interval(ZERO, _bump(parts, n))
    if op in {"~", "~>"}:
        return Interval(start, _bump(parts, min(n, 2)))
    return Interval(start, _bump(parts, _caret_level(parts)))


def _caret_level(parts: list[int]) -> int:
    """^ allows changes right of the first non-zero part among those given."""
    for level, value in enumerate(parts, start=1):
        if value != 0:
            return level
    return min(len(parts), 2) if len(parts) < 3 else 3


def _match(word: str) -> re.Match[str]:
    found = _COMPARATOR.match(word)
    if not found:
        raise RangeError(f"{word!r} is not a version comparator")
    return found


def _is_wild(part: str) -> bool:
    return part in {"x", "X", "*"}


def _parts(found: re.Match[str]) -> list[int]:
    """Leading numeric parts; a wildcard ends the list (`20.x.5` means `20.x`)."""
    out: list[int] = []
    for key in "abc":
        part = found.group(key)
        if part is None or _is_wild(part):
            break
        out.append(int(part))
    return out


def _pad(parts: list[int]) -> Version:
    padded = (parts + [0, 0, 0])[:3]
    return (padded[0], padded[1], padded[2])


def _bump(parts: list[int], level: int) -> Version:
    """The first version after everything that agrees with `parts` up to `level` parts."""
    head = parts[: level - 1] + [parts[level - 1] + 1]
    return _pad(head)
