"""A run function for the Celery tests: certify() after a pause, so that a test can kill the worker
while the run is in progress. Selected with CERTIFIER_RUNNER=slow_runner:certify."""

from __future__ import annotations

import os
import time

from certifier.certify import RunOutcome, RunRequest
from certifier.certify import certify as real_certify


def certify(request: RunRequest) -> RunOutcome:
    time.sleep(float(os.environ.get("CERTIFIER_TEST_RUN_DELAY_S", "0")))
    return real_certify(request)
