"""Safe YAML loading and key line numbers for the YAML lockfiles (Yarn Berry, pnpm)."""

from __future__ import annotations

import json
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from certifier.collect.advisories.model import LockfileError


def load_yaml(path: str, text: str) -> dict[str, Any]:
    try:
        data = YAML(typ="safe", pure=True).load(text)
    except MarkedYAMLError as bad:
        line = bad.problem_mark.line + 1 if bad.problem_mark else None
        raise LockfileError(path, f"is not valid YAML: {bad.problem or bad}"[:300], line) from None
    except (YAMLError, RecursionError, ValueError) as bad:
        raise LockfileError(path, f"is not valid YAML: {type(bad).__name__}") from None
    if not isinstance(data, dict):
        raise LockfileError(path, "must be a YAML mapping", 1)
    return data


def key_lines(text: str, indent: int, section: str | None = None) -> dict[str, int]:
    """Line of each mapping key written at `indent` spaces (inside the top-level `section:` if given)."""
    lines: dict[str, int] = {}
    inside = section is None
    pad = " " * indent
    for number, line in enumerate(text.splitlines(), 1):
        if section is not None and line and not line[0].isspace() and not line.startswith("#"):
            inside = line.rstrip() == f"{section}:"
            continue
        if not inside or not line.startswith(pad) or line[indent : indent + 1] in (" ", "#", ""):
            continue
        body = line[indent:].rstrip()
        if body.endswith(":"):
            lines.setdefault(_unquote(body[:-1]), number)
    return lines


def _unquote(key: str) -> str:
    if len(key) >= 2 and key[0] == key[-1] == '"':
        try:
            return json.loads(key)
        except ValueError:
            return key[1:-1]
    if len(key) >= 2 and key[0] == key[-1] == "'":
        return key[1:-1].replace("''", "'")
    return key
