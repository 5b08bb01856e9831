"""The application types connect.yaml may declare (deployAs[].applicationType)."""

from __future__ import annotations

APP_TYPES = frozenset(
    {
        "service",
        "event",
        "job",
        "merchant-center-custom-application",
        "merchant-center-custom-view",
        "mc-app",
        "assets",
    }
)
HTTP_APP_TYPES = frozenset({"service", "event", "job"})
MC_APP_TYPES = frozenset({"merchant-center-custom-application", "merchant-center-custom-view", "mc-app"})
