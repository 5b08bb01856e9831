"""Certification review: a reviewer turns "Certification in progress" into "Listed and certified"
or "Certification failed". The reviewed report is a new sealed report (revision 1) whose decision
says who decided and whose `reviews` holds the review; the automated report stays stored as well."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from sqlalchemy import update

from certifier.core.decision import EXIT_CODES, DecisionKind, TraceStep, Verdict

from certifier.core.report import Report, Review
from certifier.report.canonical import seal
from certifier.report.write import write_all
from certifier.service import callbacks
from certifier.service.execute import report_files
from certifier.service.store import queries, runs
from certifier.service.store.db import Database, utcnow
from certifier.service.store.models import ReviewRow, RunRow


class NotReviewable(Exception):
    """The run is not awaiting review (409)."""


def reviewed_report(report: Report, *, reviewer: str, approve: bool, comments: str, at: str) -> Report:
    """`report` with the reviewer's decision in place of "Certification in progress" (pure)."""
    before = report.decision.verdict
    if before is not Verdict.IN_PROGRESS:
        raise NotReviewable(f"the run's verdict is {before.value!r}; only {Verdict.IN_PROGRESS.value!r} is reviewed")
    kind = DecisionKind.POSITIVE if approve else DecisionKind.NEGATIVE
    after = Verdict.LISTED if approve else Verdict.CERTIFICATION_FAILED
    action = "approved" if approve else "rejected"
    step = TraceStep(rule="review", effect=kind,
                     message=f"{after.value}: {action} in certification review by {reviewer}"
                             + (f": {comments}" if comments else ""))
    decision = report.decision.model_copy(update={
        "kind": kind, "verdict": after, "exit_code": EXIT_CODES[kind],
        "summary": f"{after.value}: {action} in certification review by {reviewer}",
        "trace": (*report.decision.trace, step),
    })
    review = Review(reviewer=reviewer, approve=approve, comments=comments, at=at, verdict_before=before,
                    verdict_after=after)
    return seal(report.model_copy(update={"decision": decision, "reviews": (*report.reviews, review),
                                          "digest": ""}))


def record_review(db: Database, run_id: str, *, reviewer: str, approve: bool, comments: str,
                  token_name: str) -> RunRow:
    """Review run `run_id`, store the new report, queue the `run.reviewed` callback. Raises KeyError
    when there is no such run, NotReviewable when it is not awaiting review."""
    run = queries.get_run(db, run_id)
    if run is None:
        raise KeyError(run_id)
    if run.status != "done" or run.verdict != Verdict.IN_PROGRESS.value:
        raise NotReviewable(f"run {run_id} is {run.status} with verdict {run.verdict!r}; only a finished run in "
                            f"{Verdict.IN_PROGRESS.value!r} can be reviewed")
    stored = queries.report(db, run_id)
    now = utcnow()
    report = reviewed_report(Report.model_validate_json(stored.report_json), reviewer=reviewer, approve=approve,
                             comments=comments, at=now.strftime("%Y-%m-%dT%H:%M:%SZ"))
    files = _render(report)
    _store(db, run, report, files, reviewer=reviewer, approve=approve, comments=comments, token_name=token_name)
    return queries.get_run(db, run_id)


def _render(report: Report) -> runs.ReportFiles:
    """The renderings of the reviewed report: they read the verdicts sealed in it, nothing else."""
    work = Path(tempfile.mkdtemp(prefix="certifier-review-"))
    try:
        paths = write_all(report, work)
        return report_files(paths, report.decision.verdict.value, report.digest)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _store(db: Database, run: RunRow, report: Report, files: runs.ReportFiles, *, reviewer: str, approve: bool,
           comments: str, token_name: str) -> None:
    decision = report.decision
    outbound = _outbound(run, report, files, reviewer, approve, comments)
    now = utcnow()
    with db.write() as session:
        changed = session.execute(
            update(RunRow).where(RunRow.id == run.id, RunRow.status == "done",
                                 RunRow.verdict == Verdict.IN_PROGRESS.value)
            .values(verdict=decision.verdict.value, decision_kind=decision.kind.value,
                    exit_code=decision.exit_code, summary=decision.summary)
            .execution_options(synchronize_session=False)).rowcount
        if not changed:  # another reviewer got there first
            raise NotReviewable(f"run {run.id} was reviewed meanwhile")
        session.add(ReviewRow(run_id=run.id, reviewer=reviewer, approve=approve, comments=comments,
                              verdict_before=Verdict.IN_PROGRESS.value, verdict_after=decision.verdict.value,
                              token_name=token_name, at=now))
        runs.add_report(session, run.id, files, "review", now)
        runs.add_event(session, run.id, "reviewed", f"{decision.verdict.value} ({'approved' if approve else 'rejected'}"
                       f" by {reviewer})", actor=token_name, at=now)
        runs.add_delivery(session, run.id, outbound, now)


def _outbound(run: RunRow, report: Report, files: runs.ReportFiles, reviewer: str, approve: bool,
              comments: str) -> runs.Outbound | None:
    if not run.callback_url:
        return None
    delivery_id = runs.new_id()
    decision = {"verdict": report.decision.verdict.value, "kind": report.decision.kind.value,
                "exitCode": report.decision.exit_code, "summary": report.decision.summary}
    body = callbacks.payload(run, "run.reviewed", delivery_id, status="done", decision=decision,
                             entries=json.loads(files.connect_json), report_digest=report.digest,
                             review={"reviewer": reviewer, "approve": approve, "comments": comments})
    return runs.Outbound(delivery_id, "run.reviewed", run.callback_url, body)
