"""A local preview gives apps the environment of the platform's shapes (docs/preview.md): credentials that
pass the starter kit's startup checks, the CONNECT_* variables of each app type, PORT honoured by apps
that listen on the platform's port 8080; messages carry their resource as the platform sends them, and a
postDeploy that replaces its registrations is not taken for one that duplicates them."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from certifier.connector.model import App, ConfigEntry, Connector
from certifier.collect.preview.appenv import Credentials, app_environment
from certifier.collect.preview.credentials import REGIONS, new_client_id, new_client_secret
from certifier.collect.preview.emulator import DEFAULT_PROJECT_KEY
from certifier.collect.preview.launcher import PRELOAD
from certifier.collect.preview.lifecycle import Resource, duplicated
from certifier.collect.preview.probes.event import message
from certifier.collect.preview.probes.target import Target
from certifier.collect.preview.seed import SeedData
from certifier.collect.preview.ports import free_port
from certifier.collect.preview.scripts import connect_variables
from support import CONNECTORS

from preview_support import preview_context  # noqa: E402  (tests/preview/, on sys.path via conftest)

KIT_SECURED = ("CTP_PROJECT_KEY", "CTP_CLIENT_ID", "CTP_CLIENT_SECRET", "CTP_SCOPE")


def kit_problems(env: dict[str, str]) -> list[str]:
    """The starter kit's startup rules, restated: what it would refuse in `env`."""
    rules = {
        "CTP_CLIENT_ID": lambda v: v is not None and len(v) == 24,
        "CTP_CLIENT_SECRET": lambda v: v is not None and len(v) == 32,
        "CTP_PROJECT_KEY": lambda v: v is not None and re.fullmatch(r"[a-zA-Z0-9_-]{2,}", v) is not None,
        "CTP_SCOPE": lambda v: v is None or len(v) >= 2,
        "CTP_REGION": lambda v: v in REGIONS,
    }
    return [key for key, valid in rules.items() if not valid(env.get(key))]


def entry(key, secured=False, default=None):
    return ConfigEntry(key, "d", True, default, secured, "deployAs.0.configuration", False)


def kit_app(tmp_path: Path, *extra: ConfigEntry) -> tuple[Connector, App]:
    config = (entry("CTP_REGION", default="europe-west1.gcp"), *(entry(k, secured=True) for k in KIT_SECURED), *extra)
    app = App(0, "service", "service", "deployAs.0", "service", tmp_path, config=config)
    return Connector(tmp_path, "connect.yaml", {}, {}, (app,)), app


def emulator_credentials() -> Credentials:
    return Credentials(DEFAULT_PROJECT_KEY, new_client_id(), new_client_secret())


def test_credentials_pass_the_starter_kits_startup_checks(tmp_path):
    connector, app = kit_app(tmp_path, entry("CTP_API_URL"), entry("CTP_AUTH_URL"))
    values = app_environment(connector, app, emulator_credentials(), b"k" * 32).values
    assert kit_problems(values) == []
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", values[key]) for key in ("CTP_CLIENT_ID", "CTP_CLIENT_SECRET"))
    assert re.fullmatch(r"[a-z0-9-]{2,36}", values["CTP_PROJECT_KEY"])  # also a key of lower-case letters and -
    assert values["CTP_SCOPE"] == f"manage_project:{DEFAULT_PROJECT_KEY}"
    region = values["CTP_REGION"]
    assert values["CTP_API_URL"] == f"https://api.{region}.commercetools.com"
    assert values["CTP_AUTH_URL"] == f"https://auth.{region}.commercetools.com"


def test_the_old_shapes_are_what_the_kit_refused():
    """The values before this change (19-character id, 48-character secret) fail the same rules."""
    old = {"CTP_CLIENT_ID": "cert-preview-client", "CTP_CLIENT_SECRET": "a" * 48, "CTP_PROJECT_KEY": "cert-project",
           "CTP_SCOPE": "manage_project:cert-project", "CTP_REGION": "europe-west1.gcp"}
    assert kit_problems(old) == ["CTP_CLIENT_ID", "CTP_CLIENT_SECRET"]


def test_credentials_are_new_for_each_run():
    ids, secrets = {new_client_id() for _ in range(20)}, {new_client_secret() for _ in range(20)}
    assert len(ids) == 20 and len(secrets) == 20
    assert {len(v) for v in ids} == {24} and {len(v) for v in secrets} == {32}


def test_only_the_client_secret_of_the_emulator_is_a_secret(tmp_path):
    """Declared secured, a project key or client id still shows in every request: masking it would hide
    evidence, and an answer that names the project would read as a leaked secret."""
    connector, app = kit_app(tmp_path, entry("WEBHOOK_TOKEN", secured=True))
    env = app_environment(connector, app, emulator_credentials(), b"k" * 32)
    assert set(env.secrets) == {"CTP_CLIENT_SECRET", "WEBHOOK_TOKEN"}
    shown = {s["key"]: s["value"] for s in env.documented()}
    assert shown["CTP_PROJECT_KEY"] == DEFAULT_PROJECT_KEY and shown["CTP_CLIENT_SECRET"] == "***"


