"""rules/structure.yaml: the pattern lists and limits of the structure stage, loaded once per file version."""

from __future__ import annotations

import fnmatch
import threading
from pathlib import Path
from typing import Any

from certifier.core.data_yaml import load_data
from certifier.core.paths import rules_dir

RULES_FILE = "structure.yaml"
_LOCK = threading.Lock()
_CACHE: dict[str, dict[str, Any]] = {}


class RulesError(RuntimeError):
    """rules/structure.yaml is missing or malformed: a packaging bug, not a connector defect."""


def structure_rules() -> dict[str, Any]:
    """The parsed rules file (plain dicts and lists), loaded once per rules directory. Do not mutate it."""
    path = rules_dir() / RULES_FILE
    key = str(path)
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = _load(path)
        return _CACHE[key]


def _load(path: Path) -> dict[str, Any]:
    try:
        data = load_data(path.read_text(encoding="utf-8"))
    except OSError as missing:
        raise RulesError(f"rules file {path} cannot be read: {missing}") from missing
    if not isinstance(data, dict) or data.get("version") != 1:
        raise RulesError(f"{path} must be a mapping with version: 1")
    return data


def rule(*keys: str) -> Any:
    """A value of the rules file by its key path, e.g. rule('limits', 'text_bytes')."""
    value: Any = structure_rules()
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            raise RulesError(f"{RULES_FILE}: missing {'.'.join(keys)}")
        value = value[key]
    return value


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
