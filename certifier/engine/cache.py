"""Content-addressed cache of check results: certifying the same commit twice costs almost nothing.

A result is reused only when everything it depends on is the same: the check (id and version), the
connector content (git tree SHA of a clean checkout), the app, the rules digest, the certifier version and
code digest, and the versions of every external tool and data set. Nothing else: neither the stage being
decided nor any run option, since checks report facts and the profile judges them. Results that ended in `error` are never stored (they
are transient by definition), and stages that run connector code are not cached at all (their outcome
depends on registries and timing, not only on content).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

from certifier import __version__
from certifier.core.atomic import write_atomic
from certifier.checks.registry import CheckSpec
from certifier.collect.context import CheckContext
from certifier.core.model import CheckResult, Outcome, Stage
from certifier.core.paths import cache_root, code_digest

log = logging.getLogger(__name__)

CACHEABLE_STAGES = Stage.static()
MAX_ENTRY_BYTES = 8 * 1024 * 1024


def result_cache_dir() -> Path:
    return Path(os.environ.get("CERTIFIER_RESULT_CACHE_DIR", cache_root() / "results"))


class ResultCache:
    def __init__(self, root: Path, environment: dict[str, str]) -> None:
        """`environment`: everything besides content that results depend on (rules digest, tool versions)."""
        self.root = root
        self._environment = json.dumps(environment, sort_keys=True)
        self.hits = 0
        self.misses = 0

    def key(self, spec: CheckSpec, ctx: CheckContext) -> str | None:
        """The cache key of a check on a target, or None when the target has no content identity."""
        checkout = ctx.checkout
        if spec.stage not in CACHEABLE_STAGES or not spec.cacheable or not checkout.tree or checkout.dirty:
            return None
        # Only what changes a check's result: not the stage decided (policy judges results, checks do not)
        # and no run option, so a publish run right after a preview run of the same tag reuses everything.
        parts = [__version__, code_digest(), spec.id, spec.version, checkout.tree, ctx.app.name if ctx.app else "",
                 self._environment]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def get(self, key: str) -> CheckResult | None:
        path = self._path(key)
        try:
            if path.stat().st_size > MAX_ENTRY_BYTES:
                return None
            found = CheckResult.model_validate_json(path.read_bytes())
        except FileNotFoundError:
            self.misses += 1
            return None
        except (OSError, ValueError) as error:  # a corrupt entry is a miss, never a wrong answer
            log.warning("ignoring unreadable cache entry %s: %s", path, error)
            self.misses += 1
            return None
        self.hits += 1
        return found

    def put(self, key: str, result: CheckResult) -> None:
        if result.outcome is Outcome.ERROR:
            return
        path = self._path(key)
        try:
            # private to certifier: connector code (another uid) must neither read nor plant results
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            self.root.chmod(0o700)
            write_atomic(path, result.model_dump_json().encode(), mode=0o600)  # readers never see half an entry
        except OSError as error:
            log.warning("could not write cache entry %s: %s", path, error)

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"
