"""POST /v1/runs/{id}/review: the reviewer's decision on a run in "Certification in progress"."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request

from certifier.service import api_views
from certifier.service.api_models import ReviewRequest, RunView
from certifier.service.auth import REVIEW, require
from certifier.service.review import NotReviewable, record_review
from certifier.service.store import queries
from certifier.service.store.tokens import Principal

router = APIRouter(prefix="/v1/runs/{run_id}", tags=["review"])


@router.post("/review", response_model=RunView,
             responses={404: {"description": "no such run"}, 409: {"description": "the run is not awaiting review"}})
def review_run(run_id: str, body: ReviewRequest, request: Request, principal: Principal = Depends(require(REVIEW))):
    """Approve ("Listed and certified") or reject ("Certification failed") a run awaiting review."""
    state = request.app.state
    try:
        record_review(state.db, run_id, reviewer=body.reviewer, approve=body.approve, comments=body.comments,
                      token_name=principal.name)
    except KeyError:
        raise HTTPException(404, f"no run {run_id}") from None
    except NotReviewable as error:
        raise HTTPException(409, str(error)) from None
    state.metrics.reviews.labels("approved" if body.approve else "rejected").inc()
    state.background.wake_deliveries()
    return api_views.run_view(queries.run_detail(state.db, run_id))
