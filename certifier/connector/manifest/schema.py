"""Validate connect.yaml data against rules/schema/connect.schema.json and word every error like the
official validator ("[deployAs.0.endpoint]: Required").

The schema discriminates on applicationType with if/then, never oneOf/anyOf: a wrong type yields
exactly one discriminator error instead of one cascade per candidate branch.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from certifier.connector.manifest.issues import Issue, js_type, shown
from certifier.connector.manifest.model import join
from certifier.core.paths import data_root, rules_dir
from certifier.core.rules import RulesError

SCHEMA_FILE = Path("schema") / "connect.schema.json"


@lru_cache(maxsize=4)
def _validator(path: Path) -> Draft202012Validator:
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
        if path != data_root() / "rules" / SCHEMA_FILE:  # the packaged schema is checked by the tests
            Draft202012Validator.check_schema(schema)  # (~30 ms: too slow for the pre-commit hook)
    except (OSError, ValueError) as bad:
        raise RulesError(path, "", f"is not a usable JSON Schema: {bad}") from bad
    except Exception as bad:  # jsonschema.SchemaError
        raise RulesError(path, "", f"is not a valid Draft 2020-12 schema: {bad}") from bad
    return Draft202012Validator(schema)  # format checker off: formats are annotations only


def connect_schema() -> dict[str, Any]:
    return _validator(rules_dir() / SCHEMA_FILE).schema


def schema_issues(data: Any) -> list[Issue]:
    """Every schema violation in `data` (unordered; see issues.ordered)."""
    validator = _validator(rules_dir() / SCHEMA_FILE)
    return [issue for error in validator.iter_errors(data) for issue in _issues_of(error)]


def _path_of(error: ValidationError) -> str:
    return ".".join(str(part) for part in error.absolute_path)


def _custom(error: ValidationError) -> str | None:
    schema = error.schema if isinstance(error.schema, dict) else {}
    messages = schema.get("x-message", {})
    return messages.get(str(error.validator)) if isinstance(messages, dict) else None


def _issues_of(error: ValidationError) -> Iterator[Issue]:
    path, keyword, rule = _path_of(error), str(error.validator), f"schema.{error.validator}"
    custom = _custom(error)
    if keyword == "required":
        yield from _required(error, path)
    elif keyword == "additionalProperties":
        yield from _unrecognized(error, path)
    elif keyword == "type":
        yield _type(error, path)
    elif custom is not None:
        yield Issue(path, custom.replace("{value}", shown(error.instance)), rule, _remedy(keyword, error))
    else:
        yield Issue(path, _standard_message(error), rule, _remedy(keyword, error))


def _required(error: ValidationError, path: str) -> Iterator[Issue]:
    instance = error.instance if isinstance(error.instance, dict) else {}
    for name in error.validator_value:
        if name not in instance:
            yield Issue(join(path, name), "Required", "schema.required", f"Add '{name}' here.", at=join(path, name))


def _unrecognized(error: ValidationError, path: str) -> Iterator[Issue]:
    allowed = set((error.schema.get("properties") or {}).keys()) if isinstance(error.schema, dict) else set()
    extras = [key for key in error.instance if key not in allowed]
    if not extras:
        return
    listed = ", ".join(f"'{key}'" for key in extras)
    known = ", ".join(sorted(allowed)) or "nothing"
    yield Issue(path, f"Unrecognized key(s) in object: {listed}", "schema.additionalProperties",
                f"Remove or rename {listed}: this object is strict and allows only {known}.", at=join(path, extras[0]))


def _type(error: ValidationError, path: str) -> Issue:
    expected = error.validator_value if isinstance(error.validator_value, str) else error.validator_value[0]
    received = js_type(error.instance)
    if expected == "integer":
        number = received == "number"
        message = "Expected integer, received float" if number else f"Expected number, received {received}"
    else:
        message = f"Expected {expected}, received {received}"
    hint = {
        "boolean": " Write true or false without quotes (YAML 1.2 reads yes/no/on/off as strings).",
        "string": " Quote the value.",
        "object": " Give it keys, or remove it if it is empty.",
    }.get(expected, "")
    return Issue(path, message, "schema.type", f"Write a {expected} here.{hint}")


def _standard_message(error: ValidationError) -> str:
    keyword, limit = str(error.validator), error.validator_value
    words = {
        "minItems": f"Array must contain at least {limit} element(s)",
        "maxItems": f"Array must contain at most {limit} element(s)",
        "minLength": f"String must contain at least {limit} character(s)",
        "maxLength": f"String must contain at most {limit} character(s)",
        "minimum": f"Number must be greater than or equal to {limit}",
        "maximum": f"Number must be less than or equal to {limit}",
    }
    if keyword in words:
        return words[keyword]
    if keyword in ("enum", "const"):
        options = limit if keyword == "enum" else [limit]
        expected = " | ".join(f"'{o}'" for o in options)
        return f"Invalid enum value. Expected {expected}, received '{shown(error.instance)}'"
    return error.message


def _remedy(keyword: str, error: ValidationError) -> str:
    limit = error.validator_value
    return {
        "minItems": f"Add at least {limit} item(s).",
        "maxLength": f"Shorten the value to at most {limit} characters.",
        "minimum": f"Use a number of at least {limit}.",
        "maximum": f"Use a number of at most {limit}.",
        "enum": "Use one of the values the message lists.",
        "not": "Change the value as the message says.",
        "pattern": "Change the value as the message says.",
    }.get(keyword, "Change the value as the message says.")
