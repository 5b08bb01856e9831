"""Where a candidate value sits in its file: the name it is assigned to, and whether it is inside a code
comment (where samples live). Pure functions over a file's lines; approximate by design (no parser), and
erring towards "not a comment" so that a real secret is never hidden by a misread."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

# `name = `, `name: `, `"name": `, `name => `, `NAME=` right before the value (and its opening quote)
_KEY = re.compile(r"""([A-Za-z_$][\w$.-]*)["'\]]?\s*(?:=|:|=>|\|\||\?\?)\s*["'`]?\s*$""")
_JSON_PAIR_KEY = re.compile(r""""(?:key|name)"\s*:\s*"([^"]+)\"""")  # Postman-style {"key": K, "value": V}
PAIR_LOOKBACK = 3  # lines searched above a `"value":` for the `"key":` of its pair

SLASH_COMMENTS = frozenset({".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".java", ".kt",
                            ".go", ".cs", ".scala", ".swift", ".c", ".h", ".cpp", ".php", ".scss", ".less"})
HASH_COMMENTS = frozenset({".py", ".sh", ".bash", ".yaml", ".yml", ".toml", ".rb", ".properties", ".cfg",
                           ".ini", ".conf", ".tf", ".dockerfile"})


def assigned_key(lines: Sequence[str], index: int, start: int) -> str | None:
    """The name the value at `lines[index][start:]` is assigned to, or None (a bare literal)."""
    match = _KEY.search(lines[index][:start])
    if match is None:
        return None
    key = match.group(1).rsplit(".", 1)[-1]
    if key.lower() == "value":
        for line in reversed(lines[max(0, index - PAIR_LOOKBACK):index + 1]):
            pair = _JSON_PAIR_KEY.search(line)
            if pair:
                return pair.group(1)
    return key


@dataclass(frozen=True)
class Comments:
    """The comments of one file, computed once: `covers(index, start)` for any line and column."""

    line_starts: tuple[int, ...]
    spans: tuple[tuple[int, int], ...]

    def covers(self, index: int, start: int) -> bool:
        if not 0 <= index < len(self.line_starts):
            return False
        offset = self.line_starts[index] + start
        at = bisect_right(self.spans, (offset, float("inf"))) - 1
        return at >= 0 and self.spans[at][0] <= offset < self.spans[at][1]


def comments_of(path: str, lines: Sequence[str]) -> Comments:
    """The comments of a file in the language its name says (none for languages not known here)."""
    name = PurePosixPath(path).name.lower()
    suffix = ".dockerfile" if name == "dockerfile" else PurePosixPath(name).suffix
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    if suffix in SLASH_COMMENTS:
        spans = _slash_comments("\n".join(lines))
    elif suffix in HASH_COMMENTS:
        spans = [(starts[i] + b, starts[i] + e) for i, line in enumerate(lines) for b, e in _hash_comments(line)]
    else:
        spans = []
    return Comments(tuple(starts), tuple(spans))


def _string_end(text: str, at: int) -> int:
    """The index after the string literal opening at `at` (a quote or backquote)."""
    quote, i = text[at], at + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == quote or (text[i] == "\n" and quote != "`"):
            return i + 1
        i += 1
    return len(text)


def _slash_comments(text: str) -> list[tuple[int, int]]:
    """[start, end) of the // and /* */ comments of C-like text, strings skipped."""
    spans, i = [], 0
    while i < len(text):
        char = text[i]
        if char in "'\"`":
            i = _string_end(text, i)
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = len(text) if end < 0 else end
            spans.append((i, end))
            i = end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = len(text) if end < 0 else end + 2
            spans.append((i, end))
            i = end
        else:
            i += 1
    return spans


def _hash_comments(line: str) -> list[tuple[int, int]]:
    """The # comment of one line of a shell, Python or YAML file, strings skipped."""
    i = 0
    while i < len(line):
        if line[i] in "'\"":
            i = _string_end(line, i)
        elif line[i] == "#" and (i == 0 or line[i - 1].isspace()):
            return [(i, len(line))]
        else:
            i += 1
    return []


_BLOCK = re.compile(r":\s*[|>][-+0-9]*\s*$")  # `secrets: |`: a YAML block scalar starts below
_ENTRY = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][\w.-]*)\s*[=:]\s*(.*?)\s*$")


def block_scalar(lines: Sequence[str], index: int) -> str | None:
    """The text of the YAML block scalar that `lines[index]` opens (as YAML reads it: dedented, one
    newline at the end), or None. detect-secrets reports a secret found in a block on its first line."""
    if not _BLOCK.search(lines[index]):
        return None
    opener = len(lines[index]) - len(lines[index].lstrip())
    body: list[str] = []
    for line in lines[index + 1:]:
        if line.strip() and len(line) - len(line.lstrip()) <= opener:
            break
        body.append(line)
    while body and not body[-1].strip():
        body.pop()
    if not body:
        return None
    indent = min(len(line) - len(line.lstrip()) for line in body if line.strip())
    return "\n".join(line[indent:] for line in body) + "\n"


def block_entries(block: str) -> list[tuple[str | None, str]]:
    """(name, value) of each line of a block of `NAME=value` or `name: value` lines ((None, line) else)."""
    entries: list[tuple[str | None, str]] = []
    for line in block.splitlines():
        match = _ENTRY.match(line)
        entries.append((match.group(1), match.group(2).strip("'\"")) if match else (None, line.strip()))
    return [(name, value) for name, value in entries if value]
