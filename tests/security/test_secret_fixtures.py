"""The secret fixtures (tests/fixtures/connectors/sec-*-twin and their negatives): each false-positive class
seen on public connectors gives no finding at all, and the real-looking secret in app source beside it still
blocks with high confidence. The verdicts are in expectations.d/secrets.yaml."""

from __future__ import annotations

import pytest

from certifier.core.model import Confidence, FileKind, Severity

TWINS = {
    "sec-env-template-twin": "hello-service/src/webhook-config.js",
    "sec-test-env-twin": "hello-service/src/ctp-client.js",
    "sec-identifier-twin": "hello-service/src/service-token.js",
    "sec-generated-twin": "hello-service/src/admin.js",
    "sec-docs-twin": "hello-service/src/payments.js",
}


@pytest.mark.parametrize("twin", sorted(TWINS))
def test_the_real_secret_beside_the_samples_is_the_only_finding(connector, check_on, twin):
    [result] = check_on(connector(twin), "sec.secrets")
    [finding] = result.findings
    assert (finding.location.path, finding.severity) == (TWINS[twin], Severity.ERROR)
    assert (finding.confidence, finding.file_kind) == (Confidence.HIGH, FileKind.SOURCE)
    assert "in app source" in finding.confidence_reason
