"""Operations: /healthz (no token), /metrics (Prometheus) and /openapi.json (with a token)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from certifier.service.api_models import Health
from certifier.service.auth import READ, require
from certifier.service.store.tokens import Principal

router = APIRouter(tags=["operations"])


@router.get("/healthz", response_model=Health, responses={503: {"model": Health}})
async def healthz(request: Request):
    """The database and the broker, each asked with its own timeout; 200 only when both answer,
    else 503 and the body says which one is down. Needs no token. Runs on the event loop, so it
    answers even when every request thread is busy."""
    healthy, parts = await request.app.state.health.report()
    body = Health(status="ok" if healthy else "degraded", **parts).model_dump(by_alias=True)
    return JSONResponse(status_code=200 if healthy else 503, content=body)


@router.get("/metrics", responses={200: {"content": {"text/plain": {}}}})
def metrics(request: Request, _: Principal = Depends(require(READ))):
    """Prometheus text format."""
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)


@router.get("/openapi.json", include_in_schema=False)
def openapi(request: Request, _: Principal = Depends(require(READ))):
    return JSONResponse(request.app.openapi())
