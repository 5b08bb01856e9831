"""Store rows as API response models."""

from __future__ import annotations

import json

from certifier.service.api_models import (
    AttemptView,
    DecisionView,
    DeliveryView,
    EventView,
    ReportRevision,
    ReviewView,
    RunSummary,
    RunView,
)
from certifier.service.store.queries import RunDetail
from certifier.service.store.models import RunRow


def links(run_id: str) -> dict[str, str]:
    base = f"/v1/runs/{run_id}"
    return {"self": base, "json": f"{base}/report.json", "html": f"{base}/report.html",
            "sarif": f"{base}/report.sarif", "markdown": f"{base}/report.md",
            "connect": f"{base}/connect-report.json", "deliveries": f"{base}/deliveries", "review": f"{base}/review"}


def decision(run: RunRow) -> DecisionView | None:
    if run.verdict is None:
        return None
    return DecisionView(verdict=run.verdict, kind=run.decision_kind or "", exit_code=run.exit_code or 0,
                        summary=run.summary or "")


def repository(run: RunRow) -> dict[str, str]:
    return {"url": run.repository_url, "tag": run.tag}


def run_summary(run: RunRow) -> RunSummary:
    return RunSummary(id=run.id, status=run.status, stage=run.stage, repository=repository(run),
                      connector_key=run.connector_key, decision=decision(run), created_at=run.created_at,
                      finished_at=run.finished_at, links=links(run.id))


def run_view(detail: RunDetail) -> RunView:
    run = detail.run
    return RunView(
        id=run.id, status=run.status, stage=run.stage, repository=repository(run),
        connector=json.loads(run.connector_json or "{}"), callback_url=run.callback_url, decision=decision(run),
        error=run.error, attempts=run.attempts, created_at=run.created_at, started_at=run.started_at,
        finished_at=run.finished_at,
        reviews=[ReviewView(reviewer=r.reviewer, approve=r.approve, comments=r.comments, at=r.at,
                            verdict_before=r.verdict_before, verdict_after=r.verdict_after) for r in detail.reviews],
        history=[EventView(at=e.at, event=e.event, detail=e.detail, actor=e.actor) for e in detail.events],
        reports=[ReportRevision(revision=n, origin=o, verdict=v) for n, o, v in detail.report_revisions],
        links=links(run.id),
    )


def delivery_view(row, attempts) -> DeliveryView:
    return DeliveryView(
        id=row.id, event=row.event, url=row.url, state=row.state, attempts=row.attempts,
        last_status_code=row.last_status_code, last_error=row.last_error, created_at=row.created_at,
        next_attempt_at=row.next_attempt_at if row.state == "pending" else None, delivered_at=row.delivered_at,
        attempt_log=[AttemptView(number=a.number, at=a.at, status_code=a.status_code, error=a.error,
                                 duration_s=a.duration_s) for a in attempts],
    )
