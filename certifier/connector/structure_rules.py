"""rules/structure.yaml: the pattern lists and limits of the structure stage, read through load_rules."""

from __future__ import annotations

import fnmatch
from typing import Any

from certifier.core.rules import rule_at

RULES_FILE = "structure.yaml"


def rule(*keys: str) -> Any:
    """A value of the rules file by its key path, e.g. rule('limits', 'text_bytes'). Do not mutate it."""
    return rule_at(RULES_FILE, *keys)


def text_limit() -> int:
    return int(rule("limits", "text_bytes"))


def matches_any(name: str, patterns: list[str]) -> bool:
    """fnmatch, case-insensitive (patterns are written lower case)."""
    lowered = name.lower()
    return any(fnmatch.fnmatchcase(lowered, pattern.lower()) for pattern in patterns)


def bounded_list(paths: list[str]) -> str:
    """'a, b, c and 7 more': what one finding names, bounded so a huge tree cannot flood a report."""
    limit = int(rule("limits", "listed_paths"))
    shown = ", ".join(paths[:limit])
    extra = len(paths) - limit
    return f"{shown} and {extra} more" if extra > 0 else shown
