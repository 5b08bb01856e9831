"""Small helpers shared by the lockfile parsers."""

from __future__ import annotations

from typing import Any

from certifier.collect.advisories.config import limit
from certifier.collect.advisories.model import LockfileError


def license_text(value: Any) -> str | None:
    """A package's declared licence as one string: SPDX text, or the legacy {type} / [{type}] forms."""
    if isinstance(value, str):
        return value.strip()[:500] or None
    if isinstance(value, dict):
        return license_text(value.get("type"))
    if isinstance(value, list):
        parts = [t for item in value[:20] if (t := license_text(item))]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else " OR ".join(f"({p})" if " " in p else p for p in parts)
    return None


def is_registry_url(resolved: Any) -> bool:
    return isinstance(resolved, str) and resolved.startswith(("https://", "http://"))


def check_count(path: str, count: int) -> None:
    if count > limit("packages_per_lockfile"):
        raise LockfileError(path, f"lists more than {limit('packages_per_lockfile')} packages: not audited")


def string_map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, str)}


def folder_of(path: str) -> str:
    return path.rpartition("/")[0]
