"""rules/advisories/inventory.yaml: lockfile names, parse limits and severity levels, loaded once."""

from __future__ import annotations

import threading
from typing import Any

from certifier.core.data_yaml import load_data
from certifier.core.paths import rules_dir

RULES_FILE = "advisories/inventory.yaml"
_LOCK = threading.Lock()
_CACHE: dict[str, dict[str, Any]] = {}


class RulesError(RuntimeError):
    """The rules file is missing or malformed: a packaging bug, not a connector defect."""


def inventory_rules() -> dict[str, Any]:
    path = rules_dir() / RULES_FILE
    with _LOCK:
        if str(path) not in _CACHE:
            try:
                data = load_data(path.read_text(encoding="utf-8"))
            except OSError as error:
                raise RulesError(f"rules file {path} cannot be read: {error}") from error
            if not isinstance(data, dict) or data.get("version") != 1:
                raise RulesError(f"{path} must be a mapping with version: 1")
            _CACHE[str(path)] = data
        return _CACHE[str(path)]


def setting(*keys: str) -> Any:
    """A value by its key path, e.g. setting('limits', 'lockfile_bytes')."""
    value: Any = inventory_rules()
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            raise RulesError(f"{RULES_FILE}: missing {'.'.join(keys)}")
        value = value[key]
    return value


def limit(name: str) -> int:
    return int(setting("limits", name))


def bounded(items: list[str]) -> str:
    """'a, b, c and 7 more': what one message names, bounded so a hostile lockfile cannot flood a report."""
    shown = limit("listed_items")
    text = ", ".join(items[:shown])
    return f"{text} and {len(items) - shown} more" if len(items) > shown else text
