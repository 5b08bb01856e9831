"""How a secret may appear in output: described (length, two leading characters), hashed, or masked out
of a line. Nothing here returns a secret's value."""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterable

from certifier.core.secrets.rules import secret_rules

MASK = "«redacted»"
# A quoted literal or a bare run of token characters that is long and random enough to be a credential
_LITERAL = re.compile(r"""(["'`])([^"'`\s]{16,})\1""")
_TOKEN = re.compile(r"[A-Za-z0-9+/_=.~-]{24,}")
# `password = '...'`, `clientSecret: "..."`: a literal given to a secret-named key, however plain it looks
_ASSIGNED = re.compile(r"""([A-Za-z_$][\w$]*)["']?\s*(?:=|:|=>)\s*(["'`])([^"'`]{4,})\2""")
_ENTROPY_BITS = 3.5  # per character; identifiers and words stay below, keys and tokens above


def secret_hash(value: str) -> str:
    """SHA-1 of the value: the `hashed_secret` of detect-secrets, so findings of both tools line up."""
    return hashlib.sha1(value.encode("utf-8", "surrogatepass")).hexdigest()


def describe(value: str) -> str:
    """A secret as a reader may see it: `ab…(redacted, 40 chars)`; no characters when it is short."""
    length = len(value)
    if length >= 16:
        return f"{value[:2]}…(redacted, {length} chars)"
    return f"(redacted, {length} chars)"


def mask_spans(line: str, spans: Iterable[tuple[int, int]]) -> str:
    """`line` with each [start, end) span replaced by the mask (overlapping spans merged)."""
    merged: list[list[int]] = []
    for start, end in sorted((max(0, s), min(len(line), e)) for s, e in spans if e > s):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, at = [], 0
    for start, end in merged:
        out += [line[at:start], MASK]
        at = end
    out.append(line[at:])
    return "".join(out)


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    if not text:
        return 0.0
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def suspicious_spans(line: str) -> list[tuple[int, int]]:
    """Spans of a line that may be secrets: known secret formats, and long random literals or tokens."""
    spans = []
    for rule in secret_rules().content_patterns:
        for match in re.finditer(rule.pattern, line):
            spans.append(match.span("secret"))
    rules = secret_rules()
    for match in _ASSIGNED.finditer(line):
        if rules.is_secret_key(match.group(1)):
            spans.append(match.span(3))
    for match in _LITERAL.finditer(line):
        if _random_token(match.group(2)):
            spans.append(match.span(2))
    for match in _TOKEN.finditer(line):
        if _random_token(match.group()):
            spans.append(match.span())
    return spans


def _random_token(token: str) -> bool:
    """Letters and digits mixed at high entropy, and not a host name, path or version made of short words."""
    if not (re.search(r"[0-9]", token) and re.search(r"[A-Za-z]", token)) or entropy(token) < _ENTROPY_BITS:
        return False
    segments = re.split(r"[/.:-]", token)
    return len(segments) == 1 or any(len(segment) >= 16 for segment in segments)


def scrub(text: str) -> str:
    """Text from a tool or a connector file with everything that may be a secret masked, line by line."""
    limit = secret_rules().limits.max_line_chars
    lines = []
    for line in text.splitlines() or [""]:
        lines.append(mask_spans(line, suspicious_spans(line)) if len(line) <= limit else "(long line not shown)")
    return "\n".join(lines)


def snippet(line: str, spans: Iterable[tuple[int, int]] = ()) -> str:
    """One source line fit to show: the given spans and anything else suspicious masked, then shortened."""
    rules = secret_rules()
    if len(line) > rules.limits.max_line_chars:
        return "(long line not shown)"
    masked = mask_spans(line, [*spans, *suspicious_spans(line)]).strip()
    limit = rules.limits.snippet_chars
    return masked if len(masked) <= limit else masked[: limit - 1] + "…"
