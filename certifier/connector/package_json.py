"""package.json as checks read it: parsed into a JSON object or a precise problem, and where a key sits in
its text (findings point at the line of a script). Reading the file safely is certifier.connector.files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from certifier.connector.files import TextFile


@dataclass(frozen=True)
class PackageJson:
    """A parsed package.json. `data` is None when `problem` says why; treat `data` as read-only."""

    path: str
    data: dict[str, Any] | None
    text: str | None
    problem: str | None = None
    line: int | None = None  # line of a JSON syntax error
    column: int | None = None

    @property
    def scripts(self) -> dict[str, str]:
        """The string-valued scripts (anything else in `scripts` cannot be run by npm)."""
        raw = (self.data or {}).get("scripts")
        if not isinstance(raw, dict):
            return {}
        return {k: v for k, v in raw.items() if isinstance(k, str) and isinstance(v, str)}


def parse_package_json(read: TextFile) -> PackageJson:
    if read.text is None:
        return PackageJson(read.path, None, None, f"{read.path} {read.problem}")
    try:
        data = json.loads(read.text)
    except json.JSONDecodeError as bad:
        return PackageJson(
            read.path,
            None,
            read.text,
            f"{read.path} is not valid JSON: {bad.msg} (line {bad.lineno}, column {bad.colno})",
            bad.lineno,
            bad.colno,
        )
    except RecursionError:
        return PackageJson(read.path, None, read.text, f"{read.path} is nested too deeply to parse")
    if not isinstance(data, dict):
        kind = type(data).__name__.replace("NoneType", "null").replace("dict", "object").replace("list", "array")
        return PackageJson(read.path, None, read.text, f"{read.path} must hold a JSON object, not {kind}")
    return PackageJson(read.path, data, read.text)


def line_of_key(text: str | None, key: str, within: str | None = None) -> int | None:
    """1-based line of the first `"key":` in JSON text, searching after the `"within":` line if given."""
    if not text:
        return None
    lines = text.splitlines()
    start = 0
    if within is not None:
        found = _first_line(lines, _quoted(within), 0)
        start = found if found is not None else 0
    hit = _first_line(lines, _quoted(key), start)
    return hit + 1 if hit is not None else None


def _first_line(lines: list[str], quoted: str, start: int) -> int | None:
    for number in range(start, len(lines)):
        line = lines[number]
        at = line.find(quoted)
        if at >= 0 and line[at + len(quoted) :].lstrip().startswith(":"):
            return number
    return None


def _quoted(key: str) -> str:
    """The key as written in JSON source, quotes included (escapes such as \\" preserved)."""
    return json.dumps(key, ensure_ascii=False)
