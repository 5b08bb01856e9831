"""sec.secret-files: .env files with secret values, private keys and registry tokens; values never shown;
placeholders in templates and dummies in test env files are no finding, and every finding says how sure it
is and in which kind of file it sits."""

from __future__ import annotations

import pytest

from certifier.core.model import Confidence, FileKind, Outcome, Severity
from certifier.core.secrets import files as kinds
from certifier.core.secrets.files import env_entries, kind_of, npmrc_credentials

KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAuX2\n-----END RSA PRIVATE KEY-----\n"


def only(results):
    assert len(results) == 1
    return results[0]


@pytest.mark.parametrize("fixture, rule, line", [
    ("sec-env-file", "env-secret", 3),
    ("sec-private-key", "private-key", 1),
    ("sec-npmrc-token", "npmrc-token", 2),
])
def test_each_secret_file_fixture_is_an_error(connector, check_on, fixture, rule, line):
    result = only(check_on(connector(fixture), "sec.secret-files"))
    assert result.outcome is Outcome.FAIL
    [finding] = result.findings
    assert (finding.rule, finding.severity, finding.location.line) == (rule, Severity.ERROR, line)
    assert finding.confidence is Confidence.HIGH and finding.confidence_reason


def test_messages_describe_values_without_showing_them(connector, check_on):
    [finding] = only(check_on(connector("sec-env-file"), "sec.secret-files")).findings
    assert finding.message == "hello-service/.env sets CTP_CLIENT_SECRET to a secret-looking value fG…(redacted, 32 chars)"
    [finding] = only(check_on(connector("sec-npmrc-token"), "sec.secret-files")).findings
    assert "npm_A1b2" not in finding.message and "(redacted, 40 chars)" in finding.message


def test_harmless_files_pass(connector, check_on):
    root = connector("sec-clean")  # .env.example with empty and placeholder values
    (root / "hello-service/.npmrc").write_text("//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n")
    (root / "hello-service/cert.pem").write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    result = only(check_on(root, "sec.secret-files"))
    assert result.outcome is Outcome.PASS and result.findings == ()


def test_an_env_file_without_secrets_is_only_information(connector, check_on):
    [finding] = only(check_on(connector("struct-committed-env"), "sec.secret-files")).findings
    assert finding.severity is Severity.INFO and finding.rule == "env-values"


def test_keys_in_test_code_or_encrypted_are_warnings(connector, check_on):
    root = connector("minimal")
    (root / "hello-service/tests/fixtures").mkdir(parents=True)
    (root / "hello-service/tests/fixtures/signing.pem").write_text(KEY)
    (root / "deploy-key.pem").write_text(KEY.replace("Proc", "") .replace(
        "-----BEGIN RSA PRIVATE KEY-----\n", "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"))
    (root / "id_ed25519").write_text("binary-ish key store")
    findings = {f.location.path: f for f in only(check_on(root, "sec.secret-files")).findings}
    assert findings["hello-service/tests/fixtures/signing.pem"].severity is Severity.WARNING
    assert findings["hello-service/tests/fixtures/signing.pem"].needs_review
    assert findings["hello-service/tests/fixtures/signing.pem"].confidence is Confidence.MEDIUM
    assert findings["hello-service/tests/fixtures/signing.pem"].file_kind is FileKind.TEST
    assert findings["deploy-key.pem"].rule == "encrypted-private-key"
    assert findings["deploy-key.pem"].severity is Severity.WARNING
    assert (findings["id_ed25519"].rule, findings["id_ed25519"].severity) == ("key-file", Severity.ERROR)


@pytest.mark.parametrize("path, kind", [
    ("a/.env", kinds.ENV), ("a/.env.production", kinds.ENV), ("config.env", kinds.ENV),
    ("a/.env.example", kinds.ENV_TEMPLATE), (".env.sample", kinds.ENV_TEMPLATE),
    ("a/.npmrc", kinds.NPMRC), (".yarnrc.yml", kinds.NPMRC), ("keys/id_rsa", kinds.KEY_FILE),
    ("store.p12", kinds.KEY_FILE), ("src/env.ts", None), ("README.md", None),
])
def test_secret_files_by_name(path, kind):
    assert kind_of(path) == kind


