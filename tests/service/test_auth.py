"""Bearer tokens and roles: 401 without a valid token, 403 for the wrong role; tokens stored hashed
and managed by the `tokens` CLI commands."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from certifier.cli.service import tokens
from certifier.service.store.models import TokenRow
from certifier.service.store.tokens import authenticate, create_token, hash_token, revoke_token
from service_helpers import run_body

ENDPOINTS = [("get", "/v1/runs"), ("get", "/v1/runs/x"), ("get", "/v1/runs/x/report.json"),
             ("get", "/v1/runs/x/report.html"), ("get", "/v1/runs/x/report.sarif"), ("get", "/v1/runs/x/deliveries"),
             ("post", "/v1/runs"), ("post", "/v1/runs/x/review"), ("get", "/metrics"), ("get", "/openapi.json")]


@pytest.fixture
def service(make_service):
    return make_service(background=False)


@pytest.mark.parametrize("method, path", ENDPOINTS)
def test_every_endpoint_but_health_needs_a_token(service, method, path):
    missing = getattr(service.client, method)(path)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    wrong = getattr(service.client, method)(path, headers={"Authorization": "Bearer ctk_not-a-real-token"})
    assert wrong.status_code == 401
    basic = getattr(service.client, method)(path, headers={"Authorization": "Basic dXNlcjpwdw=="})
    assert basic.status_code == 401


def test_health_needs_no_token(service):
    response = service.client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.parametrize("role", ["reader", "reviewer"])
def test_only_the_marketplace_submits(service, repo, role):
    response = service.post("/v1/runs", run_body(repo("minimal")), role=role)
    assert response.status_code == 403 and "marketplace" in response.json()["detail"]


@pytest.mark.parametrize("role", ["reader", "marketplace"])
def test_only_reviewers_review(service, role):
    response = service.post("/v1/runs/x/review", {"reviewer": "r", "approve": True}, role=role)
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["reader", "reviewer", "marketplace"])
def test_every_role_reads(service, role):
    assert service.get("/v1/runs", role=role).status_code == 200
    assert service.get("/metrics", role=role).status_code == 200


def test_a_revoked_token_stops_working(service):
    token = create_token(service.db, "short-lived", "reader")
    headers = {"Authorization": f"Bearer {token}"}
    assert service.client.get("/v1/runs", headers=headers).status_code == 200
    assert revoke_token(service.db, "short-lived")
    assert service.client.get("/v1/runs", headers=headers).status_code == 401


def test_tokens_are_random_and_stored_only_as_hashes(service):
    first, second = create_token(service.db, "a", "reader"), create_token(service.db, "b", "reader")
    assert first != second and len(first) > 40
    with service.db.read() as session:
        stored = {row.name: row.token_hash for row in session.scalars(select(TokenRow))}
    assert stored["a"] == hash_token(first) and first not in stored.values()
    assert authenticate(service.db, first).name == "a"
    assert authenticate(service.db, first + "x") is None


def test_tokens_cli_creates_lists_and_revokes(sqlite_url):
    runner = CliRunner()
    created = runner.invoke(tokens, ["create", "marketplace-prod", "--role", "marketplace", "--database-url", sqlite_url])
    assert created.exit_code == 0, created.output
    token = created.output.strip()
    assert token.startswith("ctk_")
    listed = runner.invoke(tokens, ["list", "--format", "json", "--database-url", sqlite_url])
    entries = json.loads(listed.output)
    assert entries[0]["name"] == "marketplace-prod" and entries[0]["role"] == "marketplace"
    assert token not in listed.output
    duplicate = runner.invoke(tokens, ["create", "marketplace-prod", "--role", "reader", "--database-url", sqlite_url])
    assert duplicate.exit_code != 0
    assert runner.invoke(tokens, ["revoke", "marketplace-prod", "--database-url", sqlite_url]).exit_code == 0
    assert runner.invoke(tokens, ["revoke", "marketplace-prod", "--database-url", sqlite_url]).exit_code == 1
    bad_role = runner.invoke(tokens, ["create", "x", "--role", "admin", "--database-url", sqlite_url])
    assert bad_role.exit_code == 2


def test_metrics_expose_requests_and_store_counts(make_service, repo):
    service = make_service()
    run_id = service.submit(run_body(repo("minimal")))["id"]
    service.wait(run_id)
    text = service.get("/metrics").text
    assert 'certifier_runs_submitted_total{stage="preview"} 1.0' in text
    assert 'certifier_runs{status="done"} 1.0' in text
    assert 'certifier_run_verdicts{stage="preview",verdict="Accepted"} 1.0' in text
    assert 'certifier_http_requests_total{method="POST",route="/v1/runs",status="202"} 1.0' in text
    assert 'route="/v1/runs/{run_id}"' in text and run_id not in text
