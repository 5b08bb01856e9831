"""Pure parts of the preview: configuration environment, leak detection, MC build facts, seeding plan."""

from __future__ import annotations

from certifier.connector.model import App, ConfigEntry, Connector
from certifier.core.model import Severity
from certifier.collect.preview.appenv import Credentials, app_environment, plausible_value, secret_value
from certifier.collect.preview.mc import McFacts, decide, read_facts
from certifier.collect.preview.probes.leaks import leaked_secrets, stack_trace
from certifier.collect.preview.probes.redact import Redactor
from certifier.collect.preview.seed import load_plan, resolve

CREDS = Credentials("cert-project", "client", "emulator-secret-value")


def entry(key, secured=False, required=True, default=None, is_global=False):
    return ConfigEntry(key, "d", required, default, secured, "deployAs.0.configuration", is_global)


def test_environment_defaults_generated_values_and_emulator_credentials(tmp_path):
    app = App(0, "svc", "service", "deployAs.0", "svc", tmp_path,
              config=(entry("EXTENSION_AUTH_TOKEN", secured=True), entry("SAMPLE_PRODUCT_SKU"),
                      entry("QUANTITY", default="3"), entry("OPTIONAL_THING", required=False)))
    connector = Connector(tmp_path, "connect.yaml", {}, {}, (app,),
                          global_config=(entry("CTP_REGION", default="us-east-2.aws", is_global=True),
                                         entry("CTP_CLIENT_SECRET", secured=True, is_global=True)))
    env = app_environment(connector, app, CREDS, b"k" * 32)
    values = env.values
    assert values["CTP_REGION"] == "europe-west1.gcp" and values["CTP_CLIENT_SECRET"] == "emulator-secret-value"
    assert values["EXTENSION_AUTH_TOKEN"] == secret_value(b"k" * 32, "EXTENSION_AUTH_TOKEN")
    assert len(values["EXTENSION_AUTH_TOKEN"]) == 40
    assert values["SAMPLE_PRODUCT_SKU"] == "cert-sample-sku" and values["QUANTITY"] == "3"
    assert "OPTIONAL_THING" not in values and "CTP_CLIENT_ID" not in values
    assert set(env.secrets) == {"EXTENSION_AUTH_TOKEN", "CTP_CLIENT_SECRET"}
    assert all(s["value"] == "***" for s in env.documented() if s["key"] in env.secrets)


def test_api_client_supplies_generated_ctp_variables(tmp_path):
    app = App(0, "svc", "service", "deployAs.0", "svc", tmp_path)
    connector = Connector(tmp_path, "connect.yaml", {}, {}, (app,), api_scopes=("manage_orders",))
    values = app_environment(connector, app, CREDS, b"k" * 32).values
    assert values["CTP_CLIENT_ID"] == "client" and values["CTP_SCOPE"] == "manage_orders:cert-project"
    assert plausible_value("SOMETHING_ELSE") == "cert-something-else"


def test_stack_traces_and_secrets_are_detected_and_redacted():
    assert stack_trace('{"message":"boom","stack":"Error: boom\\n    at f (/srv/app/x.js:1:2)"}')
    assert stack_trace("Traceback (most recent call last):\n  File \"/a.py\", line 1")
    assert stack_trace('{"errors":[{"code":"InvalidInput","message":"body is not JSON"}]}') is None
    assert stack_trace("see /work/space/app", internal_paths=("/work/space",))
    assert leaked_secrets("x abcdef123456 y", {"TOKEN": "abcdef123456"}) == ["TOKEN"]
    redactor = Redactor(("abcdef123456",))
    assert redactor.text("x abcdef123456") == "x ***"
    assert redactor.headers({"Authorization": "Bearer abcdef123456"}) == {"Authorization": "Bearer ***"}


def test_mc_build_output_and_config_agreement(tmp_path):
    (tmp_path / "public").mkdir()
    (tmp_path / "public" / "index.html").write_text("<html></html>")
    (tmp_path / "custom-application-config.mjs").write_text(
        "const config = { entryPointUriPath: '${env:ENTRY_POINT_URI_PATH}', cloudIdentifier: 'gcp-eu' };")
    facts = read_facts(tmp_path)
    assert facts.output_dir == "public" and facts.config_values["cloudIdentifier"] == "gcp-eu"
    declared = {"ENTRY_POINT_URI_PATH": None, "CLOUD_IDENTIFIER": "gcp-eu"}
    assert decide(facts, "merchant-center-custom-application", declared) == []
    wrong = decide(facts, "merchant-center-custom-application", {**declared, "CLOUD_IDENTIFIER": "gcp-us"})
    assert [p.rule for p in wrong] == ["config-disagrees"]
    nothing = decide(McFacts(None, None, {}), "merchant-center-custom-application", declared)
    assert {p.rule for p in nothing} == {"no-build-output", "no-config"}
    assert [p.severity for p in decide(McFacts(None, None, {}), "assets", {})] == [Severity.ERROR]


def test_seed_plan_references_resolve():
    made = {"cart": {"id": "c1", "version": 2}}
    assert resolve({"cart": {"id": "${cart.id}"}, "v": ["${cart.version}"]}, made) == {"cart": {"id": "c1"}, "v": [2]}
    steps = [step["name"] for step in load_plan()["steps"]]
    assert {"product", "category", "cart", "order", "customer", "payment"} <= set(steps)
