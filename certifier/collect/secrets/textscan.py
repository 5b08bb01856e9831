"""One pass over the text files of a checkout for values that are secrets wherever they appear: the
content patterns of rules/secrets.yaml and private key blocks.

A hit keeps what a report may show (path, line, rule, the value's SHA-1 and description, a masked
snippet) and how sure it is (certifier.core.secrets.judge: the value, the name it is given, the kind of
file), never the value. Placeholders and dummies are counted, not kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from certifier.connector.files import read_file
from certifier.core.file_kinds import HEADER_LINES, file_kind
from certifier.core.model import Confidence, FileKind
from certifier.core.secrets.context import comments_of
from certifier.core.secrets.judge import Facts, Judgement, judge
from certifier.core.secrets.redact import describe, secret_hash, snippet
from certifier.core.secrets.rules import ContentPattern, SecretRules

PRIVATE_KEY = "private-key"
ENCRYPTED_PRIVATE_KEY = "encrypted-private-key"


@dataclass(frozen=True)
class TextHit:
    path: str
    line: int
    rule: str  # a content pattern id, or private-key / encrypted-private-key
    name: str  # what it is, for messages ("AWS access key id")
    sha1: str
    shown: str  # describe(value)
    snippet: str  # the line with the value masked
    kind: FileKind
    confidence: Confidence | None = None  # None for key blocks: sec.secret-files weighs them by kind
    reason: str = ""


@dataclass(frozen=True)
class TextScan:
    hits: tuple[TextHit, ...]
    unread: tuple[str, ...]  # too large, binary or unreadable: not searched
    dismissed: int  # matches that are placeholders, dummies or samples (documented example keys)


def scan_text(root: Path, files: Iterable[str], rules: SecretRules) -> TextScan:
    hits: list[TextHit] = []
    unread: list[str] = []
    dismissed = 0
    for path in files:
        read = read_file(root, path, rules.limits.max_file_bytes)
        if read.text is None:
            if read.problem and "binary" not in read.problem:
                unread.append(path)
            continue
        found, skipped = scan_lines(path, read.text, rules)
        hits += found
        dismissed += skipped
    return TextScan(tuple(hits), tuple(unread), dismissed)


def scan_lines(path: str, text: str, rules: SecretRules) -> tuple[list[TextHit], int]:
    """Hits in one file's text, and how many candidates were dismissed (pure)."""
    key_block = re.compile(rules.secret_files.private_key.pattern)
    encrypted = re.compile(rules.secret_files.private_key.encrypted_pattern)
    patterns = [(p, re.compile(p.pattern)) for p in rules.content_patterns]
    hits: list[TextHit] = []
    dismissed = 0
    lines = text.splitlines()
    kind = file_kind(path, "\n".join(lines[:HEADER_LINES]))
    place = _Place(path, lines, kind)
    for number, line in enumerate(lines, start=1):
        block = key_block.search(line)
        if block:
            # PKCS#8 says ENCRYPTED on the BEGIN line, PEM (RSA) in a Proc-Type header just below it
            rule = ENCRYPTED_PRIVATE_KEY if encrypted.search("\n".join(lines[number - 1:number + 2])) else PRIVATE_KEY
            hits.append(TextHit(path, number, rule, rule.replace("-", " "), secret_hash(block.group()),
                                "(key material not shown)", snippet(line, [block.span()]), kind))
        for pattern, regex in patterns:
            for match in regex.finditer(line):
                judgement = place.judge(pattern, match.group("secret"), number - 1, match.start("secret"))
                if judgement.confidence is None:
                    dismissed += 1
                    continue
                value = match.group("secret")
                hits.append(TextHit(path, number, pattern.id, pattern.name, secret_hash(value), describe(value),
                                    snippet(line, [match.span("secret")]), kind, judgement.confidence,
                                    judgement.reason))
    return hits, dismissed


class _Place:
    """One file's kind, and its comments worked out only when a hit needs them."""

    def __init__(self, path: str, lines: list[str], kind: FileKind):
        self.path, self.lines, self.kind = path, lines, kind
        self._comments = None

    def judge(self, pattern: ContentPattern, value: str, index: int, start: int) -> Judgement:
        if pattern.named is None:
            return judge(Facts(value, self.kind, known_format=pattern.name))
        if self._comments is None:
            self._comments = comments_of(self.path, self.lines)
        covered = self._comments.covers(index, start)
        return judge(Facts(value, self.kind, key=pattern.named, in_comment=covered))
