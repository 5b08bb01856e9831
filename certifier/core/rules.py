"""The one loader of certifier's rule data: the YAML files under rules/ (pattern lists, limits, scopes).

Every rule file is a mapping with a `version` this code understands; given a pydantic model, the file's
shape is validated as well. A file is parsed once per rules directory (CERTIFIER_RULES_DIR selects another
rule set, in tests). A malformed rule file is a packaging bug of certifier, never a connector's defect:
RulesError names the file and the field, and the check that needed it ends in `error`.

Reviewer files (profiles, waivers) are not rule data: they keep a loader that reports line numbers.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar, overload

from pydantic import BaseModel, ValidationError

from certifier.core.data_yaml import load_data
from certifier.core.paths import rules_dir

SUPPORTED_VERSIONS = frozenset({1})

Model = TypeVar("Model", bound=BaseModel)


class RulesError(RuntimeError):
    """A file under rules/ is missing or malformed. `file` is its path, `field` the dotted key at fault
    ('' when the file as a whole is)."""

    def __init__(self, file: Path | str, field: str, problem: str):
        self.file, self.field = str(file), field
        super().__init__(f"{file}: {field}: {problem}" if field else f"{file}: {problem}")


@overload
def load_rules(name: str, model: None = None) -> dict[str, Any]: ...


@overload
def load_rules(name: str, model: type[Model]) -> Model: ...


def load_rules(name: str, model: type[BaseModel] | None = None) -> Any:
    """rules/<name> as plain data (shared between callers: never mutate it), or as `model`."""
    return _load(rules_dir(), name, model)


def rule_at(name: str, *keys: str) -> Any:
    """One value of the plain rule file rules/<name> by its key path, e.g. rule_at('structure.yaml',
    'limits', 'text_bytes'); a missing key is a RulesError naming it."""
    value: Any = load_rules(name)
    for depth, key in enumerate(keys):
        if not isinstance(value, dict) or key not in value:
            raise RulesError(rules_dir() / name, ".".join(keys[: depth + 1]), "is missing")
        value = value[key]
    return value


@lru_cache(maxsize=64)
def _load(directory: Path, name: str, model: type[BaseModel] | None) -> Any:
    path = directory / name
    data = _read(path)
    if model is None:
        return data
    try:
        return model.model_validate(data)
    except ValidationError as bad:
        first = bad.errors()[0]
        raise RulesError(path, ".".join(str(part) for part in first["loc"]), first["msg"]) from bad
    except ValueError as bad:  # raised after validation, e.g. by a model compiling its patterns
        raise RulesError(path, "", str(bad)) from bad


def _read(path: Path) -> dict[str, Any]:
    try:
        data = load_data(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as bad:
        raise RulesError(path, "", f"cannot be read: {bad}") from bad
    except Exception as bad:  # ruamel raises several unrelated YAMLError classes
        raise RulesError(path, "", f"is not valid YAML: {bad}") from bad
    if not isinstance(data, dict):
        raise RulesError(path, "", "must be a mapping")
    if data.get("version") not in SUPPORTED_VERSIONS:
        supported = ", ".join(str(v) for v in sorted(SUPPORTED_VERSIONS))
        raise RulesError(path, "version", f"is {data.get('version')!r}; this certifier reads version {supported}")
    return data

