"""How severe an advisory is: the GHSA level (LOW/MODERATE/HIGH/CRITICAL) and the CVSS base score.

GHSA records state their level in `database_specific.severity`; that is the level the official SCA gate
speaks of, so it wins. Without it the level comes from the CVSS base score of a vector in `severity[]`
(computed by the `cvss` library, v3.x preferred over v4 over v2). No level at all is UNKNOWN.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cvss import CVSS2, CVSS3, CVSS4
from cvss.exceptions import CVSSError

from certifier.collect.advisories.config import setting

UNKNOWN = "UNKNOWN"
_SCORERS = {"CVSS_V3": CVSS3, "CVSS_V4": CVSS4, "CVSS_V2": CVSS2}
_PREFERENCE = ("CVSS_V3", "CVSS_V4", "CVSS_V2")


@dataclass(frozen=True)
class Rating:
    level: str  # LOW | MODERATE | HIGH | CRITICAL | UNKNOWN
    score: float | None = None
    vector: str | None = None
    source: str = ""  # database_specific | CVSS_V3 | CVSS_V4 | CVSS_V2 | none

    @property
    def rank(self) -> int:
        levels = levels_lowest_first()
        return levels.index(self.level) + 1 if self.level in levels else 0


def levels_lowest_first() -> list[str]:
    return list(setting("severity", "levels"))


def normalise_level(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    level = value.strip().upper()
    level = setting("severity", "aliases").get(level, level)
    return level if level in levels_lowest_first() else None


def level_of_score(score: float) -> str | None:
    """The qualitative level of a CVSS base score (0.0 is 'none': no level)."""
    floors = setting("severity", "cvss_floor")
    found = None
    for level in levels_lowest_first():
        if score >= float(floors[level]):
            found = level
    return found


@lru_cache(maxsize=8192)
def base_score(kind: str, vector: str) -> float | None:
    scorer = _SCORERS.get(kind)
    if scorer is None:
        return None
    try:
        if kind == "CVSS_V3":
            return float(scorer(vector).scores()[0])
        if kind == "CVSS_V4":
            return float(scorer(vector).base_score)
        return float(scorer(vector).scores()[0])
    except (CVSSError, ValueError, KeyError, IndexError, TypeError):
        return None


def rate(record: dict[str, Any]) -> Rating:
    """The rating of one OSV record."""
    vectors = {}
    for entry in record.get("severity") or ():
        if isinstance(entry, dict) and entry.get("type") in _SCORERS and isinstance(entry.get("score"), str):
            vectors.setdefault(entry["type"], entry["score"])
    scored = next(
        ((kind, vectors[kind], s) for kind in _PREFERENCE if kind in vectors
         and (s := base_score(kind, vectors[kind])) is not None),
        None,
    )
    stated = normalise_level((record.get("database_specific") or {}).get("severity"))
    if stated:
        return Rating(stated, scored[2] if scored else None, scored[1] if scored else None, "database_specific")
    if scored:
        level = level_of_score(scored[2])
        return Rating(level or UNKNOWN, scored[2], scored[1], scored[0])
    return Rating(UNKNOWN, None, None, "none")
