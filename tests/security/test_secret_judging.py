"""Judging a candidate secret by its value and its place (facts in, confidence out): the shapes of values
that are no secret, randomness, the name a value is given, the kind of file, comments (pure functions).

The values are made up for these tests; they follow the shapes seen in public connectors."""

from __future__ import annotations

import pytest

from certifier.core.model import Confidence, FileKind
from certifier.core.secrets.context import assigned_key, block_entries, block_scalar, comments_of
from certifier.core.secrets.judge import Facts, Judgement, judge
from certifier.core.secrets.shapes import dismissal, header_credential, is_counting, looks_random

RANDOM = "q8Jd0bK2mZ7xP4vL9sT3nR6wY1cF5hA0"  # 32 random letters and digits
HIGH, MEDIUM, LOW = Confidence.HIGH, Confidence.MEDIUM, Confidence.LOW
SOURCE, CONFIG, TEST, DOCS = FileKind.SOURCE, FileKind.CONFIG, FileKind.TEST, FileKind.DOCS
GENERATED, EXAMPLE, TEMPLATE = FileKind.GENERATED, FileKind.EXAMPLE, FileKind.CONFIG_TEMPLATE


@pytest.mark.parametrize("value, key, why", [
    # placeholders and template markers of committed env templates
    ("[client-secret]", "CTP_CLIENT_SECRET", "a placeholder in brackets"),
    ("[composable-commerce-client-secret]", "CTP_CLIENT_SECRET", "a placeholder in brackets"),
    ("[sandbox/production]_[tokenization_key]", "TOKENIZATION_KEY", "a placeholder in brackets"),
    ("<your-secret>", "API_SECRET", "a placeholder in brackets"),
    ("${SECRET}", "API_SECRET", "a variable reference"),
    ("${{ secrets.API_KEY }}", "API_KEY", "a CI expression"),
    ("{{ api_key }}", "API_KEY", "a template marker"),
    ("changeme", "PASSWORD", "a placeholder word"),
    ("xxx", "TOKEN", "shorter than 8 characters"),
    ("xxxxxxxxxxxx", "TOKEN", "one character repeated"),
    ("seti_xxx_secret_xxx", "client_secret", "a placeholder (xxx)"),
    ("", "PASSWORD", "shorter than 8 characters"),
    ("CTP_CLIENT_SECRET", "secretName", "a variable name"),
    ("openssl rand -hex 32", "secret", "prose or a command"),
    # dummies of test env files
    ("12345678901234567890123456789012", "CTP_CLIENT_SECRET", "a counting sequence (a dummy value)"),
    ("1234567890abcdef", "API_PASSWORD", "a counting sequence (a dummy value)"),
    ("secret-1234567890-abcdefghijklmnopqrstuvwxyz", "JWT_SECRET", "a counting sequence (a dummy value)"),
    ("Zx9Zx9Zx9Zx9", "TOKEN", "a repeated pattern"),
    # identifiers, field names, enum members, header names
    ("Password", "Password", "the name of its own key"),
    ("password", "password", "the name of its own key"),
    ("shopInstaboxToken", "FIELD_NAME_INSTABOX_TOKEN", "an identifier or a word (letters only)"),
    ("x-api-key", "API_KEY", "an identifier or a word (letters only)"),
    ("function", "apiKey", "an identifier or a word (letters only)"),
    ("secretKey", "secretHmacKey", "an identifier or a word (letters only)"),
    ("the-client-secret", "secret", "an identifier or a word (letters only)"),
    # data, not keys
    ("eyJ0eXBlIjoiT3JkZXJDcmVhdGVkIiwib3JkZXJJZCI6IjQyIiwidmVyc2lvbiI6M30=", "message",
     "base64 of JSON data, not a key"),
])
def test_values_that_cannot_be_secrets_say_why(value, key, why):
    assert dismissal(value, key) == why


