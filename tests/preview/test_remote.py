"""Remote preview: a Deployment descriptor is validated with field-precise errors, and the HTTP probes run
against its URLs (a loopback stub stands in for the deployed app)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from preview_stub import StubApp, extension_service  # noqa: E402
from preview_support import preview_context  # noqa: E402

from certifier.checks import registry  # noqa: E402
from certifier.checks.execute import run_everywhere  # noqa: E402
from certifier.core.model import Outcome, Stage  # noqa: E402
from certifier.collect.preview.remote import DescriptorError, load_descriptor, validate  # noqa: E402
from support import CONNECTORS  # noqa: E402

TOKEN = "remote-token-0123456789abcdef"


def test_descriptor_errors_name_the_field():
    problems = validate({"applications": [{"applicationName": "x y", "url": "ftp://host/x"},
                                          {"url": "https://ok.example/x", "extension": {"timeoutInMs": 99999}}]})
    text = "\n".join(problems)
    assert "[applications.0.applicationName]" in text and "[applications.0.url]" in text
    assert "[applications.1]: 'applicationName' is a required property" in text
    assert "[applications.1.extension.timeoutInMs]" in text
    assert validate({"applications": [{"applicationName": "svc", "url": "https://svc.example/hello"}]}) == []


def test_unreadable_descriptor_is_a_descriptor_error(tmp_path):
    bad = tmp_path / "d.json"
    bad.write_text("{not json")
    with pytest.raises(DescriptorError, match="not valid JSON"):
        load_descriptor(bad)
    bad.write_text(json.dumps({"applications": []}))
    with pytest.raises(DescriptorError, match=r"\[applications\]"):
        load_descriptor(bad)


@pytest.fixture(autouse=True)
def loopback_deployments(monkeypatch):
    """The stub app listens on loopback over http: only the development switch allows that."""
    monkeypatch.setenv("CERTIFIER_ALLOW_LOOPBACK_DEPLOYMENTS", "1")


def _minimal_results(tmp_path, handler, extension=None):
    with StubApp(handler) as app:
        descriptor = tmp_path / "deployment.json"
        entry = {"applicationName": "hello-service", "url": app.url + "/hello"}
        if extension:
            entry["extension"] = extension
        descriptor.write_text(json.dumps({"applications": [entry]}))
        ctx = preview_context(CONNECTORS / "minimal", tmp_path / "ws", deployment=descriptor)
        checks = [s for s in registry.load_all().values() if s.stage is Stage.PREVIEW]
        results = [r for spec in checks for r in run_everywhere(spec, ctx)]
        return {r.check_id: r for r in results if r.app == "hello-service"}, app.requests


def test_remote_service_is_probed_at_the_descriptor_url(tmp_path):
    def service(method, path, body, headers):
        if path != "/hello":
            return 404, {}
        return (200, {"actions": []}) if b'"resource"' in body else (400, {"errors": [{"code": "I", "message": "m"}]})

    results, requests = _minimal_results(tmp_path, service)
    # the descriptor names no extension: nothing points at the service as one, so its contract does not apply
    assert results["probe.extension-response"].outcome is Outcome.NOT_APPLICABLE
    assert results["probe.robustness"].outcome is Outcome.PASS
    assert results["probe.endpoint-path"].outcome is Outcome.PASS
    assert results["probe.postdeploy-idempotent"].outcome is Outcome.NOT_APPLICABLE
    assert {path for _m, path, _b, _h in requests} >= {"/hello"}


def test_remote_service_with_registered_auth_and_a_defect(tmp_path):
    extension = {"triggers": [{"resourceTypeId": "cart", "actions": ["Create"]}], "authorization": f"Bearer {TOKEN}"}
    results, requests = _minimal_results(tmp_path, extension_service(actions=False, token=TOKEN, route="/hello"), extension)
    result = results["probe.extension-response"]
    assert result.outcome is Outcome.FAIL and {f.rule for f in result.findings} == {"response-shape"}
    assert any(h.get("authorization") == f"Bearer {TOKEN}" for *_x, h in requests)
    assert TOKEN not in json.dumps([r.model_dump(mode="json") for r in results.values()])
