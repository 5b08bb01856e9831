"""/v1/runs: submit (idempotent), read, list and filter runs; their deliveries."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from certifier.service import api_views
from certifier.service.api_errors import field_error
from certifier.service.api_models import DeliveryList, RunList, RunView, Stage, Status, SubmitRun
from certifier.service.auth import READ, SUBMIT, require
from certifier.core.outbound_guard import check_if_resolvable
from certifier.service.callbacks import CallbackUrlError, callback_policy
from certifier.service.store import queries, runs
from certifier.service.store.tokens import Principal
from certifier.source.checkout import SourceError
from certifier.source.url import SourceKind, classify_source

router = APIRouter(prefix="/v1/runs", tags=["runs"])
_DESCRIPTOR_PROBLEM = re.compile(r"^\[(.*?)\]: (.*)$", re.DOTALL)
_CONFLICT = {409: {"description": "the idempotency key was used with a different body"}}


@router.post("", status_code=202, response_model=RunView, responses={200: {"model": RunView, "description":
             "an earlier submission with the same idempotency key and body"}, **_CONFLICT})
def submit_run(body: SubmitRun, request: Request, response: Response,
               idempotency_key: str | None = Header(default=None, max_length=255),
               principal: Principal = Depends(require(SUBMIT))):
    """Queue a certification run. 202 with the new run; 200 with the existing run for a repeated
    idempotency key and identical body; 409 for a repeated key with another body."""
    state = request.app.state
    key = _idempotency_key(body, idempotency_key)
    _check_source(body.repository.url, state.config.allow_local_sources)
    _check_callback(body.callback_url, state.config)
    _check_deployment(body.deployment)
    new = runs.NewRun(
        repository_url=body.repository.url, tag=body.repository.tag, stage=body.stage,
        profile=_profile_ref(state.config.profile_for(body.stage)), connector_key=body.connector.key,
        connector=body.connector.model_dump(mode="json", by_alias=True, exclude_none=True),
        deployment=body.deployment, callback_url=body.callback_url, submitted_by=principal.name,
        idempotency_key=key, request_digest=_digest(body))
    try:
        run, created = runs.submit(state.db, new)
    except runs.IdempotencyConflict as conflict:
        return JSONResponse(status_code=409, content={"detail": str(conflict), "runId": conflict.run_id})
    if created:
        state.metrics.submitted.labels(body.stage).inc()
        state.background.dispatch(run.id)
    else:
        response.status_code = 200
        if run.status == "queued":  # its message may be lost: sending it again is harmless (one claim wins)
            state.background.dispatch(run.id, reason="an idempotent retry of the submission found it still queued")
    response.headers["Location"] = f"/v1/runs/{run.id}"
    return api_views.run_view(queries.run_detail(state.db, run.id))


@router.get("", response_model=RunList)
def list_runs(request: Request, connector: str | None = Query(default=None, max_length=256),
              tag: str | None = Query(default=None, max_length=255), stage: Stage | None = None,
              decision: str | None = Query(default=None, max_length=64,
                                           description="a decision kind (positive, negative, review, undecided) "
                                                       "or an exact verdict label (e.g. Accepted)"),
              status: Status | None = None, limit: int = Query(default=50, ge=1, le=200),
              offset: int = Query(default=0, ge=0, le=1_000_000), _: Principal = Depends(require(READ))):
    """Runs, newest first, filtered by connector key, tag, stage, decision and status."""
    flt = queries.RunFilter(connector=connector, tag=tag, stage=stage, decision=decision, status=status,
                            limit=limit, offset=offset)
    rows, total = queries.list_runs(request.app.state.db, flt)
    return RunList(items=[api_views.run_summary(r) for r in rows], total=total, limit=limit, offset=offset)


@router.get("/{run_id}", response_model=RunView, responses={404: {"description": "no such run"}})
def get_run(run_id: str, request: Request, _: Principal = Depends(require(READ))):
    """Status (queued / running / done / error), decision, reviews, history and report revisions."""
    detail = queries.run_detail(request.app.state.db, run_id)
    if detail is None:
        raise HTTPException(404, f"no run {run_id}")
    return api_views.run_view(detail)


@router.get("/{run_id}/deliveries", response_model=DeliveryList)
def get_deliveries(run_id: str, request: Request, _: Principal = Depends(require(READ))):
    """Callback deliveries of the run and every attempt (status code or error)."""
    db = request.app.state.db
    if queries.get_run(db, run_id) is None:
        raise HTTPException(404, f"no run {run_id}")
    return DeliveryList(items=[api_views.delivery_view(row, attempts) for row, attempts in queries.deliveries(db, run_id)])


def _idempotency_key(body: SubmitRun, header: str | None) -> str | None:
    if header is not None and body.idempotency_key is not None and header != body.idempotency_key:
        raise field_error(("header", "idempotency-key"), "differs from the body's idempotencyKey")
    key = body.idempotency_key or header
    if key is not None and not (1 <= len(key) <= 255 and all(0x21 <= ord(c) <= 0x7E for c in key)):
        raise field_error(("header", "idempotency-key"), "must be 1-255 printable ASCII characters without spaces")
    return key


def _check_source(url: str, allow_local: bool) -> None:
    loc = ("body", "repository", "url")
    refused = "only https:// and ssh repository URLs are accepted by this server"
    if not allow_local and not _looks_remote(url):
        raise field_error(loc, refused)  # before classify_source: it would probe the server's file system
    try:
        spec = classify_source(url)
    except SourceError as error:
        raise field_error(loc, str(error)) from None
    if spec.kind in (SourceKind.LOCAL, SourceKind.FILE) and not allow_local:
        raise field_error(loc, refused)


def _looks_remote(url: str) -> bool:
    """A URL with a scheme, or git's scp-like `user@host:path` (a colon before any slash)."""
    return "://" in url or (":" in url and "/" not in url.split(":", 1)[0])


