"""The environment an app (and its scripts) gets in a local preview, from its connect.yaml configuration.

* CTP_* credentials: the emulator's project and client, in the shapes the platform issues
  (certifier.collect.preview.credentials: client id of 24 characters, secret of 32, scope
  `<scope>:<projectKey>`), in the region europe-west1.gcp with CTP_API_URL / CTP_AUTH_URL of that region
  (the preload sends those hosts to the emulator); with `inheritAs.apiClient` the variables Connect
  generates are supplied as well;
* secured keys: a random value per run, the same for one key everywhere (global keys are shared), 40 hex
  characters (long enough for apps that refuse short secrets), redacted in every output;
* standard keys with a default: the default (as Connect applies it);
* required standard keys without a default: a plausible value (rules/preview/generated-values.json), e.g. a SKU
  of the seeded sample product.
"""

from __future__ import annotations

from certifier.core.paths import rules_dir

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from certifier.connector.model import App, ConfigEntry, Connector
from certifier.collect.preview.credentials import REGION, api_url, auth_url, scope_value

GENERATED_VALUES_FILE = rules_dir() / "preview" / "generated-values.json"
API_CLIENT_KEYS = ("CTP_PROJECT_KEY", "CTP_CLIENT_ID", "CTP_CLIENT_SECRET", "CTP_SCOPE", "CTP_REGION",
                   "CTP_CLIENT_SCOPE", "CTP_CLIENT_REGION")


@dataclass(frozen=True)
class Credentials:
    project_key: str
    client_id: str
    client_secret: str


@dataclass(frozen=True)
class Setting:
    key: str
    value: str
    origin: str  # default | generated-secret | generated | emulator | api-client
    secured: bool


@dataclass
class AppEnv:
    settings: dict[str, Setting] = field(default_factory=dict)

    @property
    def values(self) -> dict[str, str]:
        return {key: setting.value for key, setting in self.settings.items()}

    @property
    def secrets(self) -> dict[str, str]:
        return {key: s.value for key, s in self.settings.items() if s.secured}

    def documented(self) -> list[dict[str, str]]:
        """The settings as evidence: where each value came from, secured values masked."""
        return [{"key": s.key, "origin": s.origin, "value": "***" if s.secured else s.value}
                for s in sorted(self.settings.values(), key=lambda s: s.key)]


def credential_values(creds: Credentials, scopes: tuple[str, ...] | None) -> dict[str, str]:
    scope = scope_value(creds.project_key, scopes)
    return {"CTP_PROJECT_KEY": creds.project_key, "CTP_CLIENT_ID": creds.client_id,
            "CTP_CLIENT_SECRET": creds.client_secret, "CTP_SCOPE": scope, "CTP_SCOPES": scope,
            "CTP_CLIENT_SCOPE": scope, "CTP_REGION": REGION, "CTP_CLIENT_REGION": REGION,
            "CTP_API_URL": api_url(REGION), "CTP_AUTH_URL": auth_url(REGION)}


def app_environment(connector: Connector, app: App, creds: Credentials, run_key: bytes) -> AppEnv:
    env = AppEnv()
    emulator = credential_values(creds, connector.api_scopes)
    if connector.api_scopes is not None:  # Connect creates the API client and injects its variables
        for key in API_CLIENT_KEYS:
            env.settings[key] = Setting(key, emulator[key], "api-client", key == "CTP_CLIENT_SECRET")
    for entry in (*connector.global_config, *app.config):
        setting = _setting(entry, emulator, run_key)
        if setting is not None:
            env.settings[entry.key] = setting
    return env


def _setting(entry: ConfigEntry, emulator: dict[str, str], run_key: bytes) -> Setting | None:
    if entry.key in emulator:  # only the client secret is a secret: ids, keys, scopes and URLs show in requests
        return Setting(entry.key, emulator[entry.key], "emulator", entry.key == "CTP_CLIENT_SECRET")
    if entry.secured:
        return Setting(entry.key, secret_value(run_key, entry.key), "generated-secret", True)
    if entry.default is not None:
        return Setting(entry.key, entry.default, "default", False)
    if entry.required:
        return Setting(entry.key, plausible_value(entry.key), "generated", False)
    return None


def secret_value(run_key: bytes, key: str) -> str:
    """Deterministic within a run (one key, one value), unpredictable across runs."""
    return hmac.new(run_key, key.encode(), hashlib.sha256).hexdigest()[:40]


def plausible_value(key: str) -> str:
    table = _generated_values()
    upper = key.upper()
    for rule in table["rules"]:
        if upper.endswith(rule["suffix"]):
            return str(rule["value"])
    return str(table["fallback"]).format(key=key.lower().replace("_", "-"))


@lru_cache(maxsize=1)
def _generated_values() -> dict[str, Any]:
    return json.loads(GENERATED_VALUES_FILE.read_text())
