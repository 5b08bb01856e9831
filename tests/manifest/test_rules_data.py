"""The data files of the specification stage: valid as shipped, and a broken one is an error, never a pass."""

from __future__ import annotations

import json
import shutil

import pytest
from jsonschema import Draft202012Validator

from certifier.connector.manifest.rulesdata import secret_patterns, specification_rules
from certifier.core.rules import RulesError
from certifier.core.model import Outcome
from certifier.core.paths import rules_dir


def test_shipped_data_files_load():
    rules = specification_rules()
    assert rules.manifest.file == "connect.yaml" and rules.manifest.max_depth == 64
    assert set(rules.api_scopes.forbidden) == {"manage_project", "manage_api_clients"}
    patterns = secret_patterns()
    assert patterns.is_secret_key("CTP_CLIENT_SECRET") and not patterns.is_secret_key("CTP_PROJECT_KEY")


@pytest.mark.parametrize("key", ["CTP_CLIENT_SECRET", "DB_PASSWORD", "API_KEY", "apiKey", "PRIVATE_KEY",
                                 "GITHUB_TOKEN", "SERVICE_CREDENTIALS", "CLIENT_SECRET"])
def test_secret_looking_keys(key):
    assert secret_patterns().is_secret_key(key)


@pytest.mark.parametrize("key", ["CTP_REGION", "TOKEN_URL", "SECRET_HEADER_NAME", "TOKEN_EXPIRY", "CTP_CLIENT_ID"])
def test_keys_that_are_not_secrets(key):
    assert not secret_patterns().is_secret_key(key)


@pytest.mark.parametrize("value, kind", [
    ("-----BEGIN RSA PRIVATE KEY-----", "private key block"),
    ("AKIAABCDEFGHIJKLMNOP", "AWS access key id"),
    ("aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gH", "long random string"),
    ("0123456789abcdef0123456789abcdef", "long hexadecimal string"),
])
def test_secret_looking_values(value, kind):
    assert secret_patterns().secret_value_kind(value) == kind


@pytest.mark.parametrize("value", ["europe-west1.gcp", "https://api.europe-west1.gcp.commercetools.com",
                                   "my-very-long-product-type-key-for-customers", "en-US"])
def test_ordinary_values(value):
    assert secret_patterns().secret_value_kind(value) is None


def test_schema_is_draft_2020_12_and_every_message_keyword_has_a_message():
    """pattern/not/enum produce findings; each needs its x-message (conditions under if/not do not)."""
    schema = json.loads((rules_dir() / "schema" / "connect.schema.json").read_text())
    Draft202012Validator.check_schema(schema)

    def needing_messages(node, parent_key=""):
        if isinstance(node, dict):
            if parent_key not in ("if", "not", "x-message") and {"pattern", "not", "enum"} & set(node):
                yield node
            for key, value in node.items():
                if key != "x-message":
                    yield from needing_messages(value, key)
        elif isinstance(node, list):
            for value in node:
                yield from needing_messages(value, parent_key)

    nodes = list(needing_messages(schema))
    assert len(nodes) >= 8
    for node in nodes:
        keyword = next(k for k in ("pattern", "not", "enum") if k in node)
        assert keyword in node.get("x-message", {}), node


@pytest.fixture
def broken_rules(tmp_path, monkeypatch):
    """A copy of rules/ whose named file gets new content, selected through CERTIFIER_RULES_DIR."""

    def make(name: str, content: str):
        copy = tmp_path / "rules"
        shutil.copytree(rules_dir(), copy)
        (copy / name).write_text(content)
        monkeypatch.setenv("CERTIFIER_RULES_DIR", str(copy))
        return copy

    return make


def test_malformed_secret_patterns_raise(broken_rules):
    shipped = (rules_dir() / "secret-patterns.yaml").read_text()
    broken_rules("secret-patterns.yaml", shipped.replace("- 'PASSWD'", "- 'PASS('"))
    with pytest.raises(RulesError, match="secret-patterns.yaml: .*invalid regular expression"):
        secret_patterns()


def test_a_missing_field_is_named(broken_rules):
    broken_rules("specification.yaml", "version: 1\n")
    with pytest.raises(RulesError, match="specification.yaml: manifest: Field required") as raised:
        specification_rules()
    assert raised.value.field == "manifest"


def test_malformed_data_makes_the_check_an_error_not_a_pass(broken_rules, connector, run_check):
    root = connector("deployAs:\n  - {name: hello-service, applicationType: service, endpoint: /hello}\n")
    shipped = (rules_dir() / "secret-patterns.yaml").read_text()
    broken_rules("secret-patterns.yaml", shipped + "\nunknown_field: true\n")
    result = run_check("spec.secret-config", root)
    assert result.outcome is Outcome.ERROR and "RulesError" in result.summary and "unknown_field" in result.summary
