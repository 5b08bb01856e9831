"""Build settings: per-step budgets and the package cache shared across apps and runs.

Budgets come from RunOptions.extra["build"] (programmatic runs) or CERTIFIER_BUILD_<STEP>_S (CLI, tests),
else the defaults below. The runner enforces them per command: a hung `npm test` is killed and reported.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from certifier.sandbox.runner import Limits

DEFAULT_BUDGETS_S = {"install": 600.0, "build": 600.0, "test": 600.0}
CHECK_BUDGET_S = sum(DEFAULT_BUDGETS_S.values()) + 120  # every build check waits for the whole memoised build


@dataclass(frozen=True)
class BuildSettings:
    budgets_s: dict[str, float]
    cache_dir: Path

    def limits(self, step: str) -> Limits:
        return Limits(wall_s=self.budgets_s[step])


def settings(extra: Mapping[str, Any] | None = None) -> BuildSettings:
    given = dict((extra or {}).get("build", {}) or {})
    budgets = {}
    for step, default in DEFAULT_BUDGETS_S.items():
        value = given.get(f"{step}_s", os.environ.get(f"CERTIFIER_BUILD_{step.upper()}_S", default))
        try:
            budgets[step] = max(float(value), 1.0)
        except (TypeError, ValueError):
            budgets[step] = default
    return BuildSettings(budgets_s=budgets, cache_dir=shared_cache_dir())


def shared_cache_dir() -> Path:
    """The package cache every build shares (npm, yarn, corepack; Maven's repository beside it).

    CERTIFIER_PACKAGE_CACHE, else CERTIFIER_CACHE_DIR/packages, else (root) /var/cache/certifier/packages
    (a cache under /root could not be reached by the unprivileged build user), else ~/.cache/certifier/packages.
    """
    if os.environ.get("CERTIFIER_PACKAGE_CACHE"):
        return Path(os.environ["CERTIFIER_PACKAGE_CACHE"])
    if os.environ.get("CERTIFIER_CACHE_DIR"):
        return Path(os.environ["CERTIFIER_CACHE_DIR"]) / "packages"
    if os.geteuid() == 0:
        return Path("/var/cache/certifier/packages")
    return Path.home() / ".cache" / "certifier" / "packages"