@pytest.mark.parametrize("value, key", [
    (RANDOM, "clientSecret"),
    ("hunter2hunter22", "password"),
    ("zYxWvUtSrQpOnMlKjIhGfEdCbA", "token"),  # random mixed-case letters are not a word
    ("Qm9vdGxlZ0NsaWVudFNlY3JldDEyMzQ1Njc4", "clientSecret"),  # base64 of text, not of JSON
    ("eyJwcml2YXRlX2tleSI6Ii0tLS0tQkVHSU4ifQ==", "credentials"),  # base64 JSON naming a private key
])
def test_real_looking_values_are_not_dismissed(value, key):
    assert dismissal(value, key) is None


def test_a_known_format_is_not_taken_for_a_word():
    assert dismissal("AKIAQWERTYUIOPASDFGH") == "an identifier or a word (letters only)"
    assert dismissal("AKIAQWERTYUIOPASDFGH", known_format=True) is None
    assert dismissal("AKIAIOSFODNN7EXAMPLE", known_format=True) == "a placeholder word"


@pytest.mark.parametrize("value, random", [
    (RANDOM, True), ("aB3dE5fG7hJ9kL1m", True), ("hunter2hunter22", False), ("1,+1wwdq@A", False),
    ("aaaaaaaabbbbbbbbcccc", False),
])
def test_randomness_follows_length_and_entropy(value, random):
    assert looks_random(value) is random


def test_counting_runs_wrap_from_nine_to_zero():
    assert is_counting("7890123456789012") and not is_counting(RANDOM)


@pytest.mark.parametrize("facts, confidence, reason", [
    # a known credential format: high wherever it is, medium in tests and generated files
    (Facts("ghp_" + RANDOM + "abcd", DOCS, known_format="GitHub token"), HIGH,
     "matches the GitHub token format in documentation"),
    (Facts("ghp_" + RANDOM + "abcd", TEST, known_format="GitHub token"), MEDIUM,
     "matches the GitHub token format in a test file"),
    # a random value given a secret's name
    (Facts(RANDOM, SOURCE, key="clientSecret"), HIGH,
     "random 32-character value assigned to clientSecret in app source"),
    (Facts(RANDOM, CONFIG, key="CTP_CLIENT_SECRET"), HIGH,
     "random 32-character value assigned to CTP_CLIENT_SECRET in a configuration file"),
    (Facts(RANDOM, TEST, key="clientSecret"), MEDIUM,
     "random 32-character value assigned to clientSecret in a test file"),
    (Facts(RANDOM, TEMPLATE, key="API_KEY"), MEDIUM,
     "random 32-character value assigned to API_KEY in a configuration template"),
    (Facts(RANDOM, EXAMPLE, key="API_KEY"), MEDIUM,
     "random 32-character value assigned to API_KEY in an example"),
    (Facts(RANDOM, DOCS, key="client_secret"), MEDIUM,
     "random 32-character value assigned to client_secret in documentation"),
    (Facts(RANDOM, SOURCE, key="apiKey", in_comment=True), MEDIUM,
     "random 32-character value assigned to apiKey in a code comment"),
    (Facts(RANDOM, GENERATED, key="apiKey"), LOW,
     "random 32-character value assigned to apiKey in a generated file"),
    # random or named, not both
    (Facts("hunter2hunter22", SOURCE, key="password"), MEDIUM,
     "short or low-entropy 15-character value assigned to password in app source"),
    (Facts(RANDOM, SOURCE, key="orderNumber"), MEDIUM,
     "random 32-character value not assigned to a secret-named setting in app source"),
    (Facts("hunter2hunter22", TEST, key="password"), LOW,
     "short or low-entropy 15-character value assigned to password in a test file"),
    (Facts(RANDOM, TEST), LOW, "random 32-character value not assigned to a secret-named setting in a test file"),
    # a value the scanner reported but we could not find again
    (Facts(None, SOURCE), LOW, "reported by a scanner in app source, but the value could not be found on its "
                               "line to judge it"),
])
def test_confidence_and_its_reason(facts, confidence, reason):
    assert judge(facts) == Judgement(confidence, reason)


