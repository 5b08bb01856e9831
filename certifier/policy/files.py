"""Reading the policy data files (profiles, waivers): bounded YAML, JSON Schema, field-precise errors.

Both kinds of file are written by people (maintainers, reviewers), so an error must say exactly which
field is wrong: `rules/profiles/publish.yaml: rules[2].block_at: 'sometimes' is not one of [...]`.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import jsonschema
from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import YAMLError

from certifier.core.errors import ConfigError
from certifier.core.decision import EXIT_USAGE
from certifier.core.paths import rules_dir

MAX_BYTES = 1_000_000  # a profile or waiver file is small; refuse anything that is not
MAX_PROBLEMS = 20


class _DatesAsText(SafeConstructor):
    """YAML would turn 2025-01-01 into a date (and crash on 2025-13-01); the schemas speak JSON, where a
    date is an ISO string checked by `format: date`. A subclass, so other YAML users are unaffected."""


_DatesAsText.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)


class PolicyFileError(ConfigError):
    """A profile or waiver file is unreadable or invalid. Each problem names the file and the field.
    A ConfigError, so the CLI and the service answer it with exit code 2 (usage/input error)."""

    exit_code = EXIT_USAGE

    def __init__(self, display: str, problems: Iterable[str]):
        self.display = display
        self.problems = tuple(problems)
        super().__init__("\n".join(f"{display}: {problem}" for problem in self.problems))


def display_name(path: Path) -> str:
    """How a file is named in errors: relative to the project for our own rules, else as given."""
    try:
        return path.resolve().relative_to(rules_dir().resolve().parent).as_posix()
    except ValueError:
        return str(path)


def read_yaml(path: Path, error: type[PolicyFileError]) -> Any:
    """Parse one YAML 1.2 document (duplicate keys rejected); dates stay strings."""
    display = display_name(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as problem:
        raise error(display, [f"cannot be read: {problem.strerror or problem}"]) from None
    if len(raw) > MAX_BYTES:
        raise error(display, [f"is larger than {MAX_BYTES} bytes"])
    yaml = YAML(typ="safe", pure=True)
    yaml.Constructor = _DatesAsText
    try:
        return yaml.load(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise error(display, ["is not UTF-8 text"]) from None
    except YAMLError as problem:
        raise error(display, [_yaml_problem(problem)]) from None
    except (ValueError, RecursionError) as problem:  # a scalar the constructors cannot build; deep nesting
        raise error(display, [f"invalid YAML: {type(problem).__name__}: {problem}"]) from None


def validate(data: Any, schema_name: str, display: str, error: type[PolicyFileError]) -> None:
    """Validate against rules/schema/<schema_name>; raise `error` listing every problem by field."""
    validator = _validator(rules_dir() / "schema" / schema_name)
    found = sorted(validator.iter_errors(data), key=lambda e: (field_name(e.absolute_path), e.message))
    if found:
        raise error(display, [f"{field_name(e.absolute_path)}: {e.message}" for e in found[:MAX_PROBLEMS]])


def field_name(parts: Iterable[Any]) -> str:
    """['rules', 2, 'block_at'] -> 'rules[2].block_at' (the top level is '<top level>')."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "<top level>"


@lru_cache(maxsize=8)
def _validator(schema_path: Path) -> jsonschema.protocols.Validator:
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _yaml_problem(problem: YAMLError) -> str:
    mark = getattr(problem, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    what = getattr(problem, "problem", None) or str(problem).splitlines()[0]
    return f"{where}invalid YAML: {what}"

