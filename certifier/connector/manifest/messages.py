"""Findings of loading connect.yaml: one builder per problem, each with a precise message and remedy."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any, Iterable

from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from certifier.connector.manifest.issues import js_type
from certifier.connector.manifest.model import MANIFEST_FILE, ROOT_LABEL
from certifier.connector.manifest.yamlscan import ScanProblem
from certifier.core.model import Finding, Location, Severity

_SCAN_REMEDIES = {
    "duplicate-key": "Keep one of the two keys: the official parser rejects the whole file.",
    "too-deep": "connect.yaml needs about five levels of nesting; remove the extra nesting.",
    "too-many-nodes": "Keep connect.yaml to the applications and configuration the connector really has.",
    "too-many-aliases": "Write the values out instead of using YAML anchors and aliases.",
    "alias-expansion": "Remove the nested aliases; write the values out instead.",
    "recursive-alias": "Remove the self-referencing alias.",
    "multiple-documents": "Keep a single YAML document: remove the extra '---' section.",
    "merge-key": "Write the merged keys out in each mapping.",
}


def _finding(rule: str, message: str, remediation: str, line: int | None = 1, column: int | None = 1,
             severity: Severity = Severity.ERROR, **properties: Any) -> Finding:
    return Finding(
        message=message,
        severity=severity,
        location=Location(path=MANIFEST_FILE, line=line, column=column),
        rule=f"manifest.{rule}",
        remediation=remediation,
        properties=properties,
    )


def missing(name: str, entries: Iterable[str]) -> Finding:
    near = sorted(e for e in entries if e.lower() in {"connect.yaml", "connect.yml"} and e != name)
    hint = ""
    if near:
        listed = ", ".join(repr(e) for e in near)
        hint = f" Found {listed} instead: only the exact name {name} (lower case, '.yaml') is looked for."
    return Finding(
        message=f"specification file not found: {name} is missing at the repository root.{hint}",
        severity=Severity.ERROR,
        location=Location(path=name),
        rule="manifest.missing",
        remediation=f"Add {name} at the repository root, named exactly {name}, declaring the apps under deployAs.",
        properties={"similar": near},
    )


def unreadable_root(root: Path, error: OSError) -> Finding:
    return Finding(message=f"the repository root could not be listed: {error.strerror or error}",
                   severity=Severity.ERROR, location=Location(path=MANIFEST_FILE), rule="manifest.unreadable",
                   remediation="Check that the checkout is a readable directory.")


def symlink_outside(target: str) -> Finding:
    return _finding("symlink-outside", f"{MANIFEST_FILE} is a symbolic link to {target!r}, which leaves the "
                    "repository; it was not read", f"Commit {MANIFEST_FILE} itself, not a link to another place.",
                    None, None)


def unreadable(error: OSError) -> Finding:
    return _finding("unreadable", f"{MANIFEST_FILE} could not be read: {error.strerror or error}",
                    f"Make {MANIFEST_FILE} a readable regular file.", None, None)


def not_regular(mode: int) -> Finding:
    kind = "a directory" if stat.S_ISDIR(mode) else "not a regular file"
    return _finding("not-regular-file", f"{MANIFEST_FILE} is {kind}", f"Make {MANIFEST_FILE} a regular YAML file.",
                    None, None)


def too_large(size: int, limit: int) -> Finding:
    return _finding("too-large", f"{MANIFEST_FILE} is {size} bytes, above the {limit} byte limit; it was not read",
                    f"A connector manifest is a few kilobytes; keep only deployAs and inheritAs in {MANIFEST_FILE}.",
                    None, None, size=size, limit=limit)


def _line_and_column(raw: bytes, offset: int) -> tuple[int, int]:
    line = raw.count(b"\n", 0, offset) + 1
    column = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
    return line, column


def binary(raw: bytes, offset: int) -> Finding:
    line, column = _line_and_column(raw, offset)
    utf16 = " It looks like UTF-16." if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
    return _finding("binary", f"{MANIFEST_FILE} is binary, not text: NUL byte at offset {offset} (line {line}, "
                    f"column {column}).{utf16}", f"Save {MANIFEST_FILE} as UTF-8 text.", line, column, offset=offset)


def not_utf8(raw: bytes, offset: int) -> Finding:
    line, column = _line_and_column(raw, offset)
    return _finding("encoding", f"{MANIFEST_FILE} is not valid UTF-8: byte 0x{raw[offset]:02X} at offset {offset} "
                    f"(line {line}, column {column}) cannot be decoded", f"Save {MANIFEST_FILE} as UTF-8.",
                    line, column, offset=offset)


def scan_problem(problem: ScanProblem) -> Finding:
    severity = Severity.ERROR if problem.fatal else Severity.WARNING
    return _finding(problem.rule, problem.message, _SCAN_REMEDIES[problem.rule], problem.line, problem.column,
                    severity)


def _mark(mark: Any) -> tuple[int, int] | None:
    if mark is None or getattr(mark, "line", None) is None:
        return None
    return mark.line + 1, mark.column + 1


def syntax_error(error: MarkedYAMLError) -> Finding:
    """The parser's own message with line and column, no path prefix (as the official validator does)."""
    where = _mark(error.problem_mark) or _mark(error.context_mark) or (1, 1)
    problem = (error.problem or error.context or "invalid YAML").strip()
    message = f"{problem} at line {where[0]}, column {where[1]}"
    context = _mark(error.context_mark)
    if error.context and error.problem and context is not None:
        message += f" ({error.context.strip()} that starts at line {context[0]}, column {context[1]})"
    return _finding("yaml-syntax", message, "Fix the YAML syntax at that line (indentation, ':' and quotes); "
                    "a YAML linter shows the same error.", *where)


