"""Line numbers of JSON object members: `json` gives none, and a finding must point at the entry.

One pass of a regular-expression tokenizer over the text. It only has to agree with `json.loads` on
text that `json.loads` accepted, so it need not validate anything itself.
"""

from __future__ import annotations

import json
import re

_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\]:,\n]')


def object_lines(text: str, max_depth: int = 64) -> dict[tuple[str, ...], int]:
    """(key, key, ...) path of every member whose value is an object -> 1-based line of its key."""
    lines: dict[tuple[str, ...], int] = {}
    stack: list[tuple[str, ...] | None] = []  # path of each open container; None inside arrays
    line = 1
    pending: str | None = None  # the last string seen in an object, a key if ':' follows
    key: tuple[str, int] | None = None  # the key waiting for its value, with its line
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token == "\n":
            line += 1
        elif token == ":":
            key = (pending, line) if pending is not None else None
            pending = None
        elif token[0] == '"':
            pending = _unquote(token)
        elif token in "{[":
            parent = stack[-1] if stack else ()
            if token == "{" and key is not None and parent is not None and len(stack) <= max_depth:
                path = parent + (key[0],)
                lines.setdefault(path, key[1])
                stack.append(path)
            else:
                stack.append(() if not stack else None)
            key = None
        elif token in "}]":
            if stack:
                stack.pop()
            key = pending = None
        else:  # ','
            key = pending = None
    return lines


def _unquote(token: str) -> str:
    if "\\" not in token:
        return token[1:-1]
    try:
        return json.loads(token)
    except ValueError:
        return token[1:-1]
