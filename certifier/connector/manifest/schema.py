"""Validate connect.yaml data against rules/schema/connect.schema.json and word every error like the
official validator ("[deployAs.0.endpoint]: Required").

The schema discriminates on applicationType with if/then, never oneOf/anyOf: a wrong type yields
exactly one discriminator error instead of one cascade per candidate branch.

jsonschema makes every finding. A valid manifest, the common case of the pre-commit hook, is proven by
jsonschema-rs instead, where it cannot disagree with jsonschema (_surely_valid): jsonschema, with referencing
and attrs, takes ~30 ms to import, a tenth of the hook's budget.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from certifier.connector.manifest.issues import Issue, js_type, shown
from certifier.connector.manifest.model import join
from certifier.core.paths import data_root, rules_dir
from certifier.core.rules import RulesError

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

SCHEMA_FILE = Path("schema") / "connect.schema.json"
# Integers a float-based validator still compares exactly (JSON numbers beyond it may be rounded).
_EXACT_INT = 2**53


@lru_cache(maxsize=4)
def _schema(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as bad:
        raise RulesError(path, "", f"is not a usable JSON Schema: {bad}") from bad


def _packaged(path: Path) -> bool:
    return path == data_root() / "rules" / SCHEMA_FILE  # the packaged schema is checked by the tests


@lru_cache(maxsize=4)
def _validator(path: Path) -> Draft202012Validator:
    # imported here: ~30 ms that `certifier manifest` (a pre-commit hook) pays only for an invalid manifest
    from jsonschema import Draft202012Validator

    schema = _schema(path)
    try:
        if not _packaged(path):
            Draft202012Validator.check_schema(schema)  # (~30 ms: too slow for the pre-commit hook)
    except Exception as bad:  # jsonschema.SchemaError
        raise RulesError(path, "", f"is not a valid Draft 2020-12 schema: {bad}") from bad
    return Draft202012Validator(schema)  # format checker off: formats are annotations only


@lru_cache(maxsize=4)
def _quick_validator(path: Path) -> Any:
    """jsonschema-rs's validator of the schema (a compiled validator: ~4 ms to import and build, against ~30 ms
    for jsonschema), or None when it is not installed or does not take the schema."""
    if not _packaged(path):
        _validator(path)  # a schema of CERTIFIER_RULES_DIR is checked first, as before
    try:
        import jsonschema_rs
    except ImportError:
        return None
    try:
        return jsonschema_rs.Draft202012Validator(_schema(path))
    except Exception:  # a schema it cannot compile (e.g. a regex outside ECMA 262): jsonschema alone decides
        return None


def connect_schema() -> dict[str, Any]:
    return _schema(rules_dir() / SCHEMA_FILE)


def schema_issues(data: Any) -> list[Issue]:
    """Every schema violation in `data` (unordered; see issues.ordered)."""
    path = rules_dir() / SCHEMA_FILE
    if _surely_valid(path, data):
        return []
    validator = _validator(path)
    return [issue for error in validator.iter_errors(data) for issue in _issues_of(error)]


def _surely_valid(path: Path, data: Any) -> bool:
    """True only when jsonschema-rs finds `data` valid and it cannot disagree with jsonschema: every string
    (key or value) is printable ASCII, where Python's `re` and jsonschema-rs's ECMA 262 regexes agree (no
    newline before `$`, no Unicode classes in \\d \\w \\s), and every number is one both compare exactly.
    Anything else, or an invalid manifest, goes to jsonschema, whose errors make the findings."""
    quick = _quick_validator(path)
    if quick is None or not _json_plain(data):
        return False
    try:
        return bool(quick.is_valid(data))
    except Exception:  # a value it cannot convert: jsonschema decides
        return False


def _json_plain(data: Any) -> bool:
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            if not all(isinstance(key, str) and _plain_text(key) for key in value):
                return False
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str):
            if not _plain_text(value):
                return False
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int):
            if abs(value) > _EXACT_INT:
                return False
        elif isinstance(value, float):
            if not math.isfinite(value):
                return False
        else:
            return False
    return True


def _plain_text(text: str) -> bool:
    return text.isascii() and text.isprintable()  # exactly the characters 0x20-0x7E


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
