"""Artifacts a run computes from content alone (the SBOM text) kept between runs, keyed by that content
and certifier's own version and code, so a warm re-run of the same commit does not compute them again."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from certifier import __version__
from certifier.core.atomic import write_atomic
from certifier.core.paths import code_digest

log = logging.getLogger(__name__)

MAX_ARTIFACT_BYTES = 64 * 1024 * 1024


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
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)  # certifier's own state, never connector-readable
        write_atomic(path, text.encode("utf-8"), mode=0o600)
    except OSError as error:  # a cache that cannot be written costs time, never the result
        log.warning("could not keep %s in the artifact cache: %s", name, error)
    return text