def duplicate_key(error: MarkedYAMLError) -> Finding:
    line, column = _mark(error.problem_mark) or (1, 1)
    return _finding("duplicate-key", f"Map keys must be unique at line {line}, column {column}",
                    _SCAN_REMEDIES["duplicate-key"], line, column)


def reader_error(error: ReaderError, text: str) -> Finding:
    offset = max(0, min(int(getattr(error, "position", 0) or 0), len(text)))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    character = getattr(error, "character", "")
    if isinstance(character, str) and len(character) == 1:
        character = ord(character)
    code = f"#x{character:04X}" if isinstance(character, int) else "?"
    return _finding("yaml-syntax", f"unacceptable character {code} at line {line}, column {column}: "
                    f"{getattr(error, 'reason', 'not allowed in YAML')}",
                    "Remove the control character; YAML allows only printable characters, tabs and newlines.",
                    line, column)


def unparsable(error: BaseException) -> Finding:
    detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if isinstance(error, RecursionError):
        detail = "nested too deeply"
    elif not isinstance(error, YAMLError):
        detail = f"{type(error).__name__}: {detail}"
    return _finding("yaml-syntax", f"{MANIFEST_FILE} could not be parsed as YAML: {detail[:300]}",
                    "Fix the YAML so that a YAML 1.2 parser reads it.", None, None)


def shape_problem(data: Any, size: int) -> Finding | None:
    """Empty documents and top levels that are not a mapping, in the official wording."""
    if isinstance(data, dict):
        return None
    message = f"[{ROOT_LABEL}]: Expected object, received {js_type(data)}"
    if data is None:
        what = "empty (0 bytes)" if size == 0 else "empty (only whitespace or comments)"
        remedy = f"{MANIFEST_FILE} is {what}: declare the apps under deployAs."
        return _finding("empty", message, remedy, 1, 1, size=size)
    return _finding("not-mapping", message, "The top level of connect.yaml must be a mapping with deployAs "
                    "(and optionally inheritAs).", 1, 1)
