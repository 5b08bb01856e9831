"""Code text of a semgrep match, read from the checkout (semgrep's JSON withholds it without a login).

The matched text feeds the finding key (stable across line moves); what a report shows is the first line
of the match with anything that may be a secret masked.
"""

from __future__ import annotations

from pathlib import Path

from certifier.connector.files import read_file
from certifier.core.secrets.redact import snippet
from certifier.tools.semgrep import MAX_TARGET_BYTES, Match

MAX_MATCH_BYTES = 4096  # of matched code kept for the key


def matched_code(root: Path, match: Match) -> tuple[str, str]:
    """(matched code, redacted snippet of its first line); empty strings when the file cannot be read."""
    read = read_file(root, match.path, MAX_TARGET_BYTES)
    if read.text is None:
        return "", ""
    data = read.text.encode("utf-8", "surrogatepass")  # semgrep offsets count bytes
    start = max(0, min(match.start_offset, len(data)))
    end = max(start, min(match.end_offset, len(data), start + MAX_MATCH_BYTES))
    code = data[start:end].decode("utf-8", "replace")
    lines = read.text.splitlines()
    first = lines[match.line - 1] if 0 < match.line <= len(lines) else ""
    return code, snippet(first)


def secret_value(root: Path, match: Match) -> str | None:
    """The literal a secret rule matched, without its quotes (kept in memory only, to hash it)."""
    code, _shown = matched_code(root, match)
    if not code:
        return None
    if len(code) >= 2 and code[0] == code[-1] and code[0] in "'\"`":
        code = code[1:-1]
    return code
