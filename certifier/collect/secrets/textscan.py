"""One pass over the text files of a checkout for values that are secrets wherever they appear: the
content patterns of rules/secrets.yaml and private key blocks.

A hit keeps what a report may show (path, line, rule, the value's SHA-1 and description, a masked
snippet), never the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from certifier.connector.files import read_file
from certifier.core.secrets.redact import describe, secret_hash, snippet
from certifier.core.secrets.rules import SecretRules
from certifier.core.secrets.values import has_placeholder

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


@dataclass(frozen=True)
class TextScan:
    hits: tuple[TextHit, ...]
    unread: tuple[str, ...]  # too large, binary or unreadable: not searched
    dismissed: int  # matches with a placeholder word (documented example keys)


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
    """Hits in one file's text, and how many candidates were dismissed as placeholders (pure)."""
    key_block = re.compile(rules.secret_files.private_key.pattern)
    encrypted = re.compile(rules.secret_files.private_key.encrypted_pattern)
    patterns = [(p, re.compile(p.pattern)) for p in rules.content_patterns]
    hits: list[TextHit] = []
    dismissed = 0
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        block = key_block.search(line)
        if block:
            # PKCS#8 says ENCRYPTED on the BEGIN line, PEM (RSA) in a Proc-Type header just below it
            kind = ENCRYPTED_PRIVATE_KEY if encrypted.search("\n".join(lines[number - 1:number + 2])) else PRIVATE_KEY
            hits.append(TextHit(path, number, kind, kind.replace("-", " "), secret_hash(block.group()),
                                "(key material not shown)", snippet(line, [block.span()])))
        for pattern, regex in patterns:
            for match in regex.finditer(line):
                value = match.group("secret")
                if has_placeholder(value):
                    dismissed += 1
                    continue
                hits.append(TextHit(path, number, pattern.id, pattern.name, secret_hash(value), describe(value),
                                    snippet(line, [match.span("secret")])))
    return hits, dismissed
