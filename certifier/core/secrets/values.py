"""Is a candidate value a plausible secret, and where on its line is a secret known only by its hash?"""

from __future__ import annotations

import re

from certifier.core.secrets.redact import secret_hash
from certifier.core.secrets.rules import secret_rules
from certifier.core.secrets.shapes import dismissal, has_placeholder

__all__ = ["described_by_context", "has_placeholder", "locate", "plausible"]

_CANDIDATES = (
    re.compile(r"""(["'`])(.*?)\1"""),  # quoted text
    re.compile(r"""[=:]\s*["'`]?([^\s"'`,;]+)"""),  # after = or :
    re.compile(r"""[^\s"'`,;:=()\[\]{}<>]+"""),  # bare tokens
)
_BRUTE_FORCE_MAX = 300  # longest line searched span by span


def plausible(value: str, key: str | None = None) -> bool:
    """False for what cannot be a real secret: short, a placeholder, a reference, prose, a word, a dummy
    (certifier.core.secrets.shapes.dismissal says which)."""
    return dismissal(value, key) is None


def described_by_context(line: str, span: tuple[int, int]) -> bool:
    """True when the text before the value says it is a hash (sha512-..., checksum: ...), not a secret."""
    before = line[max(0, span[0] - 40):span[0]]
    return any(re.search(pattern, before) for pattern in secret_rules().not_a_secret.after_patterns)


def locate(line: str, hashed: str) -> tuple[int, int] | None:
    """The [start, end) span of the value whose SHA-1 is `hashed`, or None when it cannot be found."""
    for pattern in _CANDIDATES:
        for match in pattern.finditer(line):
            group = match.lastindex or 0
            if secret_hash(match.group(group)) == hashed:
                return match.span(group)
    if len(line) > _BRUTE_FORCE_MAX:
        return None
    for start in range(len(line)):
        for end in range(start + 1, len(line) + 1):
            if secret_hash(line[start:end]) == hashed:
                return start, end
    return None
