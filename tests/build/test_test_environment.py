"""`npm test` runs as on the platform (docs/preview.md): while the app is built, before any deployment
exists, so without the connector's configuration, the CONNECT_* variables or PORT, whatever connect.yaml
declares. A test suite that needs them fails here as it fails there. (Slow: runs npm.)"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from support import CONNECTORS

pytestmark = pytest.mark.slow

# The test of the app: passes only when none of the deployment's variables reached it.
ENVIRONMENT_TEST = """'use strict';
const test = require('node:test');
const assert = require('node:assert');

test('the deployment configuration is not there while the app is built', () => {
  const deployment = Object.keys(process.env).filter(
    (key) => key.startsWith('CTP_') || key.startsWith('CONNECT_') || key === 'PORT' || key === 'ORDER_LIMIT');
  assert.deepStrictEqual(deployment, []);
});
"""

MANIFEST = """deployAs:
  - name: hello-service
    applicationType: service
    endpoint: /hello
    configuration:
      standardConfiguration:
        - key: CTP_REGION
          description: region
          default: europe-west1.gcp
        - key: ORDER_LIMIT
          description: orders per run
          default: "5"
      securedConfiguration:
        - key: CTP_CLIENT_SECRET
          description: API client secret
          required: true
"""


def connector_with_environment_test(root: Path) -> Path:
    shutil.copytree(CONNECTORS / "minimal", root)
    (root / "connect.yaml").write_text(MANIFEST)
    tests = root / "hello-service" / "tests"
    for old in tests.iterdir():
        old.unlink()
    (tests / "environment.test.js").write_text(ENVIRONMENT_TEST)
    package = json.loads((root / "hello-service" / "package.json").read_text())
    assert package["scripts"]["test"] == "node --test tests/"
    return root


def test_tests_get_no_deployment_configuration(build_results, tmp_path, monkeypatch):
    for key, value in {"CTP_PROJECT_KEY": "from-certifier", "CONNECT_PROVIDER": "GCP", "PORT": "8080"}.items():
        monkeypatch.setenv(key, value)  # nor do certifier's own variables pass
    results = build_results(connector_with_environment_test(tmp_path / "connector"))
    result = results[("build.test", "hello-service")]
    assert result.outcome.value == "pass", [f.properties.get("log_tail") for f in result.findings]
    tests = next(iter(result.findings)).properties["tests"]
    assert tests["passed"] == 1 and tests["failed"] == 0