def test_env_parsing():
    entries = env_entries("# comment\nexport API_KEY='Zx9ab8CD7ef6GH5ij4'\nGREETING=hello world # hi\nEMPTY=\n"
                          "CTP_CLIENT_SECRET=<your-secret>\nAWS=AKIAQWERTYUIOPASDFGH\n")
    assert [(e.line, e.key, e.secret) for e in entries] == [
        (2, "API_KEY", True), (3, "GREETING", False), (5, "CTP_CLIENT_SECRET", False), (6, "AWS", True)]
    assert all("Zx9ab8CD" not in e.shown for e in entries)
    assert [e.reason for e in entries if not e.secret] == ["GREETING does not name a secret",
                                                            "a placeholder in brackets"]


TEMPLATE = ("CTP_CLIENT_SECRET=[client-secret]\nPAYMENT_API_KEY=<your-payment-api-key>\n"
            "WEBHOOK_SECRET=${WEBHOOK_SECRET}\nADMIN_PASSWORD=changeme\nSERVICE_TOKEN=xxx\nREFRESH_TOKEN=\n"
            "TOKENIZATION_KEY=[sandbox]_[tokenization-key]\n")
DUMMIES = ("CTP_CLIENT_SECRET=12345678901234567890123456789012\nSERVICE_API_KEY=1234567890abcdef\n"
           "JWT_SECRET=secret-1234567890-abcdefghijklmnopqrstuvwxyz\nAPI_PASSWORD=test-password\n")
REAL = "OTHER_API_SECRET=Hq7Zt2Lw9Xe4Rb6Nc1Vd8Ks3\n"


@pytest.mark.parametrize("text, kind, expected", [
    (TEMPLATE, FileKind.CONFIG_TEMPLATE, []),
    (TEMPLATE + REAL, FileKind.CONFIG_TEMPLATE, [("OTHER_API_SECRET", Confidence.MEDIUM)]),
    (DUMMIES, FileKind.TEST, []),
    (DUMMIES, FileKind.CONFIG, []),  # a committed .env.local with counting dummies
    (DUMMIES + REAL, FileKind.TEST, [("OTHER_API_SECRET", Confidence.MEDIUM)]),
    (DUMMIES + REAL, FileKind.CONFIG, [("OTHER_API_SECRET", Confidence.HIGH)]),
])
def test_env_values_are_judged_by_value_and_kind_of_file(text, kind, expected):
    assert [(e.key, e.confidence) for e in env_entries(text, kind) if e.secret] == expected


def test_npmrc_parsing():
    text = ("registry=https://registry.npmjs.org/\n//r.example.com/:_authToken=Hq7Zt2Lw9Xe4Rb6Nc1Vd\n"
            "//r2.example.com/:_authToken=${NPM_TOKEN}\n; //old/:_password=c2VjcmV0cGFzcw==\n"
            "npmAuthToken: \"Zz1Yy2Xx3Ww4Vv5Uu6\"\n//r3.example.com/:_authToken=1234567890abcdef1234\n")
    assert [(e.line, e.key, e.secret) for e in npmrc_credentials(text)] == [
        (2, "_authToken", True), (3, "_authToken", False), (5, "npmAuthToken", True), (6, "_authToken", False)]


def test_placeholders_and_test_dummies_are_no_finding(connector, check_on):
    for fixture in ("sec-env-template-placeholders", "sec-test-env-dummies"):
        result = only(check_on(connector(fixture), "sec.secret-files"))
        assert [f for f in result.findings if f.severity is not Severity.INFO] == [], fixture
        assert result.evidence["secret_files"]["dismissed_values"] >= 4
