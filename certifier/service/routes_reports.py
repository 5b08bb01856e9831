"""A run's report as JSON (authoritative), HTML (for reviewers), SARIF, Markdown and Connect entries.

`?revision=0` is the automated run's report; a review adds revision 1; the default is the newest.
The HTML is served with a Content-Security-Policy that allows no script, no network access and only
the report's own inline stylesheet (by hash)."""

from __future__ import annotations

import base64
import hashlib
import json
import re

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from certifier.core.report import Report
from certifier.service.auth import READ, require
from certifier.service.store import queries
from certifier.service.store.models import ReportRow
from certifier.service.store.tokens import Principal

router = APIRouter(prefix="/v1/runs/{run_id}", tags=["reports"])
_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)
_REVISION = Query(default=None, ge=0, le=1000, description="report revision (0: automated; default: newest)")


def content_security_policy(html: str) -> str:
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(block.encode("utf-8")).digest()).decode() + "'"
        for block in _STYLE.findall(html)[:8]
    )
    return (f"default-src 'none'; style-src {hashes or chr(39) + 'none' + chr(39)}; img-src data:; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def _stored(request: Request, run_id: str, revision: int | None) -> ReportRow:
    db = request.app.state.db
    run = queries.get_run(db, run_id)
    if run is None:
        raise HTTPException(404, f"no run {run_id}")
    row = queries.report(db, run_id, revision)
    if row is not None:
        return row
    if revision is not None and run.status == "done":
        raise HTTPException(404, f"run {run_id} has no report revision {revision}")
    if run.status in ("queued", "running"):
        raise HTTPException(409, f"run {run_id} is {run.status}: no report yet")
    raise HTTPException(404, f"run {run_id} ended in error without a report: {run.error or 'no detail'}")


def _headers(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store", **(extra or {})}


@router.get("/report.json", responses={200: {"content": {"application/json": {}}}})
def report_json(run_id: str, request: Request, revision: int | None = _REVISION,
                _: Principal = Depends(require(READ))):
    """The sealed report (schema-versioned, SHA-256 digest)."""
    row = _stored(request, run_id, revision)
    return Response(row.report_json, media_type="application/json", headers=_headers())


@router.get("/report.html", responses={200: {"content": {"text/html": {}}}})
def report_html(run_id: str, request: Request, revision: int | None = _REVISION,
                _: Principal = Depends(require(READ))):
    """The reviewer's report: one self-contained page."""
    row = _stored(request, run_id, revision)
    headers = _headers({"Content-Security-Policy": content_security_policy(row.html), "Referrer-Policy": "no-referrer",
                        "X-Frame-Options": "DENY"})
    return Response(row.html, media_type="text/html; charset=utf-8", headers=headers)


@router.get("/report.md", responses={200: {"content": {"text/markdown": {}}}})
def report_markdown(run_id: str, request: Request, revision: int | None = _REVISION,
                    _: Principal = Depends(require(READ))):
    """The Markdown summary (what a GitHub job summary shows)."""
    row = _stored(request, run_id, revision)
    return Response(row.markdown, media_type="text/markdown; charset=utf-8", headers=_headers())


@router.get("/connect-report.json", responses={200: {"content": {"application/json": {}}}})
def report_connect(run_id: str, request: Request, revision: int | None = _REVISION,
                   _: Principal = Depends(require(READ))):
    """Connect-style report entries: {entries: [{type, title, message, createdAt, application?}]}."""
    row = _stored(request, run_id, revision)
    return Response(row.connect_json, media_type="application/json", headers=_headers())


@router.get("/report.sarif", responses={200: {"content": {"application/sarif+json": {}}},
                                        404: {"description": "no report, or SARIF rendering not available"}})
def report_sarif(run_id: str, request: Request, revision: int | None = _REVISION,
                 _: Principal = Depends(require(READ))):
    """SARIF 2.1.0 rendering of the report, for code scanning."""
    row = _stored(request, run_id, revision)
    if row.sarif:
        return Response(row.sarif, media_type="application/sarif+json", headers=_headers())
    try:
        from certifier.report.sarif import render_sarif
    except ImportError:
        raise HTTPException(404, "SARIF rendering is not available in this certifier installation "
                                 "(certifier.report.sarif is missing)") from None
    sarif = render_sarif(Report.model_validate_json(row.report_json))  # a report stored before SARIF was kept
    return Response(json.dumps(sarif, ensure_ascii=False), media_type="application/sarif+json", headers=_headers())
