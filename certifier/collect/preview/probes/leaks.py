"""What an HTTP answer must never contain: stack traces, internal file paths, configuration secrets."""

from __future__ import annotations

import re

_TRACE_PATTERNS = (
    re.compile(r"at Object\.<anonymous> \("),
    # V8 frames: "    at fn (/srv/app/dist/x.js:10:5)", "at node:internal/...:1:2", "at file:///..."
    re.compile(r"(?m)^\s*at (?:[^\n]{0,200}? \()?(?:/|file:|node:|[A-Za-z]:\\)[^\n)]{0,300}:\d+(?::\d+)?\)?\s*$"),
    re.compile(r"(?:Error|Exception)[^\n]{0,200}\n\s+at [^\n]{0,300}:\d+:\d+"),
    re.compile(r"Traceback \(most recent call last\):"),
    re.compile(r'(?m)^\s*File "[^"\n]{1,300}", line \d+'),
    re.compile(r"(?m)^\s*at [\w$.]+\([\w$]+\.(?:java|kt):\d+\)"),
    re.compile(r"node_modules/[^\s\"']{1,200}\.(?:js|cjs|mjs|ts):\d+"),
)
_MAX_SCAN = 512 * 1024


def stack_trace(text: str, internal_paths: tuple[str, ...] = ()) -> str | None:
    """The first line that gives away a stack trace or an internal path, else None."""
    # JSON answers carry frames as "\n    at ..." escapes: scan them as real lines too.
    sample = text[:_MAX_SCAN].replace("\\n", "\n").replace('\\"', '"')
    for pattern in _TRACE_PATTERNS:
        match = pattern.search(sample)
        if match:
            return _line_of(sample, match.start())
    for path in internal_paths:
        if len(path) > 4 and path in sample:
            return _line_of(sample, sample.index(path))
    return None


def leaked_secrets(text: str, secrets: dict[str, str]) -> list[str]:
    """Names of the secrets (name -> value) whose value appears in `text`."""
    return sorted(name for name, value in secrets.items() if len(value) >= 6 and value in text)


def _line_of(text: str, index: int) -> str:
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    return text[start:end if end != -1 else len(text)].strip()[:240]
