"""Where the data directories are: rules/ (schemas, profiles, rule packs), report_templates/ and
tools-requirements.txt. An installed wheel carries them in certifier/_data/ (copied there by setup.py at build
time); a source checkout or an editable install reads them at the top of the repository."""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

_SOURCE_ROOT = Path(__file__).resolve().parents[2]
_PACKAGE_DATA = Path(__file__).resolve().parents[1] / "_data"


@lru_cache(maxsize=1)
def data_root() -> Path:
    """The folder holding rules/, report_templates/ and tools-requirements.txt for this installation."""
    return _PACKAGE_DATA if (_PACKAGE_DATA / "rules").is_dir() else _SOURCE_ROOT


def rules_dir() -> Path:
    """rules/ of this installation (CERTIFIER_RULES_DIR overrides it, for tests of other rule sets)."""
    return _rules_dir(os.environ.get("CERTIFIER_RULES_DIR"))


@lru_cache(maxsize=8)
def _rules_dir(override: str | None) -> Path:  # asked for thousands of times a run: one Path per value
    return Path(override) if override else data_root() / "rules"


def cache_root() -> Path:
    """Caches of certifier (results, tool versions, kept checkouts, package downloads, the emulator)."""
    return Path(os.environ.get("CERTIFIER_CACHE_DIR", Path.home() / ".cache" / "certifier"))


def templates_dir() -> Path:
    return data_root() / "report_templates"


def tools_requirements() -> Path:
    """The pinned external scanners (semgrep, detect-secrets, bandit) `certifier tools install` installs."""
    return data_root() / "tools-requirements.txt"


@lru_cache(maxsize=4)
def _digest_of(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def rules_digest() -> str:
    """SHA-256 over every file of rules/: a report names exactly the rule set that produced it."""
    return _digest_of(rules_dir())


@lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 over certifier's own source: changed code never reuses results of the old code, even
    when a check's version was not bumped."""
    package = _SOURCE_ROOT / "certifier"
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
