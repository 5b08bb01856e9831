"""certifier.collect.secrets: a secret is described, hashed or masked, never shown; placeholders are not secrets."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, strategies as st

from certifier.core.secrets.redact import MASK, describe, mask_spans, scrub, secret_hash, snippet
from certifier.core.file_kinds import is_test_path
from certifier.core.secrets.values import described_by_context, has_placeholder, locate, plausible

SECRET = "q8Jd0bK2mZ7xP4vL9sT3nR6wY1cF5hA0"


def test_describe_shows_length_and_at_most_two_characters():
    assert describe(SECRET) == "q8…(redacted, 32 chars)"
    assert describe("hunter22") == "(redacted, 8 chars)"


@given(st.text(min_size=3, max_size=200))
def test_describe_never_contains_the_value(value):
    assert value not in describe(value) or len(value) <= 2


def test_hash_is_detect_secrets_sha1():
    assert secret_hash(SECRET) == hashlib.sha1(SECRET.encode()).hexdigest()


def test_snippets_mask_given_spans_and_anything_that_looks_secret():
    line = f"const clientSecret = '{SECRET}'; // also AKIAQWERTYUIOPASDFGH"
    shown = snippet(line)
    assert SECRET not in shown and "AKIAQWERTYUIOPASDFGH" not in shown and shown.count(MASK) == 2
    assert snippet("const region = 'europe-west1.gcp';") == "const region = 'europe-west1.gcp';"
    assert snippet("hosts: 'https://auth.eu-central-1.aws.commercetools.com'") == \
        "hosts: 'https://auth.eu-central-1.aws.commercetools.com'"
    assert mask_spans("abcdef", [(1, 3), (2, 4)]) == f"a{MASK}ef"


def test_scrub_masks_tool_messages_line_by_line():
    text = f"error at line 3\ntoken={SECRET}\n"
    assert SECRET not in scrub(text) and scrub(text).startswith("error at line 3")


@pytest.mark.parametrize("value", ["openssl rand -hex 32", "${NPM_TOKEN}", "$TOKEN", "<your-client-secret>",
                                   "CTP_CLIENT_SECRET", "changeme", "xxxxxxxxxx", "short", "test-secret-123",
                                   "process.env.X", "https://example.com/x"])
def test_placeholders_references_and_prose_are_not_secrets(value):
    assert not plausible(value)


@pytest.mark.parametrize("value", [SECRET, "hunter2hunter22", "fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5bC"])
def test_real_looking_values_are_secrets(value):
    assert plausible(value) and not has_placeholder(value)


def test_locate_finds_a_secret_by_its_hash():
    line = f'  "apiKey": "{SECRET}",'
    start, end = locate(line, secret_hash(SECRET))
    assert line[start:end] == SECRET
    assert locate("2. Generate the extension secret: `openssl rand -hex 32`.",
                  secret_hash("openssl rand -hex 32")) == (35, 55)
    assert locate("nothing here", secret_hash(SECRET)) is None


def test_integrity_hashes_are_described_by_their_context():
    line = "    integrity: sha512-Aa0bB1cC2dD3eE4fF5gG6hH7iI8jJ9kK0lL1mM2nN3oO4pP5qQ6rR7sS8tT9uU0vV1wW2xX3yY4zZ5=="
    start = line.index("Aa0")
    assert described_by_context(line, (start, len(line)))
    assert not described_by_context(f"token: {SECRET}", (7, 7 + len(SECRET)))


def test_test_code_is_the_one_list_of_file_kinds():
    assert is_test_path("app/tests/x.ts") and is_test_path("app/src/x.spec.ts")
    assert is_test_path("app/src/__tests__/x.js") and is_test_path("tools/test_export.py")
    assert is_test_path("app/.env.test") and is_test_path("app/jest.setup.ts")
    assert not is_test_path("app/src/latest.ts") and not is_test_path("app/src/contest/x.js")
