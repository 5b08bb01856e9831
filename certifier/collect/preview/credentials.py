"""API credentials and hosts of the shapes the platform issues, for the emulator's client of one preview.

Apps built on the platform's starter kit check these shapes when they start and exit before listening
when a value does not fit (docs/preview.md): a client id of exactly 24 characters, a secret of exactly 32,
a project key of letters, digits, `-` and `_`, a region from the platform's list, a scope of at least
2 characters. The values are made afresh for each run; they open nothing but the loopback emulator.
"""

from __future__ import annotations

import secrets

CLIENT_ID_LENGTH = 24
CLIENT_SECRET_LENGTH = 32
REGIONS = ("europe-west1.gcp", "us-central1.gcp", "australia-southeast1.gcp", "eu-central-1.aws",
           "us-east-2.aws")
REGION = REGIONS[0]  # the region of every local preview; the preload routes its hosts to the emulator


def new_client_id() -> str:
    return _token(CLIENT_ID_LENGTH)


def new_client_secret() -> str:
    return _token(CLIENT_SECRET_LENGTH)


def _token(length: int) -> str:
    # 3 random bytes are 4 base64 characters: 18 bytes give 24 characters, 24 bytes give 32.
    value = secrets.token_urlsafe(length * 3 // 4)
    assert len(value) == length
    return value


def api_url(region: str = REGION) -> str:
    return f"https://api.{region}.commercetools.com"


def auth_url(region: str = REGION) -> str:
    return f"https://auth.{region}.commercetools.com"


def scope_value(project_key: str, scopes: tuple[str, ...] | None) -> str:
    """CTP_SCOPE as the platform writes it: `<scope>:<projectKey>` per scope, separated by spaces."""
    names = scopes or ("manage_project",)
    return " ".join(f"{name}:{project_key}" for name in names)
