"""Content-addressed cache of check results: certifying the same commit twice costs almost nothing.

A result is reused only when everything it depends on is the same: the check (id and version), the
connector content (git tree SHA of a clean checkout), the app, the rules digest, the certifier version and
the versions of every external tool and data set. Results that ended in `error` are never stored (they
are transient by definition), and stages that run connector code are not cached at all (their outcome
depends on registries and timing, not only on content).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

from certifier import __version__
from certifier.core.atomic import write_atomic
from certifier.checks.registry import CheckSpec
from certifier.checks.context import CheckContext
from certifier.core.model import CheckResult, Outcome, Stage
from certifier.core.paths import cache_root

log = logging.getLogger(__name__)

CACHEABLE_STAGES = frozenset({Stage.SPECIFICATION, Stage.STRUCTURE, Stage.SECURITY, Stage.DEPENDENCIES})
MAX_ENTRY_BYTES = 8 * 1024 * 1024
MAX_ARTIFACT_BYTES = 64 * 1024 * 1024


def result_cache_dir() -> Path:
    return Path(os.environ.get("CERTIFIER_RESULT_CACHE_DIR", cache_root() / "results"))


@lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 over certifier's own source: changed code never reuses results of the old code, even
    when a check's version was not bumped."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def reuse_or_make(directory: Path | None, name: str, parts: Sequence[str], make: Callable[[], str]) -> str:
    """Text of an artifact (e.g. the SBOM) kept in `directory` under a key of `parts` and certifier's own
    version and code, else `make()`, kept there for the next run. No directory (--no-cache): `make()`."""
    if directory is None:
        return make()
    key = hashlib.sha256("\x1f".join([__version__, code_digest(), name, *parts]).encode()).hexdigest()
    path = directory / f"{key}.{name}"
    try:
        if path.stat().st_size <= MAX_ARTIFACT_BYTES:
            return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass  # absent or unreadable: make it
    text = make()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text.encode("utf-8"))
    except OSError as error:  # a cache that cannot be written costs time, never the result
        log.warning("could not keep %s in the artifact cache: %s", name, error)
    return text


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
        parts = [__version__, code_digest(), spec.id, spec.version, checkout.tree, ctx.app.name if ctx.app else "",
                 ctx.options.stage, json.dumps(ctx.options.extra, sort_keys=True, default=str), self._environment]
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
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, result.model_dump_json().encode())  # concurrent runs never read half an entry
        except OSError as error:
            log.warning("could not write cache entry %s: %s", path, error)

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"
