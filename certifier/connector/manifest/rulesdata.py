"""The data files of the specification stage, loaded and validated once.

`rules/specification.yaml` (limits, scope lists, legacy keys, schedule shapes) and
`rules/secret-patterns.yaml` (secret-looking keys and values), read through load_rules. A malformed file
is a programming error of the rule set: it raises RulesError, which the check runner turns into outcome
`error`.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from certifier.core.rules import load_rules


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _compile_all(patterns: list[str], flags: int = 0) -> tuple[re.Pattern[str], ...]:
    try:
        return tuple(re.compile(p, flags) for p in patterns)
    except re.error as bad:
        raise ValueError(f"invalid regular expression: {bad}") from bad


class ManifestLimits(_Strict):
    file: str
    max_bytes: int = Field(gt=0)
    max_depth: int = Field(gt=1, le=500)  # the composer below us recurses once per level
    max_nodes: int = Field(gt=0)
    max_aliases: int = Field(ge=0)
    max_expanded_nodes: int = Field(gt=0)


class ScopeRules(_Strict):
    forbidden: dict[str, str]
    broad_patterns: list[str]

    @field_validator("broad_patterns")
    @classmethod
    def _valid(cls, value: list[str]) -> list[str]:
        _compile_all(value)
        return value

    def is_broad(self, scope: str) -> bool:
        return any(re.fullmatch(p, scope) for p in self.broad_patterns)


class ScheduleRules(_Strict):
    macros: list[str]
    every: str
    field_ranges: list[tuple[int, int]] = Field(min_length=5, max_length=5)
    field_names: list[str] = Field(min_length=5, max_length=5)


class SpecificationRules(_Strict):
    version: int
    manifest: ManifestLimits
    api_scopes: ScopeRules
    generated_keys: list[str]
    legacy_mc_keys: dict[str, str]
    config_key_style: str
    schedule: ScheduleRules


class ValuePattern(_Strict):
    name: str
    pattern: str


class SecretPatterns(_Strict):
    """Compiled on load; the `matches_*` helpers are what checks call."""

    version: int
    secret_key_patterns: list[str]
    not_secret_key_patterns: list[str]
    secret_value_patterns: list[ValuePattern]
    placeholder_values: list[str]
    clearly_not_secret_key_patterns: list[str]

    _secret_keys: tuple[re.Pattern[str], ...] = PrivateAttr(default=())
    _not_secret_keys: tuple[re.Pattern[str], ...] = PrivateAttr(default=())
    _values: tuple[tuple[str, re.Pattern[str]], ...] = PrivateAttr(default=())
    _placeholders: tuple[re.Pattern[str], ...] = PrivateAttr(default=())
    _plain_keys: tuple[re.Pattern[str], ...] = PrivateAttr(default=())

    def model_post_init(self, _context: Any) -> None:
        self._secret_keys = _compile_all(self.secret_key_patterns, re.I)
        self._not_secret_keys = _compile_all(self.not_secret_key_patterns, re.I)
        self._values = tuple(zip((v.name for v in self.secret_value_patterns),
                                 _compile_all([v.pattern for v in self.secret_value_patterns])))
        self._placeholders = _compile_all(self.placeholder_values, re.I)
        self._plain_keys = _compile_all(self.clearly_not_secret_key_patterns, re.I)

    def is_secret_key(self, key: str) -> bool:
        if any(p.search(key) for p in self._not_secret_keys):
            return False
        return any(p.search(key) for p in self._secret_keys)

    def secret_value_kind(self, value: str) -> str | None:
        """The name of the secret shape `value` has, or None."""
        return next((name for name, p in self._values if p.search(value)), None)

    def is_placeholder(self, value: str) -> bool:
        return any(p.search(value.strip()) for p in self._placeholders)

    def is_clearly_not_secret_key(self, key: str) -> bool:
        return any(p.search(key) for p in self._plain_keys)


def specification_rules() -> SpecificationRules:
    return load_rules("specification.yaml", SpecificationRules)


def secret_patterns() -> SecretPatterns:
    return load_rules("secret-patterns.yaml", SecretPatterns)
