"""Callbacks go out in parallel from a bounded pool, at most CALLBACK_PER_HOST at a time to one receiver:
a receiver that hangs until the timeout delays only its own deliveries. The delivery id, signature and
backoff are those of test_callbacks.py."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from certifier.service.callbacks import verify_signature
from service_helpers import SECRET, CallbackSink, run_body, wait_until


@pytest.fixture
def receivers():
    made = []

    def make(hang_s: float = 0.0) -> CallbackSink:
        made.append(CallbackSink(hang_s))
        return made[-1]

    yield make
    for receiver in made:
        receiver.close()


def test_a_hanging_receiver_delays_neither_a_healthy_one_nor_takes_every_slot(make_service, repo, receivers):
    hanging, healthy = receivers(hang_s=6), receivers()
    service = make_service(callback_timeout_s=4, callback_per_host=2, callback_concurrency=4)
    for n in range(4):
        service.submit(run_body(repo("minimal"), key=f"hangs-{n}", callbackUrl=hanging.url))
    wait_until(lambda: hanging.in_flight >= 2, 30, what="the hanging receiver to hold two deliveries")
    run_id = service.submit(run_body(repo("minimal"), key="healthy", callbackUrl=healthy.url))["id"]
    run = service.wait(run_id)
    wait_until(lambda: healthy.received, 10, what="the healthy receiver's callback")
    received_at, headers, body = (healthy.received[0][key] for key in ("wall", "headers", "body"))
    finished_at = datetime.fromisoformat(run["finishedAt"].replace("Z", "+00:00")).timestamp()
    assert received_at - finished_at < 2.0
    assert verify_signature(SECRET, headers["x-certifier-signature"], body)
    assert headers["x-certifier-delivery"] == json.loads(body)["deliveryId"]
    assert hanging.most_in_flight == 2  # CALLBACK_PER_HOST: the other two waited for a slot
