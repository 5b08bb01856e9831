"""Job schedules: the official *search* (from the schema) and a strict parse of what the scheduler accepts."""

from __future__ import annotations

import re
from functools import lru_cache

from certifier.connector.manifest.rulesdata import ScheduleRules
from certifier.connector.manifest.schema import connect_schema

_NUMBER = re.compile(r"\d+")


@lru_cache(maxsize=4)
def _official(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def official_pattern() -> str:
    schedule = connect_schema()["$defs"]["schedule"]
    return schedule["then"]["pattern"]


def passes_official_search(value: str) -> bool:
    """What the official validator accepts: a search anywhere in the value (length already bounded)."""
    limit = connect_schema()["$defs"]["schedule"]["maxLength"]
    return len(value) <= limit and _official(official_pattern()).search(value) is not None


def strict_problem(value: str, rules: ScheduleRules) -> str | None:
    """None when `value` is a clean macro, @every, or 5-field cron; else why the scheduler may reject it."""
    if value in rules.macros or re.fullmatch(rules.every, value):
        return None
    if value != value.strip() or "  " in value:
        return "it has extra spaces"
    fields = value.split(" ")
    if value.startswith("@"):
        return f"{value.split()[0]} is not a supported macro ({', '.join(rules.macros)})"
    if len(fields) != 5:
        return f"it has {len(fields)} fields; the scheduler expects 5 (minute hour day-of-month month day-of-week)"
    for text, (low, high), name in zip(fields, rules.field_ranges, rules.field_names):
        problem = _field_problem(text, low, high)
        if problem is not None:
            return f"the {name} field {text!r} {problem}"
    return None


def _field_problem(text: str, low: int, high: int) -> str | None:
    for part in text.split(","):
        base, _, step = part.partition("/")
        if step and (not step.isdigit() or int(step) == 0):
            return "has an invalid step"
        if base == "*":
            continue
        bounds = base.split("-")
        if len(bounds) > 2 or not all(_NUMBER.fullmatch(b) for b in bounds):
            return "is not a number, range, list or step"
        numbers = [int(b) for b in bounds]
        if any(n < low or n > high for n in numbers):
            return f"is outside {low}-{high}"
        if len(numbers) == 2 and numbers[0] > numbers[1]:
            return "has a range that runs backwards"
    return None
