"""Turn ruamel's round-trip objects into plain Python data plus a map of dotted path -> (line, column).

Depth and alias expansion were bounded by yamlscan before this runs, so plain recursion is safe.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence, Set
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from certifier.connector.manifest.model import join

Positions = dict[str, tuple[int, int]]


def to_plain(document: Any) -> tuple[Any, Positions]:
    positions: Positions = {"": _start(document) or (1, 1)}
    return _convert(document, "", positions), positions


def _start(node: Any) -> tuple[int, int] | None:
    lc = getattr(node, "lc", None)
    if lc is None or lc.line is None:
        return None
    return lc.line + 1, lc.col + 1


def _convert(node: Any, path: str, positions: Positions) -> Any:
    if isinstance(node, Mapping):
        return _mapping(node, path, positions)
    if isinstance(node, (Sequence, Set)) and not isinstance(node, (str, bytes)):
        return _sequence(list(node), node, path, positions)
    return scalar(node)


def _mapping(node: Mapping, path: str, positions: Positions) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in node.items():
        name = key_text(key)
        if name in out:  # two YAML keys that read as one JSON key (1 and "1"): the first one wins
            continue
        child = join(path, name)
        where = _key_position(node, key)
        if where is not None:
            positions[child] = where
        out[name] = _convert(value, child, positions)
    return out


def _sequence(items: list, node: Any, path: str, positions: Positions) -> list[Any]:
    out = []
    for index, value in enumerate(items):
        child = join(path, index)
        if isinstance(node, CommentedSeq):
            try:
                line, column = node.lc.item(index)
                positions[child] = (line + 1, column + 1)
            except (KeyError, TypeError, IndexError):
                pass
        out.append(_convert(value, child, positions))
    return out


def _key_position(node: Mapping, key: Any) -> tuple[int, int] | None:
    if not isinstance(node, CommentedMap):
        return None
    try:
        line, column = node.lc.key(key)
    except (KeyError, TypeError):  # keys merged in through '<<' have no position of their own
        return None
    return line + 1, column + 1


def key_text(key: Any) -> str:
    """A mapping key as the official (JavaScript) parser would name the object property."""
    if isinstance(key, str):
        return str(key)
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return ""
    if isinstance(key, (Mapping, Sequence, Set)):
        return str(_convert(key, "", {}))
    return str(scalar(key))


def scalar(value: Any) -> Any:
    """A plain Python scalar: ruamel's ScalarInt/ScalarFloat/ScalarString subclasses become int/float/str."""
    if value is None or isinstance(value, bool):
        return value
    if type(value).__name__ == "ScalarBoolean":
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    inner = getattr(value, "value", None)  # TaggedScalar (a custom !tag on a scalar)
    if isinstance(inner, str):
        return str(inner)
    return str(value)
