"""Request validation (field-precise 422), source and callback URL rules, idempotency, body limits,
and the OpenAPI document."""

from __future__ import annotations

import pytest

from service_helpers import run_body


@pytest.fixture
def service(make_service):
    return make_service(background=False)


def fields_of(response) -> dict[str, str]:
    assert response.status_code == 422, response.text
    return {item["field"]: item["msg"] for item in response.json()["detail"]}


@pytest.mark.parametrize("change, field", [
    (lambda b: b["repository"].update(tag="-v1"), "repository.tag"),
    (lambda b: b["repository"].update(tag="v1..2"), "repository.tag"),
    (lambda b: b["repository"].pop("url"), "repository.url"),
    (lambda b: b.update(stage="production"), "stage"),
    (lambda b: b["connector"].update(key="x"), "connector.key"),
    (lambda b: b["connector"]["creator"].update(email="not-an-email"), "connector.creator.email"),
    (lambda b: b["connector"].update(integrationTypes=["tax", "teleport"]), "connector.integrationTypes[1]"),
    (lambda b: b["connector"].update(privateProjects=["no-colon"]), "connector.privateProjects"),
    (lambda b: b.update(surprise=1), "surprise"),
    (lambda b: b.update(idempotencyKey="has space"), "idempotencyKey"),
], ids=["tag-option", "tag-dotdot", "url-missing", "stage", "key", "email", "integration-type", "project",
        "unknown-field", "idempotency-key"])
def test_invalid_fields_are_named_precisely(service, repo, change, field):
    body = run_body(repo("minimal"))
    change(body)
    assert field in fields_of(service.post("/v1/runs", body))


@pytest.mark.parametrize("url, message", [
    ("ext::sh -c touch% /tmp/pwned", "remote helper"),
    ("http://example.com/repo.git", "http://"),
    ("ftp://example.com/repo.git", "unsupported"),
])
def test_dangerous_or_unsupported_sources_are_refused(service, repo, url, message):
    body = run_body(repo("minimal"))
    body["repository"]["url"] = url
    assert message in fields_of(service.post("/v1/runs", body))["repository.url"]


def test_local_sources_need_the_server_flag(make_service, repo):
    service = make_service(background=False, allow_local_sources=False)
    for url in (f"file://{repo('minimal')}", str(repo("minimal")), "/etc"):
        body = run_body(repo("minimal"))
        body["repository"]["url"] = url
        assert "only https:// and ssh" in fields_of(service.post("/v1/runs", body))["repository.url"]
    body = run_body(repo("minimal"))
    body["repository"]["url"] = "https://github.com/example/connector.git"
    assert service.post("/v1/runs", body).status_code == 202
    body["repository"]["url"] = "git@github.com:example/connector.git"
    assert service.post("/v1/runs", body).status_code == 202


@pytest.mark.parametrize("url, message", [
    ("http://example.com/hook", "https"),
    ("https://user:pw@example.com/hook", "credentials"),
    ("javascript:alert(1)", "https"),
])
def test_callback_urls_are_checked(service, repo, url, message):
    assert message in fields_of(service.post("/v1/runs", run_body(repo("minimal"), callbackUrl=url)))["callbackUrl"]


def test_loopback_http_callbacks_need_the_server_flag(make_service, repo):
    service = make_service(background=False, allow_loopback_http_callbacks=False)
    body = run_body(repo("minimal"), callbackUrl="http://127.0.0.1:9/hook")
    assert "https" in fields_of(service.post("/v1/runs", body))["callbackUrl"]


def test_callbacks_are_refused_without_a_signing_secret(make_service, repo):
    service = make_service(background=False, callback_secret=b"")
    body = run_body(repo("minimal"), callbackUrl="https://marketplace.example.com/hook")
    assert "no signing secret" in fields_of(service.post("/v1/runs", body))["callbackUrl"]


def test_same_idempotency_key_same_body_returns_the_same_run(service, repo):
    body = run_body(repo("minimal"), idempotencyKey="submission-42")
    first = service.post("/v1/runs", body)
    again = service.post("/v1/runs", body)
    assert (first.status_code, again.status_code) == (202, 200)
    assert first.json()["id"] == again.json()["id"]
    via_header = {k: v for k, v in body.items() if k != "idempotencyKey"}
    assert service.post("/v1/runs", via_header, headers={"Idempotency-Key": "submission-42"}).json()["id"] \
        == first.json()["id"]
    assert service.get("/v1/runs").json()["total"] == 1


def test_same_idempotency_key_different_body_is_409(service, repo):
    first = service.submit(run_body(repo("minimal"), idempotencyKey="k-1"))
    other = service.post("/v1/runs", run_body(repo("minimal"), idempotencyKey="k-1", stage="publish"))
    assert other.status_code == 409
    assert other.json()["runId"] == first["id"]


def test_header_and_body_keys_must_agree(service, repo):
    response = service.post("/v1/runs", run_body(repo("minimal"), idempotencyKey="a"), headers={"Idempotency-Key": "b"})
    assert "idempotency-key" in fields_of(response)


def test_bodies_over_the_limit_are_413(make_service, repo):
    service = make_service(background=False, max_body_bytes=2048)
    body = run_body(repo("minimal"), deployment={"padding": "x" * 4096})
    response = service.post("/v1/runs", body)
    assert response.status_code == 413
    assert service.get("/v1/runs").json()["total"] == 0


def test_review_body_is_validated(service):
    response = service.post("/v1/runs/whatever/review", {"reviewer": "", "approve": "yes"}, role="reviewer")
    assert set(fields_of(response)) == {"reviewer", "approve"}


def test_openapi_document_describes_the_api(service):
    document = service.get("/openapi.json").json()
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for path, method in [("/v1/runs", "post"), ("/v1/runs", "get"), ("/v1/runs/{run_id}", "get"),
                         ("/v1/runs/{run_id}/review", "post"), ("/v1/runs/{run_id}/report.html", "get"),
                         ("/v1/runs/{run_id}/report.sarif", "get"), ("/v1/runs/{run_id}/deliveries", "get"),
                         ("/healthz", "get"), ("/metrics", "get")]:
        assert method in paths[path], (path, method)
    schemas = document["components"]["schemas"]
    assert {"repository", "stage", "connector"} <= set(schemas["SubmitRun"]["required"])
    assert "callbackUrl" in schemas["SubmitRun"]["properties"]
    assert schemas["ReviewRequest"]["required"] == ["reviewer", "approve"]
    assert document["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert "security" in paths["/v1/runs"]["post"] and "security" not in paths["/healthz"]["get"]
    assert service.client.get("/openapi.json").status_code == 401


def test_deployment_descriptors_are_checked_at_submission(service, repo):
    bad = {"applications": [{"applicationName": "svc", "url": "ftp://nowhere"}]}
    assert "deployment.applications[0].url" in fields_of(service.post("/v1/runs", run_body(repo("minimal"), deployment=bad)))
    assert "deployment" in fields_of(service.post("/v1/runs", run_body(repo("minimal"), deployment={})))
    good = {"applications": [{"applicationName": "hello-service", "url": "https://hello.example.com"}]}
    assert service.post("/v1/runs", run_body(repo("minimal"), deployment=good)).status_code == 202