def test_scripts_get_the_connect_variables_of_their_app_type():
    event = connect_variables("event", "orders", None)
    assert event["CONNECT_PROVIDER"] == "GCP" and event["CONNECT_SUBSCRIPTION_DESTINATION"] == "GoogleCloudPubSub"
    assert event["CONNECT_GCP_TOPIC_NAME"] == "cert-topic-orders" and event["CONNECT_GCP_PROJECT_ID"]
    assert connect_variables("service", "svc", "http://127.0.0.1:2/x") == {"CONNECT_SERVICE_URL": "http://127.0.0.1:2/x"}
    assert connect_variables("job", "nightly", None) == {}


def test_a_created_message_carries_its_resource_like_the_platforms():
    customer = {"id": "c-1", "version": 2, "key": "cert-customer", "email": "a@example.com"}
    target = Target("ev", "event", "http://127.0.0.1:9/e", data=SeedData({"customer": customer}))
    note = message(target, "customer", "CustomerCreated", 1)
    assert note["customer"] == customer and note["resource"] == {"typeId": "customer", "id": "c-1"}
    assert "customer" not in message(target, "customer", "CustomerEmailChanged", 2)
    assert "order" not in message(target, "order", "OrderCreated", 3)  # nothing seeded: no invented payload


def _resource(kind: str, rid: str, key: str | None) -> Resource:
    return Resource(kind, rid, key, {"id": rid, "key": key})


def test_a_replaced_registration_is_not_a_duplicate():
    first = [_resource("extensions", "e1", "my-extension"), _resource("subscriptions", "s1", "my-subscription")]
    after_first = {r.id: r for r in first}
    replaced = _resource("extensions", "e2", "my-extension")  # e1 deleted, created again
    doubled = _resource("subscriptions", "s2", "my-subscription")  # s1 still there: a second one
    after_second = {"e2": replaced, "s1": first[1], "s2": doubled}
    assert duplicated(first, after_first, after_second) == [doubled]


def _listened_port(listen_args: str, port_env: str | None) -> int:
    """The port a server listened on (or tried to: a port in use counts as the one it asked for)."""
    script = ("const s = require('node:http').createServer();"
              "s.on('error', (e) => process.stdout.write(String(e.port)));"
              f"s.listen({listen_args}, () => {{ process.stdout.write(String(s.address().port)); s.close(); }});")
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "NODE_OPTIONS": f"--require {PRELOAD}"}
    if port_env is not None:
        env["PORT"] = port_env
    done = subprocess.run(["node", "-e", script], env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return int(done.stdout)


@pytest.mark.parametrize("listen_args", ["8080", "'8080'", "{port: 8080, host: '127.0.0.1'}"])
def test_a_listen_on_the_platform_port_moves_to_PORT(listen_args):
    port = free_port()
    assert _listened_port(listen_args, str(port)) == port


def test_other_ports_and_a_missing_PORT_are_left_alone():
    port, other = free_port(), free_port()
    assert _listened_port(str(other), str(port)) == other
    assert _listened_port("0", str(port)) not in (port, 8080)
    assert _listened_port("8080", None) == 8080  # postDeploy and preUndeploy run without PORT


@pytest.mark.slow
def test_apps_that_check_their_environment_start_and_pass_every_probe(tmp_path, fake_build):
    """preview-validates-env: service, event and job apps with the starter kit's startup checks, listening
    on 8080 without reading PORT (they exited before listening when the preview gave other shapes)."""
    from certifier.checks import registry
    from certifier.checks.execute import run_everywhere
    from certifier.core.model import Outcome, Stage

    ctx = preview_context(CONNECTORS / "preview-validates-env", tmp_path)
    try:
        checks = [spec for spec in registry.load_all().values() if spec.stage is Stage.PREVIEW]
        results = [r for spec in checks for r in run_everywhere(spec, ctx)]
    finally:
        ctx.session.close()
    startup = {r.app: r for r in results if r.check_id == "probe.startup"}
    assert {app: r.outcome for app, r in startup.items()} == dict.fromkeys(
        ("cart-service", "customer-events", "order-job"), Outcome.PASS), [r.findings for r in startup.values()]
    assert {r.check_id for r in results if r.outcome not in (Outcome.PASS, Outcome.NOT_APPLICABLE)} == set()
    ports = {r.evidence["startup"]["port"] for r in startup.values()}
    assert len(ports) == 3 and 8080 not in ports
