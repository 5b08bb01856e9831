"""Callbacks to the marketplace: what is sent, how it is signed, and delivery with backoff.

Signature header (see docs/service.md):

    X-Certifier-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>

The receiver recomputes the HMAC over the timestamp, a dot and the raw body bytes, compares in
constant time, and refuses timestamps older than a few minutes (replay). `verify_signature` below
is that check. Deliveries are recorded in the store (outbox) and retried with exponential backoff.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from datetime import datetime, timedelta, timezone

from certifier import __version__
from certifier.core.outbound import OutboundPolicy, OutboundUrlError
from certifier.service.store import deliveries as outbox
from certifier.service.store import runs
from certifier.service.store.db import Database, utcnow
from certifier.service.store.models import RunRow

log = logging.getLogger("certifier.service")
SIGNATURE_HEADER = "X-Certifier-Signature"
DELIVERY_HEADER = "X-Certifier-Delivery"
EVENT_HEADER = "X-Certifier-Event"
DEFAULT_TOLERANCE_S = 300
CallbackUrlError = OutboundUrlError  # also raised at connection time (OutboundRefused): never retried


def callback_policy(config) -> OutboundPolicy:
    """Public addresses only; loopback (and http to it) only under --allow-loopback-http-callbacks."""
    return OutboundPolicy(allow_loopback=config.allow_loopback_http_callbacks,
                          switch="--allow-loopback-http-callbacks")


def http_client(config):
    """The client deliveries are sent with: it connects only to checked public addresses (DNS rebinding
    cannot redirect it), follows no redirects and ignores proxy settings of the environment."""
    from certifier.service.outbound_http import guarded_client

    return guarded_client(callback_policy(config))


# --- signing ---------------------------------------------------------------------------------------

def sign(secret: bytes, body: bytes, timestamp: int | None = None) -> str:
    """The X-Certifier-Signature value for `body` sent at `timestamp`."""
    stamp = int(time.time()) if timestamp is None else int(timestamp)
    mac = hmac.new(secret, f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={mac}"


def verify_signature(secret: bytes, header: str, body: bytes, *, tolerance_s: int = DEFAULT_TOLERANCE_S,
                     now: float | None = None) -> bool:
    """What a receiver does: parse the header, check freshness, compare the HMAC in constant time."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        stamp = int(fields.get("t", ""))
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - stamp) > tolerance_s:
        return False
    expected = sign(secret, body, stamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, fields.get("v1", ""))


# --- payloads --------------------------------------------------------------------------------------

def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _error_entries(message: str) -> dict:
    return {"entries": [{"type": "Error", "title": "Certification run could not complete", "message": message,
                         "createdAt": _iso(utcnow())}]}


def payload(run: RunRow, event: str, delivery_id: str, *, status: str, decision: dict | None,
            entries: dict, report_digest: str | None, error: str | None = None,
            review: dict | None = None) -> str:
    body = {
        "event": event,
        "deliveryId": delivery_id,
        "run": {"id": run.id, "status": status, "stage": run.stage, "connectorKey": run.connector_key,
                "repository": {"url": run.repository_url, "tag": run.tag},
                "links": {"self": f"/v1/runs/{run.id}", "html": f"/v1/runs/{run.id}/report.html",
                          "json": f"/v1/runs/{run.id}/report.json"}},
        "decision": decision,
        "error": error,
        "report": entries,
        "reportDigest": report_digest,
        "review": review,
        "createdAt": _iso(utcnow()),
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False)


def completion_outbound(run: RunRow, completion: runs.Completion) -> runs.Outbound | None:
    """The `run.completed` callback for a finished (or failed) run, if the run asked for one."""
    if not run.callback_url:
        return None
    delivery_id = runs.new_id()
    if completion.report is not None:
        entries = json.loads(completion.report.connect_json)
        decision = {"verdict": completion.verdict, "kind": completion.decision_kind,
                    "exitCode": completion.exit_code, "summary": completion.summary}
        digest = completion.report.digest
    else:
        entries, decision, digest = _error_entries(completion.error or "the run failed"), None, None
    body = payload(run, "run.completed", delivery_id, status=completion.status, decision=decision,
                   entries=entries, report_digest=digest, error=completion.error)
    return runs.Outbound(delivery_id, "run.completed", run.callback_url, body)


def failure_outbound(run: RunRow, error: str) -> runs.Outbound | None:
    return completion_outbound(run, runs.Completion(status="error", error=error))


# --- delivery --------------------------------------------------------------------------------------

def backoff_s(attempt: int, base_s: float, max_s: float) -> float:
    """Delay before retry number `attempt` (1-based): base, 2*base, 4*base, ... capped at max_s."""
    return min(max_s, base_s * (2 ** (attempt - 1)))


def deliver_due(db: Database, config, client, *, limit: int = 20, accept=None, submit=None) -> int:
    """Send every due delivery once (each claimed so that no other server sends it at the same time).
    Returns how many were attempted. `client` is an httpx.Client. `accept(url)` may refuse a delivery
    for now (its receiver has enough in flight); `submit(attempt, url)` runs each attempt elsewhere
    (the server's bounded pool) instead of one after another here."""
    lock_s = config.callback_timeout_s * 2 + 5
    due = outbox.claim_due(db, lock_s, limit=limit, accept=accept)
    for delivery in due:
        if submit is None:
            _attempt(db, config, client, delivery)
        else:
            submit(lambda delivery=delivery: _attempt(db, config, client, delivery), delivery.url)
    return len(due)


def _attempt(db: Database, config, client, delivery) -> None:
    started = time.monotonic()
    status_code, error = None, None
    try:
        callback_policy(config).check_url(delivery.url, what="callback URL")  # it may have been stored under an older policy
        body = delivery.payload.encode("utf-8")
        response = client.post(delivery.url, content=body, headers=_headers(config, delivery, body),
                               timeout=config.callback_timeout_s)
        status_code = response.status_code
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}"
    except CallbackUrlError as refused:
        error = f"refused: {refused}"
    except Exception as failure:  # network errors: retried
        error = f"{type(failure).__name__}: {failure}"
    delivered = error is None
    number = delivery.attempts + 1
    give_up = not delivered and (number >= config.callback_max_attempts or (error or "").startswith("refused"))
    retry_at = None if delivered or give_up else \
        utcnow() + timedelta(seconds=backoff_s(number, config.callback_backoff_s, config.callback_backoff_max_s))
    outbox.record_attempt(db, delivery.id, status_code=status_code, error=error, duration_s=time.monotonic() - started,
                          delivered=delivered, retry_at=retry_at)
    if not delivered:
        log.info("callback %s attempt %d to %s failed: %s", delivery.id, number, delivery.url, error)


def _headers(config, delivery, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": f"certifier/{__version__}",
        SIGNATURE_HEADER: sign(config.callback_secret, body),
        DELIVERY_HEADER: delivery.id,
        EVENT_HEADER: delivery.event,
    }
