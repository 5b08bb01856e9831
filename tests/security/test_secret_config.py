"""spec.secret-config: how sure each finding is. A key is judged by its name (ending in a secret word is
high confidence), a default by its value (a placeholder default of a secret key is low: the misplaced key
is the problem, and it has a finding of its own)."""

from __future__ import annotations

from certifier.core.model import Confidence, FileKind

CONFIG = """deployAs:
  - name: hello-service
    applicationType: service
    endpoint: /hello
    configuration:
      standardConfiguration:
        - {key: CTP_CLIENT_SECRET, description: s}
        - {key: TOKEN_LIFETIME_DAYS, description: d, default: '30'}
        - {key: SIGNING_KEY, description: s, default: changeme}
        - {key: API_TOKEN, description: t, default: 'Hq7Zt2Lw9Xe4Rb6Nc1Vd8Ks3'}
        - {key: ADMIN_PASSWORD, description: p, default: '[admin-password]'}
        - {key: WEBHOOK_URL, description: u, default: 'sk_live_Hq7Zt2Lw9Xe4Rb6Nc1Vd8Ks3'}
"""


def test_confidence_follows_the_key_name_and_the_default_value(connector, check_on):
    root = connector("minimal")
    (root / "connect.yaml").write_text(CONFIG)
    [result] = check_on(root, "spec.secret-config")
    found = {(".".join(f.manifest_path.split(".")[-2:]), f.rule): f for f in result.findings}
    summary = {key: f.confidence for key, f in found.items()}
    assert summary == {
        ("0.key", "secret-in-standard"): Confidence.HIGH,  # CTP_CLIENT_SECRET
        ("1.key", "secret-in-standard"): Confidence.MEDIUM,  # TOKEN_LIFETIME_DAYS: only contains TOKEN
        ("1.default", "credential-default"): Confidence.LOW,  # '30' is no secret
        ("2.key", "secret-in-standard"): Confidence.HIGH,  # SIGNING_KEY
        ("2.default", "credential-default"): Confidence.LOW,  # changeme
        ("3.key", "secret-in-standard"): Confidence.HIGH,
        ("3.default", "credential-default"): Confidence.HIGH,  # a random default of a secret key
        ("4.key", "secret-in-standard"): Confidence.HIGH,
        ("4.default", "credential-default"): Confidence.LOW,  # [admin-password]
        ("5.default", "secret-default"): Confidence.HIGH,  # a live key format, whatever the key's name
    }
    assert all(f.file_kind is FileKind.CONFIG and f.confidence_reason for f in result.findings)
    assert found[("3.default", "credential-default")].confidence_reason == (
        "random 24-character value assigned to API_TOKEN in a configuration file")
    assert "Hq7Zt2Lw9Xe4" not in result.model_dump_json()
