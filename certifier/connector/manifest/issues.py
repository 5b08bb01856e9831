"""One problem in connect.yaml in the official message style, and its conversion into a Finding."""

from __future__ import annotations

from typing import Any

from dataclasses import dataclass

from certifier.connector.manifest.model import MANIFEST_FILE, label, locate
from certifier.core.model import Finding, Severity

MAX_SHOWN = 100  # characters of an offending value quoted back in a message


@dataclass(frozen=True)
class Issue:
    """`[path]: message`. `at` is a more precise path for line/column and manifest_path (the unrecognized
    key, the second of two duplicates) when the official message names a parent or the file content."""

    path: str
    message: str
    rule: str  # schema.<keyword> | official.<rule> | certifier.<rule>
    remediation: str
    at: str | None = None
    severity: Severity = Severity.ERROR

    @property
    def text(self) -> str:
        return f"[{label(self.path)}]: {self.message}"

    @property
    def where(self) -> str:
        return self.at if self.at is not None else self.path

    def to_finding(self, positions: dict[str, tuple[int, int]], file: str = MANIFEST_FILE) -> Finding:
        return Finding(
            message=self.text,
            severity=self.severity,
            location=locate(positions, self.where, file),
            manifest_path=self.where or None,
            rule=self.rule,
            remediation=self.remediation,
        )


def shown(value: object) -> str:
    """An offending value quoted back verbatim (reports escape it), cut to a readable length."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def ordered(issues: list[Issue], positions: dict[str, tuple[int, int]]) -> list[Issue]:
    """Deduplicated, in document order (then path and message), so reports are stable."""
    unique = {(i.path, i.message, i.where): i for i in issues}

    def key(issue: Issue) -> tuple[int, int, str, str]:
        where = locate(positions, issue.where)
        return (where.line or 0, where.column or 0, issue.where, issue.message)

    return sorted(unique.values(), key=key)


def js_type(value: Any) -> str:
    """The JavaScript type name the official validator reports ("received array")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
