"""Read (never run) a shell one-liner from package.json or connect.yaml as a list of simple commands."""

from __future__ import annotations

import re
import shlex

SEPARATORS = frozenset({"&&", "||", ";", "|", "&", ";;", "|&"})
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
MAX_SCRIPT_CHARS = 10_000  # a script longer than this is not a one-liner; read only its start


def commands(script: str) -> list[list[str]]:
    """Split a script into simple commands (words), dropping leading VAR=value assignments.

    `npm ci && FOO=1 npm run x; echo done` -> [['npm', 'ci'], ['npm', 'run', 'x'], ['echo', 'done']].
    Unbalanced quotes fall back to whitespace splitting, so a malformed script is still read.
    """
    out: list[list[str]] = []
    current: list[str] = []
    for token in _tokens(script[:MAX_SCRIPT_CHARS]):
        if token in SEPARATORS or token in {"(", ")", "{", "}"}:
            _close(out, current)
            current = []
        else:
            current.append(token)
    _close(out, current)
    return out


def _close(out: list[list[str]], words: list[str]) -> None:
    while words and _ASSIGNMENT.match(words[0]):
        words = words[1:]
    if words and words[0] in {"env", "cross-env"}:
        words = words[1:]
        while words and _ASSIGNMENT.match(words[0]):
            words = words[1:]
    if words:
        out.append(words)


def _tokens(script: str) -> list[str]:
    lexer = shlex.shlex(script, posix=True, punctuation_chars=";&|()")
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        return list(lexer)
    except ValueError:  # unbalanced quotes
        return re.findall(r"&&|\|\||[;&|()]|[^\s;&|()]+", script)


def first_word(command: list[str]) -> str:
    """The program name without a leading path (`./node_modules/.bin/jest` -> `jest`)."""
    return command[0].rsplit("/", 1)[-1] if command else ""
