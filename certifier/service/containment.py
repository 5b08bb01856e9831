"""The service runs connector code only inside namespaces (certifier.sandbox.isolation).

Without them a connector's install scripts, build, tests and app server share the host's network and
file system: they reach the store, the broker and other runs. So `certifier serve` and `certifier worker`
refuse to start, and a worker refuses a run, when the isolation level is not `namespaces`, unless
* the service is static-only (no connector code ever runs), or
* the development override CERTIFIER_ALLOW_UNISOLATED=1 (`--allow-unisolated`) is set.
"""

from __future__ import annotations

import os

ALLOW_ENV = "CERTIFIER_ALLOW_UNISOLATED"
FIX = ("install bubblewrap (Debian package `bubblewrap`) where unprivileged user namespaces are allowed, or "
       "run the service with --static-only (CERTIFIER_STATIC_ONLY=1)")


def unisolated_allowed() -> bool:
    return os.environ.get(ALLOW_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def refusal(config) -> str | None:
    """Why connector code may not run under `config` on this machine, or None when it may."""
    if config.static_only or unisolated_allowed():
        return None
    from certifier.sandbox.isolation import isolation_level

    level = isolation_level()
    if level == "namespaces":
        return None
    return (f"refusing to run connector code without namespace isolation (level {level}): a connector could "
            f"reach the store, the broker and other runs. Fix: {FIX}. For development only, --allow-unisolated "
            f"(or {ALLOW_ENV}=1) overrides this.")


def describe(config) -> str:
    """One line for the startup log: how connector code is contained."""
    if config.static_only:
        return "static-only: no connector code runs"
    from certifier.sandbox.isolation import isolation

    contained = isolation()
    line = (f"connector code isolation: {contained['level']} ({contained['tool']}; limits {contained['limits']}; "
            f"disk quota {contained['disk_quota']})")
    if contained["level"] != "namespaces":
        line += f" -- WITHOUT namespaces, allowed by {ALLOW_ENV} (development only)"
    return line
