"""Is a candidate value shaped like a credential? Why it is not (a placeholder, a reference, a word, a
dummy), and whether it is random enough to be a generated key. Pure functions over one value (and the
name it is assigned to); the data is rules/secrets.yaml `not_a_secret` and `random_value`."""

from __future__ import annotations

import base64
import binascii
import json
import math
import re

from certifier.core.secrets.redact import entropy
from certifier.core.secrets.rules import secret_rules

_WORDS = re.compile(r"^[A-Za-z]+(?:[-_.:/][A-Za-z]+)*$")  # letters only, in words: an identifier or a name
_CAMEL = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_BASE64 = re.compile(r"^[A-Za-z0-9+/_-]{16,}={0,2}$")
IDENTIFIER_WORD = 3  # mean word length of an identifier; random letters break into words of 1-2


def has_placeholder(value: str) -> bool:
    lowered = value.lower()
    return any(word in lowered for word in secret_rules().not_a_secret.placeholder_words)


def dismissal(value: str, key: str | None = None, *, known_format: bool = False) -> str | None:
    """Why `value` cannot be a real secret, in a few words, or None when it may be one. A value of a known
    credential format is not taken for a word (AKIA followed by letters only is still an AWS key id)."""
    rules = secret_rules().not_a_secret
    if len(value) < rules.min_length:
        return f"shorter than {rules.min_length} characters"
    if len(value) > rules.max_length:
        return f"longer than {rules.max_length} characters"
    for shape in rules.shapes:
        if re.search(shape.pattern, value):
            return shape.why
    if has_placeholder(value):
        return "a placeholder word"
    if known_format:
        return "a counting sequence (a dummy value)" if is_counting(value) else None
    if key is not None and _normalised(value) in _normalised(key):
        return "the name of its own key"
    if is_identifier(value):
        return "an identifier or a word (letters only)"
    if is_counting(value):
        return "a counting sequence (a dummy value)"
    if is_encoded_data(value):
        return "base64 of JSON data, not a key"
    return None


def _normalised(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def is_identifier(value: str) -> bool:
    """Letters-only words: `ingridInstaboxToken`, `Password`, `x-api-key`, `the-client-secret`. Random
    mixed-case letters (`zYxWvUtSrQ`) break into one- and two-letter words and are not identifiers."""
    if not _WORDS.match(value):
        return False
    if value.islower() or value.isupper():
        return True
    words = _CAMEL.findall(value)
    return bool(words) and sum(map(len, words)) / len(words) >= IDENTIFIER_WORD


def _successor(char: str) -> str:
    if char == "9":
        return "0"
    return chr(ord(char) + 1)


def is_counting(value: str) -> bool:
    """Mostly ascending runs once separators are gone: `12345678901234567890`, `1234567890abcdef`,
    `secret-1234567890-abcdefghijklmnopqrstuvwxyz`."""
    rules = secret_rules().not_a_secret.counting
    chars = [c for c in value.lower() if c.isalnum()]
    if not chars:
        return False
    covered, run = 0, 1
    for previous, current in zip(chars, chars[1:]):
        if current == _successor(previous):
            run += 1
            continue
        covered += run if run >= rules.min_run else 0
        run = 1
    covered += run if run >= rules.min_run else 0
    return covered >= rules.min_share * len(chars)


def is_encoded_data(value: str) -> bool:
    """Base64 of a JSON document (a sample message, a serialised state): data, not a key. A document that
    names a key or password (a base64 service-account file) stays a candidate."""
    if not _BASE64.match(value):
        return False
    try:
        padded = value + "=" * (-len(value) % 4)
        text = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return False
    if not text.lstrip().startswith(("{", "[")) or re.search(secret_rules().secret_key, text, re.I):
        return False
    try:
        json.loads(text)
    except ValueError:
        return len(text) >= 40 and text.isprintable()  # a truncated document: its start is enough
    return True


def looks_random(value: str) -> bool:
    """Long and random enough to be a generated key or token rather than a chosen password or word. The
    bar follows the length: n distinct characters cannot carry more than log2(n) bits each."""
    rules = secret_rules().random_value
    if len(value) < rules.min_length:
        return False
    return entropy(value) >= min(rules.min_bits, math.log2(len(value)) - 1)


def header_credential(value: str) -> str:
    """The credential in an Authorization value: the password of `Basic base64(user:password)` (so that
    `user:password` is judged as the word it is), the token after another scheme, the part after `user:`."""
    scheme, _, rest = value.partition(" ")
    if not rest:
        return value.partition(":")[2] or value
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(rest + "=" * (-len(rest) % 4), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return rest
        return decoded.partition(":")[2] or rest
    return rest