def _check_callback(url: str | None, config) -> None:
    if url is None:
        return
    loc = ("body", "callbackUrl")
    policy = callback_policy(config)
    try:
        parts = policy.check_url(url, what="callback URL")
        check_if_resolvable(parts.hostname or "", parts.port or 443, policy)
    except CallbackUrlError as error:
        raise field_error(loc, str(error)) from None
    if not config.callback_secret:
        raise field_error(loc, "callbacks are disabled: this server has no signing secret "
                               "(CERTIFIER_CALLBACK_SECRET or --callback-secret-file)")


def _check_deployment(descriptor: dict | None) -> None:
    """A Deployment descriptor is checked against its schema now, not when the run starts."""
    if descriptor is None:
        return
    from certifier.collect.preview.remote import validate

    problems = [_DESCRIPTOR_PROBLEM.match(line) for line in validate(descriptor, resolve=True)]
    if problems:
        raise RequestValidationError([
            {"type": "value_error", "msg": match.group(2) if match else "invalid Deployment descriptor",
             "loc": ("body", "deployment", *_path_parts(match.group(1) if match else ""))}
            for match in problems[:20]])


def _path_parts(dotted: str) -> tuple:
    """'applications.0.url' -> ('applications', 0, 'url'); the whole descriptor -> ()."""
    if dotted in ("", "file content"):
        return ()
    return tuple(int(part) if part.isdigit() else part for part in dotted.split("."))


def _profile_ref(ref: str) -> str:
    """Profile paths are made absolute, so a later review re-reads the same file."""
    looks_like_path = "/" in ref or ref.endswith((".yaml", ".yml"))
    return str(Path(ref).resolve()) if looks_like_path else ref


def _digest(body: SubmitRun) -> str:
    data = body.model_dump(mode="json", by_alias=True, exclude={"idempotency_key"})
    return hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
