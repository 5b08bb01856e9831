"""Submit, poll, fetch reports, list and filter runs through the HTTP API (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

from certifier.report.canonical import verify
from service_helpers import run_body


def test_submit_poll_and_fetch_every_report_form(make_service, repo):
    service = make_service()
    accepted = service.post("/v1/runs", run_body(repo("minimal")))
    assert accepted.status_code == 202
    run_id = accepted.json()["id"]
    assert accepted.headers["location"] == f"/v1/runs/{run_id}"
    assert accepted.json()["status"] in ("queued", "running", "done")

    run = service.wait(run_id)
    assert run["status"] == "done"
    assert run["decision"]["verdict"] == "Accepted" and run["decision"]["exitCode"] == 0
    assert [e["event"] for e in run["history"]] == ["submitted", "started", "finished"]
    assert run["reports"] == [{"revision": 0, "origin": "automated", "verdict": "Accepted"}]

    report = service.get(f"/v1/runs/{run_id}/report.json")
    assert report.headers["content-type"].startswith("application/json")
    assert verify(report.content).ok
    assert json.loads(report.content)["decision"]["verdict"] == "Accepted"

    html = service.get(f"/v1/runs/{run_id}/report.html")
    assert html.status_code == 200 and "<html" in html.text.lower()
    csp = html.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "'sha256-" in csp
    assert html.headers["x-content-type-options"] == "nosniff"

    markdown = service.get(f"/v1/runs/{run_id}/report.md")
    assert markdown.status_code == 200 and "Accepted" in markdown.text
    entries = service.get(f"/v1/runs/{run_id}/connect-report.json").json()["entries"]
    assert entries[0]["title"].startswith("Connector specification file validation check")


def test_sarif_is_stored_and_served(make_service, repo):
    service = make_service()
    run_id = service.submit(run_body(repo("spec-unknown-key")))["id"]
    service.wait(run_id)
    response = service.get(f"/v1/runs/{run_id}/report.sarif")
    assert response.status_code == 200 and response.headers["content-type"] == "application/sarif+json"
    sarif = response.json()
    assert sarif["version"] == "2.1.0"
    rule_ids = {result["ruleId"] for run in sarif["runs"] for result in run.get("results", [])}
    assert any(rule.startswith("spec.") for rule in rule_ids), rule_ids


def test_a_negative_run_is_rejected_and_lists_filter_it(make_service, repo):
    service = make_service()
    good = service.submit(run_body(repo("minimal"), key="good-one"))["id"]
    bad = service.submit(run_body(repo("spec-unknown-key"), key="bad-one"))["id"]
    assert service.wait(bad)["decision"]["verdict"] == "Rejected"
    service.wait(good)

    def ids(query: str) -> list[str]:
        response = service.get(f"/v1/runs?{query}")
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert set(ids("")) == {good, bad}
    assert ids("connector=bad-one") == [bad]
    assert ids("decision=negative") == [bad]
    assert ids("decision=Accepted") == [good]
    assert ids("stage=preview&tag=v1.0.0&status=done") == [bad, good] or set(ids("stage=preview")) == {good, bad}
    assert ids("stage=certification") == []
    page = service.get("/v1/runs?limit=1").json()
    assert page["total"] == 2 and len(page["items"]) == 1


def test_unknown_run_is_404_and_unfinished_report_is_409(make_service, repo):
    service = make_service(background=False)  # nothing runs: the run stays queued
    assert service.get("/v1/runs/nope").status_code == 404
    run_id = service.submit(run_body(repo("minimal")))["id"]
    pending = service.get(f"/v1/runs/{run_id}/report.json")
    assert pending.status_code == 409 and "queued" in pending.json()["detail"]
