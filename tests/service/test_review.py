"""Certification review: "Certification in progress" becomes "Listed and certified" or
"Certification failed"; the review is in the run's history and in a new sealed report revision."""

from __future__ import annotations

import json

import pytest

from certifier.core.report import Report

from certifier.core.decision import Verdict
from certifier.report.canonical import verify
from certifier.service.review import NotReviewable, reviewed_report
from service_helpers import TEST_PROFILE, run_body


def in_progress_run(service, repo, **extra) -> str:
    run_id = service.submit(run_body(repo("struct-no-readme"), stage="certification", **extra))["id"]
    run = service.wait(run_id)
    assert run["decision"]["verdict"] == "Certification in progress", run
    assert run["decision"]["exitCode"] == 4
    return run_id


def test_approval_lists_and_certifies_and_keeps_the_automated_report(make_service, repo):
    service = make_service()
    run_id = in_progress_run(service, repo)
    response = service.post(f"/v1/runs/{run_id}/review",
                            {"reviewer": "rita@example.com", "approve": True, "comments": "README fine for v1"},
                            role="reviewer")
    assert response.status_code == 200, response.text
    run = response.json()
    assert run["decision"] == {"verdict": "Listed and certified", "kind": "positive", "exitCode": 0,
                               "summary": "Listed and certified: approved in certification review by rita@example.com"}
    assert run["reviews"][0]["reviewer"] == "rita@example.com"
    assert run["reviews"][0]["verdictBefore"] == "Certification in progress"
    assert run["history"][-1]["event"] == "reviewed"
    assert [(r["revision"], r["origin"], r["verdict"]) for r in run["reports"]] == [
        (0, "automated", "Certification in progress"), (1, "review", "Listed and certified")]

    newest = service.get(f"/v1/runs/{run_id}/report.json")
    assert verify(newest.content).ok
    report = Report.model_validate_json(newest.content)
    assert report.decision.verdict is Verdict.LISTED and report.decision.exit_code == 0
    assert report.decision.trace[-1].rule == "review" and "rita@example.com" in report.decision.trace[-1].message
    assert report.reviews[0].comments == "README fine for v1"
    original = Report.model_validate_json(service.get(f"/v1/runs/{run_id}/report.json?revision=0").content)
    assert original.decision.verdict is Verdict.IN_PROGRESS and original.reviews == ()
    assert "Listed and certified" in service.get(f"/v1/runs/{run_id}/report.html").text

    again = service.post(f"/v1/runs/{run_id}/review", {"reviewer": "x", "approve": False}, role="reviewer")
    assert again.status_code == 409


def test_rejection_fails_certification_and_calls_back(make_service, repo, callback_sink):
    service = make_service()
    run_id = in_progress_run(service, repo, callbackUrl=callback_sink.url)
    response = service.post(f"/v1/runs/{run_id}/review", {"reviewer": "sam", "approve": False,
                                                           "comments": "no support contact"}, role="reviewer")
    assert response.json()["decision"]["verdict"] == "Certification failed"
    assert response.json()["decision"]["exitCode"] == 1
    [reviewed] = callback_sink.wait_for(1, "run.reviewed")
    assert reviewed["json"]["decision"]["verdict"] == "Certification failed"
    assert reviewed["json"]["review"] == {"reviewer": "sam", "approve": False, "comments": "no support contact"}
    assert len(callback_sink.events("run.completed")) == 1


def test_only_runs_in_progress_can_be_reviewed(make_service, repo):
    service = make_service()
    run_id = service.submit(run_body(repo("minimal")))["id"]
    service.wait(run_id)
    response = service.post(f"/v1/runs/{run_id}/review", {"reviewer": "r", "approve": True}, role="reviewer")
    assert response.status_code == 409 and "Certification in progress" in response.json()["detail"]
    assert service.post("/v1/runs/missing/review", {"reviewer": "r", "approve": True}, role="reviewer").status_code == 404


def test_reviewed_report_is_pure_and_refuses_other_verdicts(repo, tmp_path):
    from certifier.certify import RunRequest, certify
    from certifier.core.model import Stage

    outcome = certify(RunRequest(source=str(repo("struct-no-readme")), tag="v1.0.0", stage="certification",
                                 profile=str(TEST_PROFILE), stages=Stage.static()))
    before = outcome.report
    after = reviewed_report(before, reviewer="r", approve=True, comments="", at="2025-01-01T00:00:00Z")
    assert before.decision.verdict is Verdict.IN_PROGRESS  # untouched
    assert after.digest and after.digest != before.digest and verify(json.loads(after.model_dump_json())).ok
    with pytest.raises(NotReviewable):
        reviewed_report(after, reviewer="r", approve=False, comments="", at="2025-01-01T00:00:00Z")
