"""rules/secrets.yaml, validated at load by the one rule-file loader (certifier.core.rules): a malformed
rules file is a packaging bug, caught at once.

What is test code, docs or generated is not here: it is the one list of rules/file-kinds.yaml
(certifier.core.file_kinds)."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

from certifier.core.rules import load_rules

RULES_FILE = "secrets.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _compiled(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as bad:
        raise ValueError(f"invalid regular expression {pattern!r}: {bad}") from bad
    return pattern


class Limits(_Strict):
    max_file_bytes: int = Field(gt=0)
    max_line_chars: int = Field(gt=0)
    snippet_chars: int = Field(gt=20)


class Shape(_Strict):
    """A shape of value that cannot be a secret, and how a dismissal names it."""

    why: str
    pattern: str

    _check = field_validator("pattern")(lambda cls, v: _compiled(v))


class Counting(_Strict):
    min_run: int = Field(ge=2)
    min_share: float = Field(gt=0, le=1)


class NotASecret(_Strict):
    min_length: int = Field(gt=0)
    max_length: int = Field(gt=0)
    shapes: tuple[Shape, ...]
    after_patterns: tuple[str, ...]
    placeholder_words: tuple[str, ...]
    counting: Counting

    _check = field_validator("after_patterns")(lambda cls, v: tuple(_compiled(p) for p in v))


class RandomValue(_Strict):
    min_length: int = Field(gt=0)
    min_bits: float = Field(gt=0, le=8)


class ContentPattern(_Strict):
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    name: str
    pattern: str
    named: str | None = None  # found by the name it is given: judged as a value of that name, not a format

    @field_validator("pattern")
    @classmethod
    def _has_secret_group(cls, value: str) -> str:
        if "secret" not in re.compile(_compiled(value)).groupindex:
            raise ValueError(f"pattern {value!r} needs a named group (?P<secret>...)")
        return value


class EnvFiles(_Strict):
    basenames: tuple[str, ...]
    template_suffixes: tuple[str, ...]


class NpmrcFiles(_Strict):
    basenames: tuple[str, ...]
    credential_line: str

    _check = field_validator("credential_line")(lambda cls, v: _compiled(v))


class PrivateKeys(_Strict):
    pattern: str
    encrypted_pattern: str

    _check = field_validator("pattern", "encrypted_pattern")(lambda cls, v: _compiled(v))


class SecretFiles(_Strict):
    env: EnvFiles
    npmrc: NpmrcFiles
    private_key: PrivateKeys
    key_files: tuple[str, ...]


class DetectSecrets(_Strict):
    owned_elsewhere: tuple[str, ...]
    skipped_files: tuple[str, ...]
    disabled_filters: tuple[str, ...]
    generic_types: tuple[str, ...]


class SecretRules(_Strict):
    version: int = Field(ge=1, le=1)
    limits: Limits
    secret_key: str
    not_secret_key: str
    not_a_secret: NotASecret
    random_value: RandomValue
    content_patterns: tuple[ContentPattern, ...]
    secret_files: SecretFiles
    detect_secrets: DetectSecrets

    _check = field_validator("secret_key", "not_secret_key")(lambda cls, v: _compiled(v))

    def is_secret_key(self, key: str) -> bool:
        return bool(re.search(self.secret_key, key, re.I)) and not self.names_no_secret(key)

    def names_no_secret(self, key: str) -> bool:
        """The key names a setting about a secret (its URL, header, length) or a signature, hash or id."""
        return bool(re.search(self.not_secret_key, key, re.I))


def secret_rules() -> SecretRules:
    """The validated rules of this installation (loaded once per rules directory); RulesError when the file
    is missing or malformed."""
    return load_rules(RULES_FILE, SecretRules)
