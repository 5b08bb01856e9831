"""The probe families against stub apps: what passes, what each defect produces."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from preview_stub import StubApp, extension_service  # noqa: E402

from certifier.core.model import Severity
from certifier.collect.preview.probes.endpoint import probe_endpoint_path
from certifier.collect.preview.probes.event import probe_event_app
from certifier.collect.preview.probes.extension import probe_extensions
from certifier.collect.preview.probes.job import probe_job
from certifier.collect.preview.probes.problems import Exposure
from certifier.collect.preview.probes.robustness import probe_robustness
from certifier.collect.preview.probes.target import ExtensionDef, SubscriptionDef, Target, Trigger
from certifier.collect.preview.seed import SeedData

TOKEN = "s3cr3t-token-value-1234567890"
CART = {"id": "c0ffee00-0000-4000-8000-000000000001", "version": 1, "cartState": "Active", "lineItems": []}


def service_target(url: str, **extra) -> Target:
    extension = ExtensionDef("ext", f"{url}/ext", (Trigger("cart", ("Create", "Update")),), 2000, "****")
    return Target("svc", "service", f"{url}/ext", extensions=[extension], secured_values=(TOKEN,),
                  exposure=Exposure(secrets={"EXTENSION_AUTH_TOKEN": TOKEN}), data=SeedData({"cart": CART}), **extra)


def rules(run) -> set[str]:
    return {p.rule for p in run.problems}


def test_valid_extension_answers_pass_and_auth_is_found_from_configuration():
    with StubApp(extension_service(actions=[{"action": "setCustomerEmail", "email": "a@b.c"}])) as app:
        target = service_target(app.url)
        run = probe_extensions(target)
    assert run.problems == []
    assert target.auth_header == f"Bearer {TOKEN}"
    assert [e.status for e in run.exchanges][:2] == [401, 200]
    assert TOKEN not in str([e.evidence() for e in run.exchanges])  # redacted in the transcript


def test_wrong_shape_slow_answer_and_unknown_action_are_reported():
    with StubApp(extension_service(actions=False)) as app:
        assert "response-shape" in rules(probe_extensions(service_target(app.url)))
    with StubApp(extension_service(delay_s=2.3)) as app:
        run = probe_extensions(service_target(app.url))
        assert "timeout" in rules(run)
    with StubApp(extension_service(actions=[{"action": "makeItFree"}])) as app:
        run = probe_extensions(service_target(app.url))
        assert {(p.rule, p.severity) for p in run.problems} == {("unknown-action", Severity.WARNING)}


def test_server_error_and_unusable_auth_fail():
    with StubApp(extension_service(status=500)) as app:
        assert "status" in rules(probe_extensions(service_target(app.url)))
    with StubApp(extension_service(token="another-token-nobody-knows")) as app:
        assert rules(probe_extensions(service_target(app.url))) == {"cannot-authenticate"}


def test_unauthenticated_service_is_a_warning():
    def open_service(method, path, body, headers):
        return 200, {"actions": []}

    with StubApp(open_service) as app:
        run = probe_extensions(service_target(app.url))
    assert {(p.rule, p.severity) for p in run.problems} == {("auth-not-enforced", Severity.WARNING)}


def test_event_app_must_ack_every_delivery_but_may_refuse_a_non_envelope():
    def acker(method, path, body, headers):
        return (400, {"errors": []}) if b'"message"' not in body else (204, "")

    subscription = SubscriptionDef("sub", "id-1", (("order", ("OrderCreated",)),), ("product",))
    with StubApp(acker) as app:
        run = probe_event_app(Target("ev", "event", f"{app.url}/events", subscriptions=[subscription]))
    assert run.problems == []
    assert len(run.exchanges) == 1 + 3 + 3  # message, 3 changes, test notification, irrelevant, no-message

    def picky(method, path, body, headers):
        return 400, {"errors": [{"code": "x", "message": "unknown type"}]}

    with StubApp(picky) as app:
        run = probe_event_app(Target("ev", "event", f"{app.url}/events", subscriptions=[subscription]))
    assert "no-ack" in rules(run)


def test_job_needs_2xx():
    with StubApp(lambda *a: (200, {"done": True})) as app:
        assert probe_job(Target("job", "job", f"{app.url}/tick")).problems == []
    with StubApp(lambda *a: (503, {"error": "busy"})) as app:
        assert rules(probe_job(Target("job", "job", f"{app.url}/tick"))) == {"status"}


def test_robustness_flags_server_errors_stack_traces_secrets_and_crashes():
    trace = "TypeError: x is undefined\n    at handle (/srv/app/dist/index.js:10:5)"
    with StubApp(lambda *a: (400, {"errors": [{"code": "InvalidInput", "message": "bad"}]})) as app:
        assert probe_robustness(Target("ev", "event", f"{app.url}/e")).problems == []
    with StubApp(lambda *a: (500, {"message": trace})) as app:
        run = probe_robustness(Target("ev", "event", f"{app.url}/e"))
        assert {"server-error", "stack-trace"} <= rules(run)
    with StubApp(lambda *a: (400, {"message": f"token {TOKEN} is wrong"})) as app:
        target = Target("ev", "event", f"{app.url}/e", exposure=Exposure(secrets={"EXTENSION_AUTH_TOKEN": TOKEN}))
        run = probe_robustness(target)
        assert "secret-in-response" in rules(run)
        assert TOKEN not in str([e.evidence() for e in run.exchanges])
    with StubApp(lambda *a: (400, {})) as app:
        run = probe_robustness(Target("ev", "event", f"{app.url}/e", alive=lambda: False))
        assert rules(run) == {"crashed"} and len(run.exchanges) == 1


def test_endpoint_path_served_and_not_answered_everywhere():
    def strict(method, path, body, headers):
        return (200, {"actions": []}) if path == "/hello" else (404, {})

    with StubApp(strict) as app:
        assert probe_endpoint_path(Target("s", "job", f"{app.url}/hello")).problems == []
        assert rules(probe_endpoint_path(Target("s", "job", f"{app.url}/other"))) == {"endpoint-not-served"}
    with StubApp(lambda *a: (200, {"actions": []})) as app:
        assert rules(probe_endpoint_path(Target("s", "job", f"{app.url}/hello"))) == {"accepts-any-path"}


def _rest_service(method, path, body, headers):
    """A REST-style service (a payment processor): routes of its own below the endpoint '/', 404 on '/' itself,
    and an error handler that turns a body it cannot parse into a 500."""
    if path.startswith("/payments"):
        return 200, {"id": "pay_1"}
    if body and not body.startswith(b'{"action": "Create", "resource": {"typeId": "cart", "obj"'):
        return 500, {"message": "internal error"}
    return 404, {"message": "Route POST:/ not found"}


def test_a_service_no_extension_points_at_is_not_held_to_the_extension_contract():
    with StubApp(_rest_service) as app:
        run = probe_extensions(Target("processor", "service", f"{app.url}/"))
    assert run.not_applicable and "no API Extension points at this service" in run.not_applicable
    assert run.exchanges == [] and run.problems == []


def test_an_unserved_endpoint_blocks_where_the_platform_calls_it_and_is_a_review_item_elsewhere():
    """table: (app type, extension registered) -> severity of endpoint-not-served"""
    table = [("service", False, Severity.WARNING, True), ("service", True, Severity.ERROR, False),
             ("event", False, Severity.ERROR, False), ("job", False, Severity.ERROR, False)]
    with StubApp(lambda *a: (404, {})) as app:
        for app_type, registered, severity, review in table:
            target = service_target(app.url) if registered else Target("a", app_type, f"{app.url}/")
            [problem] = probe_endpoint_path(target).problems
            assert (problem.rule, problem.severity, problem.needs_review) == ("endpoint-not-served", severity, review), app_type


def test_a_server_error_on_an_unrouted_endpoint_is_a_review_item_and_a_crash_still_blocks():
    with StubApp(_rest_service) as app:
        target = Target("processor", "service", f"{app.url}/")
        unrouted = probe_robustness(target, endpoint_served=False)
        routed = probe_robustness(target, endpoint_served=True)
        crashed = probe_robustness(Target("processor", "service", f"{app.url}/", alive=lambda: False),
                                   endpoint_served=False)
    assert {(p.rule, p.severity, p.needs_review) for p in unrouted.problems} == {("server-error", Severity.WARNING, True)}
    assert {(p.rule, p.severity) for p in routed.problems} == {("server-error", Severity.ERROR)}
    assert {(p.rule, p.severity) for p in crashed.problems} == {("crashed", Severity.ERROR)}
