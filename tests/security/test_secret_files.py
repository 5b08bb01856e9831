"""sec.secret-files: .env files with secret values, private keys and registry tokens; values never shown."""

from __future__ import annotations

import pytest

from certifier.core.model import Outcome, Severity
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


def test_npmrc_parsing():
    text = ("registry=https://registry.npmjs.org/\n//r.example.com/:_authToken=abcdef0123456789abcd\n"
            "//r2.example.com/:_authToken=${NPM_TOKEN}\n; //old/:_password=c2VjcmV0cGFzcw==\n"
            "npmAuthToken: \"Zz1Yy2Xx3Ww4Vv5Uu6\"\n")
    assert [(e.line, e.key, e.secret) for e in npmrc_credentials(text)] == [
        (2, "_authToken", True), (3, "_authToken", False), (5, "npmAuthToken", True)]
