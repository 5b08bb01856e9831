"""Operations: /healthz (no token), /metrics (Prometheus) and /openapi.json (with a token)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from certifier.service.api_models import Health
from certifier.service.auth import READ, require
from certifier.service.store.tokens import Principal

router = APIRouter(tags=["operations"])


@router.get("/healthz", response_model=Health, responses={503: {"model": Health}})
def healthz(request: Request):
    """Liveness and database reachability. Needs no token."""
    try:
        with request.app.state.db.read() as session:
            session.execute(text("SELECT 1"))
    except Exception as error:
        body = Health(status="degraded", database=f"unreachable: {type(error).__name__}")
        return JSONResponse(status_code=503, content=body.model_dump(by_alias=True))
    return Health(status="ok", database=request.app.state.db.backend)


@router.get("/metrics", responses={200: {"content": {"text/plain": {}}}})
def metrics(request: Request, _: Principal = Depends(require(READ))):
    """Prometheus text format."""
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)


@router.get("/openapi.json", include_in_schema=False)
def openapi(request: Request, _: Principal = Depends(require(READ))):
    return JSONResponse(request.app.openapi())
