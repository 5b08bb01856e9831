"""Settings of the service, shared by `certifier serve`, Celery workers and the token commands.

Every setting has an environment variable (CERTIFIER_*), so a Celery worker started by `celery -A`
reads the same configuration as the server. Secrets (the callback signing key) come from the
environment or a file named by the operator, never from a request.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from certifier.core.errors import ConfigError

STAGES = ("preview", "publish", "certification")
DISPATCH_MODES = ("embedded", "celery")


def default_database_url() -> str:
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{data_home / 'certifier' / 'service.db'}"


@dataclass(frozen=True)
class ServiceConfig:
    database_url: str = field(default_factory=default_database_url)
    dispatch: str = "embedded"  # embedded | celery
    broker_url: str = "redis://127.0.0.1:6379/0"
    celery_queue: str = "certifier"
    workers: int = 2  # embedded pool size
    static_only: bool = False  # run only the static stages (no connector code runs)
    profiles: dict[str, str] = field(default_factory=dict)  # stage -> profile name or path
    allow_local_sources: bool = False  # file:// and local paths as sources (tests, development)
    allow_loopback_http_callbacks: bool = False  # http:// callbacks to 127.0.0.1/::1/localhost (tests)
    callback_secret: bytes = b""
    callback_max_attempts: int = 8
    callback_backoff_s: float = 2.0  # first retry delay; doubles each attempt
    callback_backoff_max_s: float = 600.0
    callback_timeout_s: float = 10.0
    lease_s: float = 60.0  # a running run whose lease is not renewed for this long is taken again
    heartbeat_s: float = 15.0
    max_attempts: int = 3  # claims of one run before it ends in `error`
    redispatch_after_s: float = 30.0  # Celery: a queued run sent but not picked up for this long is sent again
    unsent_grace_s: float = 2.0  # Celery: a queued run never sent (publish failed, server died) is sent after this
    broker_timeout_s: float = 3.0  # Celery: connect, read and write timeout of one broker call
    health_timeout_s: float = 1.0  # /healthz: time given to each dependency to answer
    store_retry_after_s: int = 5  # Retry-After of a 503 while the store cannot be reached
    record_retry_s: float = 600.0  # a worker keeps trying this long to record a result while the store is away
    callback_concurrency: int = 8  # callback deliveries in flight at once (a slow receiver holds only its own)
    callback_per_host: int = 2  # of which at most this many to one receiver host
    poll_s: float = 1.0  # background loops' idle poll interval
    max_body_bytes: int = 256 * 1024
    runner: str = "certifier.certify:certify"  # module:function taking (RunRequest) -> RunOutcome

    def profile_for(self, stage: str) -> str:
        return self.profiles.get(stage, stage)

    def with_(self, **changes) -> "ServiceConfig":
        return replace(self, **changes)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides) -> "ServiceConfig":
        """Settings from CERTIFIER_* variables; `overrides` (CLI options) win over the environment."""
        env = os.environ if env is None else env
        values: dict = {}
        for name, convert in _ENV_FIELDS.items():
            raw = env.get("CERTIFIER_" + name.upper())
            if raw not in (None, ""):
                values[name] = convert(raw, name)
        if "profiles" in values:
            values["profiles"] = parse_profiles(values["profiles"].split(","))
        if "callback_secret" not in values:
            secret_file = env.get("CERTIFIER_CALLBACK_SECRET_FILE")
            if secret_file:
                values["callback_secret"] = read_secret_file(Path(secret_file))
        for name in ("database_url", "broker_url"):  # URLs with a password: from the environment or a file
            url_file = env.get(f"CERTIFIER_{name.upper()}_FILE")
            if name not in values and url_file:
                values[name] = read_url_file(Path(url_file), name)
        values.update({k: v for k, v in overrides.items() if v is not None})
        config = cls(**values)
        config.validate()
        return config

    def validate(self) -> None:
        if self.dispatch not in DISPATCH_MODES:
            raise ConfigError(f"dispatch must be one of {', '.join(DISPATCH_MODES)}, not {self.dispatch!r}")
        if self.workers < 1:
            raise ConfigError("workers must be at least 1")
        if not 0 < self.heartbeat_s < self.lease_s:
            raise ConfigError("heartbeat_s must be positive and shorter than lease_s")
        if self.callback_concurrency < 1 or self.callback_per_host < 1:
            raise ConfigError("callback_concurrency and callback_per_host must be at least 1")
        if self.broker_timeout_s <= 0 or self.health_timeout_s <= 0:
            raise ConfigError("broker_timeout_s and health_timeout_s must be positive")
        unknown = set(self.profiles) - set(STAGES)
        if unknown:
            raise ConfigError(f"profile for unknown stage(s): {', '.join(sorted(unknown))}")


def parse_profiles(items) -> dict[str, str]:
    """['certification=path/to.yaml', ...] -> {'certification': 'path/to.yaml'}."""
    profiles = {}
    for item in items:
        stage, sep, ref = item.strip().partition("=")
        if not sep or stage not in STAGES or not ref:
            raise ConfigError(f"profile setting {item!r}: expected STAGE=PROFILE with STAGE in {', '.join(STAGES)}")
        profiles[stage] = ref
    return profiles


def read_secret_file(path: Path) -> bytes:
    try:
        secret = path.read_bytes().strip()
    except OSError as error:
        raise ConfigError(f"callback secret file {path}: {error.strerror or error}") from None
    if len(secret) < 16:
        raise ConfigError(f"callback secret file {path}: the secret must be at least 16 bytes")
    return secret


def read_url_file(path: Path, name: str) -> str:
    """A database or broker URL kept in a file (it may carry a password: never put one in argv)."""
    try:
        url = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{name} file {path}: {getattr(error, 'strerror', None) or error}") from None
    if not url or "\n" in url:
        raise ConfigError(f"{name} file {path}: expected one URL on one line")
    return url


def _text(raw: str, _name: str) -> str:
    return raw


def _bytes(raw: str, _name: str) -> bytes:
    return raw.encode()


def _int(raw: str, name: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"CERTIFIER_{name.upper()}: not an integer: {raw!r}") from None


def _float(raw: str, name: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"CERTIFIER_{name.upper()}: not a number: {raw!r}") from None


def _flag(raw: str, name: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"CERTIFIER_{name.upper()}: expected true/false, not {raw!r}")


_ENV_FIELDS = {
    "database_url": _text, "dispatch": _text, "broker_url": _text, "celery_queue": _text, "workers": _int,
    "static_only": _flag, "profiles": _text, "allow_local_sources": _flag,
    "allow_loopback_http_callbacks": _flag, "callback_secret": _bytes, "callback_max_attempts": _int,
    "callback_backoff_s": _float, "callback_backoff_max_s": _float, "callback_timeout_s": _float,
    "lease_s": _float, "heartbeat_s": _float, "max_attempts": _int, "redispatch_after_s": _float,
    "poll_s": _float, "max_body_bytes": _int, "runner": _text,
    "unsent_grace_s": _float, "broker_timeout_s": _float, "health_timeout_s": _float,
    "store_retry_after_s": _int, "record_retry_s": _float, "callback_concurrency": _int, "callback_per_host": _int,
}
