"""The service's baseline: a new run of a connector is compared with the newest report of that connector's newest
positive run (its latest revision), found in the store and handed to certify() as --baseline would be; no key,
no positive run or a report that no longer verifies means no baseline, never a failed run."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from certifier.core.decision import DecisionKind, Verdict
from certifier.report.canonical import canonical_data, seal, to_json_text
from certifier.service import execute
from certifier.service.store import queries, runs
from certifier.service.store.db import Database

# the report factory of tests/report (its conftest), loaded under a name of its own
_SPEC = importlib.util.spec_from_file_location("report_factory", Path(__file__).resolve().parents[1] / "report"
                                               / "conftest.py")
_FACTORY = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(_FACTORY)
sample_report = _FACTORY.sample_report

CAPTURED: list = []


def capture(request):
    """A runner that records what it was given (the service loads it by reference)."""
    CAPTURED.append(request)
    raise RuntimeError("captured")  # the run ends in `error`; the request is what the test reads


def _report_json(run_id: str, kind=DecisionKind.POSITIVE, verdict=Verdict.ACCEPTED) -> str:
    report = seal(sample_report(kind=kind, verdict=verdict, run_id=run_id))
    return to_json_text(canonical_data(report), indent=2).decode()


def _finished(db: Database, key: str | None, kind: str, report_json: str | None = None) -> runs.RunRow:
    new = runs.NewRun(repository_url="https://example.com/c.git", tag="v1", stage="preview", profile="preview",
                      connector_key=key, connector={}, deployment=None, callback_url=None, submitted_by="t",
                      idempotency_key=None, request_digest="d")
    row = runs.submit(db, new)[0]
    runs.claim(db, row.id, "w", 30)
    files = runs.ReportFiles(digest="x", verdict=kind, report_json=report_json or _report_json(row.id), html="",
                             markdown="", connect_json="{}") if report_json != "" else None
    runs.finish(db, row.id, "w", runs.Completion(status="done", verdict=kind, decision_kind=kind, report=files), None)
    return row


def _queued(db: Database, key: str | None) -> runs.RunRow:
    new = runs.NewRun(repository_url="https://example.com/c.git", tag="v2", stage="preview", profile="preview",
                      connector_key=key, connector={}, deployment=None, callback_url=None, submitted_by="t",
                      idempotency_key=None, request_digest="d2")
    return runs.submit(db, new)[0]


def test_the_newest_positive_run_of_the_same_connector_is_the_baseline(sqlite_url):
    db = Database(sqlite_url)
    db.migrate()
    older = _finished(db, "c", "positive")
    newer = _finished(db, "c", "positive")
    _finished(db, "c", "negative")  # newest of all, but negative
    _finished(db, "other", "positive")  # another connector
    current = _queued(db, "c")
    row = queries.newest_certified_report(db, "c", before_run=current.id)
    assert row is not None and row.run_id == newer.id != older.id
    assert queries.newest_certified_report(db, None, before_run=current.id) is None
    assert queries.newest_certified_report(db, "never-certified", before_run=current.id) is None
    db.dispose()


def test_the_baseline_reaches_certify_and_a_bad_one_is_left_out_with_a_note(sqlite_url, tmp_path):
    from service_helpers import service_config

    db = Database(sqlite_url)
    db.migrate()
    certified = _finished(db, "c", "positive")
    config = service_config(sqlite_url, runner=f"{__name__}:capture")
    current = _queued(db, "c")
    CAPTURED.clear()
    execute._certify(config, current, tmp_path, db)
    (request,) = CAPTURED
    assert request.baseline is not None
    assert json.loads(request.baseline.read_text())["run_id"] == certified.id

    tampered = json.loads(_report_json("x"))
    tampered["run_id"] = "forged"
    _finished(db, "d", "positive", report_json=json.dumps(tampered))
    other = _queued(db, "d")
    CAPTURED.clear()
    (tmp_path / "2").mkdir()
    execute._certify(config, other, tmp_path / "2", db)
    assert CAPTURED[0].baseline is None
    notes = [e.detail for e in queries.run_detail(db, other.id).events if e.event == "note"]
    assert any("no delta" in n and "changed after it was sealed" in n for n in notes), notes
    db.dispose()
