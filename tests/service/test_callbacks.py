"""Completion callbacks: Connect-shaped summary, HMAC-SHA256 signature over timestamp and body,
retries with exponential backoff, every delivery and attempt visible through the API."""

from __future__ import annotations

import time

import pytest

from certifier.service.callbacks import backoff_s, sign, verify_signature
from service_helpers import SECRET, run_body, wait_until


def test_a_finished_run_posts_a_signed_connect_style_summary(make_service, repo, callback_sink):
    service = make_service()
    run_id = service.submit(run_body(repo("spec-unknown-key"), callbackUrl=callback_sink.url))["id"]
    run = service.wait(run_id)
    [call] = callback_sink.wait_for(1)
    headers, body, payload = call["headers"], call["body"], call["json"]

    assert verify_signature(SECRET, headers["x-certifier-signature"], body)
    assert not verify_signature(b"another-secret-of-enough-length", headers["x-certifier-signature"], body)
    assert not verify_signature(SECRET, headers["x-certifier-signature"], body.replace(b"Rejected", b"Accepted"))
    assert headers["x-certifier-event"] == "run.completed"
    assert headers["x-certifier-delivery"] == payload["deliveryId"]

    assert payload["run"]["id"] == run_id and payload["run"]["status"] == "done"
    assert payload["decision"] == {"verdict": "Rejected", "kind": "negative", "exitCode": 1,
                                   "summary": run["decision"]["summary"]}
    entries = payload["report"]["entries"]
    assert entries == service.get(f"/v1/runs/{run_id}/connect-report.json").json()["entries"]
    assert {"type", "title", "createdAt"} <= set(entries[0])
    assert entries[0]["type"] == "Error" and entries[0]["title"].endswith("failed")
    assert payload["reportDigest"] == service.get(f"/v1/runs/{run_id}/report.json").json()["digest"]

    deliveries = wait_until(lambda: [d for d in service.get(f"/v1/runs/{run_id}/deliveries").json()["items"]
                                     if d["state"] == "delivered"], what="delivery recorded")
    assert deliveries[0]["attempts"] == 1 and deliveries[0]["attemptLog"][0]["statusCode"] == 200


def test_failed_deliveries_are_retried_with_backoff(make_service, repo, callback_sink):
    callback_sink.statuses = [500, 503]
    service = make_service(callback_backoff_s=0.3)
    run_id = service.submit(run_body(repo("minimal"), callbackUrl=callback_sink.url))["id"]
    service.wait(run_id)
    calls = callback_sink.wait_for(3)
    gaps = [calls[i + 1]["at"] - calls[i]["at"] for i in range(2)]
    assert gaps[0] >= 0.3 and gaps[1] >= 0.6  # 0.3 s, then 0.6 s
    assert len({c["headers"]["x-certifier-delivery"] for c in calls}) == 1  # the same delivery, retried
    delivery = wait_until(lambda: next((d for d in service.get(f"/v1/runs/{run_id}/deliveries").json()["items"]
                                        if d["state"] == "delivered"), None), what="delivered")
    assert [a["statusCode"] for a in delivery["attemptLog"]] == [500, 503, 200]


def test_delivery_gives_up_after_the_last_attempt(make_service, repo, callback_sink):
    callback_sink.statuses = [500] * 10
    service = make_service(callback_max_attempts=3, callback_backoff_s=0.05)
    run_id = service.submit(run_body(repo("minimal"), callbackUrl=callback_sink.url))["id"]
    service.wait(run_id)
    delivery = wait_until(lambda: next((d for d in service.get(f"/v1/runs/{run_id}/deliveries").json()["items"]
                                        if d["state"] == "failed"), None), what="delivery given up")
    assert delivery["attempts"] == 3 and delivery["lastError"] == "HTTP 500"
    time.sleep(0.5)
    assert len(callback_sink.received) == 3


def test_unreachable_receivers_are_recorded_as_errors(make_service, repo):
    service = make_service(callback_max_attempts=2, callback_backoff_s=0.05)
    run_id = service.submit(run_body(repo("minimal"), callbackUrl="http://127.0.0.1:9/closed"))["id"]
    service.wait(run_id)
    delivery = wait_until(lambda: next((d for d in service.get(f"/v1/runs/{run_id}/deliveries").json()["items"]
                                        if d["state"] == "failed"), None), what="delivery given up")
    assert delivery["attemptLog"][0]["statusCode"] is None and "Connect" in delivery["attemptLog"][0]["error"]


def test_signature_format_and_freshness():
    body = b'{"event":"run.completed"}'
    header = sign(SECRET, body, timestamp=1_700_000_000)
    assert header.startswith("t=1700000000,v1=") and len(header.split("v1=")[1]) == 64
    assert verify_signature(SECRET, header, body, now=1_700_000_100)
    assert not verify_signature(SECRET, header, body, now=1_700_000_000 + 301)  # replayed too late
    assert not verify_signature(SECRET, "t=abc,v1=00", body)
    assert not verify_signature(SECRET, header.replace("t=1700000000", "t=1700000001"), body, now=1_700_000_000)


@pytest.mark.parametrize("attempt, expected", [(1, 2.0), (2, 4.0), (3, 8.0), (10, 600.0)])
def test_backoff_doubles_up_to_the_cap(attempt, expected):
    assert backoff_s(attempt, 2.0, 600.0) == expected
