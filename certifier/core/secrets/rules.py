"""rules/secrets.yaml, validated at load (a malformed rules file is a packaging bug, caught at once)."""

from __future__ import annotations

import fnmatch
import re
import threading
from pathlib import Path, PurePosixPath

from pydantic import BaseModel, ConfigDict, Field, field_validator

from certifier.core.data_yaml import load_data
from certifier.core.paths import rules_dir

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


class TestCode(_Strict):
    dirs: tuple[str, ...]
    file_globs: tuple[str, ...]


class NotASecret(_Strict):
    min_length: int = Field(gt=0)
    max_length: int = Field(gt=0)
    patterns: tuple[str, ...]
    after_patterns: tuple[str, ...]
    placeholder_words: tuple[str, ...]

    _check = field_validator("patterns", "after_patterns")(lambda cls, v: tuple(_compiled(p) for p in v))


class ContentPattern(_Strict):
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    name: str
    pattern: str

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


class SecretRules(_Strict):
    version: int = Field(ge=1, le=1)
    limits: Limits
    test_code: TestCode
    secret_key: str
    not_secret_key: str
    not_a_secret: NotASecret
    content_patterns: tuple[ContentPattern, ...]
    secret_files: SecretFiles
    detect_secrets: DetectSecrets

    _check = field_validator("secret_key", "not_secret_key")(lambda cls, v: _compiled(v))

    def is_test_path(self, path: str) -> bool:
        """Whether a repository-relative path is test code (a test folder anywhere, or a test file name)."""
        parts = PurePosixPath(path).parts
        folders = {d.lower() for d in self.test_code.dirs}
        if any(part.lower() in folders for part in parts[:-1]):
            return True
        name = parts[-1].lower() if parts else ""
        return any(fnmatch.fnmatchcase(name, glob.lower()) for glob in self.test_code.file_globs)

    def is_secret_key(self, key: str) -> bool:
        return bool(re.search(self.secret_key, key, re.I)) and not re.search(self.not_secret_key, key, re.I)


_LOCK = threading.Lock()
_CACHE: dict[str, SecretRules] = {}


def secret_rules() -> SecretRules:
    """The validated rules of this installation (cached per rules directory)."""
    path = rules_dir() / RULES_FILE
    with _LOCK:
        if str(path) not in _CACHE:
            _CACHE[str(path)] = load(path)
        return _CACHE[str(path)]


def load(path: Path) -> SecretRules:
    """Parse and validate a secrets rules file; ValueError says what is wrong."""
    try:
        data = load_data(path.read_text(encoding="utf-8"))
    except OSError as missing:
        raise ValueError(f"{path} cannot be read: {missing.strerror}") from missing
    return SecretRules.model_validate(data)