@pytest.mark.parametrize("facts", [
    Facts("[client-secret]", TEMPLATE, key="CTP_CLIENT_SECRET"),  # placeholder
    Facts("12345678901234567890123456789012", TEST, key="CTP_CLIENT_SECRET"),  # dummy
    Facts("Password", GENERATED, key="Password"),  # enum member
    Facts("shopInstaboxToken", SOURCE, key="FIELD_NAME_INSTABOX_TOKEN"),  # identifier
    Facts("cjiTz03EI0jkkysGDdPJQdLbecRVVU/5jm12/DTFEHo=", DOCS, key="hmacSignature"),  # a signature
    Facts("853592567856061C", DOCS, key="pspReference"),  # a reference
    Facts(RANDOM, DOCS),  # a random sample, not named a secret
    Facts(RANDOM, GENERATED),
    Facts("hunter2hunter22", DOCS, key="password"),
    Facts("notes-2024", SOURCE, key="title"),  # neither random nor named
])
def test_no_finding_for_samples_placeholders_and_identifiers(facts):
    assert judge(facts).confidence is None


@pytest.mark.parametrize("line, start, key", [
    ("const clientSecret = 'abc'", 22, "clientSecret"),
    ('  "apiKey": "abc"', 13, "apiKey"),
    ("CTP_CLIENT_SECRET=abc", 18, "CTP_CLIENT_SECRET"),
    ("const secret = process.env.SECRET || 'abc'", 38, "SECRET"),
    ("settings.authToken = \"abc\"", 22, "authToken"),
    ("export enum Mode { Password = 'Password' }", 31, "Password"),
    ("login('abc')", 7, None),
])
def test_the_name_a_value_is_assigned_to(line, start, key):
    assert assigned_key([line], 0, start) == key


def test_a_postman_value_takes_the_name_of_its_pair():
    lines = ["{", '  "key": "client_secret",', '  "value": "abc",']
    assert assigned_key(lines, 2, 12) == "client_secret"


def test_comments_of_c_like_and_hash_languages():
    js = ["const a = 'http://x//y'; // token: 'abc'", "/* sample:", '  "signature": "abc"', "*/", "const b = 1;"]
    comments = comments_of("src/a.ts", js)
    assert not comments.covers(0, 12) and comments.covers(0, 35)
    assert comments.covers(2, 16) and not comments.covers(4, 6)
    yaml = comments_of("ci.yml", ["key: 'a#b' # note", "  # all of it"])
    assert not yaml.covers(0, 7) and yaml.covers(0, 14) and yaml.covers(1, 4)
    assert not comments_of("README.md", ["// not code"]).covers(0, 5)


def test_a_yaml_block_scalar_is_read_as_yaml_reads_it():
    lines = ["    with:", "      secrets: |", "        API_KEY=${{ inputs.key }}", "        OTHER=abc", "    - name: x"]
    block = block_scalar(lines, 1)
    assert block == "API_KEY=${{ inputs.key }}\nOTHER=abc\n"
    assert block_entries(block) == [("API_KEY", "${{ inputs.key }}"), ("OTHER", "abc")]
    assert block_scalar(lines, 0) is None


@pytest.mark.parametrize("header, credential", [
    ("Basic dXNlcjpwYXNzd29yZA==", "password"),  # user:password
    ("Bearer abc.def.ghi", "abc.def.ghi"),
    ("client-id:Zx9abCDef0123456", "Zx9abCDef0123456"),
])
def test_the_credential_of_an_authorization_value(header, credential):
    assert header_credential(header) == credential


def test_a_reason_quotes_no_secret_and_no_long_name():
    token = "ghp_" + RANDOM + "Xy7Q"
    reason = judge(Facts("Hq7Zt2Lw9Xe4Rb6Nc1Vd8Ks3", SOURCE, key=f"secret {token}")).reason
    assert reason.startswith("random 24-character value assigned to secret «redacted»")
    assert RANDOM not in reason
    long_name = "secret_" + "a_very_long_name_" * 10
    assert len(judge(Facts(RANDOM, SOURCE, key=long_name)).reason) < 140
