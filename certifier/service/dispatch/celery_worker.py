"""Target of `celery -A certifier.service.dispatch.celery_worker worker`: the app built from CERTIFIER_*."""

from __future__ import annotations

from certifier.service.config import ServiceConfig
from certifier.service.dispatch.celery_factory import make_celery

app = make_celery(ServiceConfig.from_env())
