"""Versions of every external program a run may use, recorded in each report.

Asking a program its version costs up to two seconds (semgrep starts a runtime), which would dominate a
cached re-run: answers are kept on disk per executable, keyed by its path, size and modification time.
"""

from __future__ import annotations

import json
import platform
import subprocess
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

from certifier.core.atomic import write_atomic
from certifier.core.paths import cache_root
from certifier.core.locate import locate

# program -> arguments that print its version on the first line
PROGRAMS: dict[str, tuple[str, ...]] = {
    "git": ("git", "--version"),
    "node": ("node", "--version"),
    "npm": ("npm", "--version"),
    "semgrep": ("semgrep", "--version"),
    "detect-secrets": ("detect-secrets", "--version"),
    "bandit": ("bandit", "--version"),
}
# SEMGREP_ENABLE_VERSION_CHECK=0: otherwise semgrep waits ~98 s on DNS for its update check
_PROBE_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "SEMGREP_ENABLE_VERSION_CHECK": "0", "LANG": "C.UTF-8"}


@lru_cache(maxsize=1)
def tool_versions() -> dict[str, str]:
    remembered = _load_remembered()
    located = {name: locate(argv[0]) for name, argv in PROGRAMS.items()}
    identities = {name: _identity(path) for name, path in located.items()}
    missing = [name for name in PROGRAMS if identities[name] not in remembered]
    with ThreadPoolExecutor(max_workers=max(1, len(missing))) as pool:  # each probe starts a runtime
        fresh = dict(zip(missing, pool.map(lambda n: _first_line(located[n], PROGRAMS[n]), missing)))
    if fresh:
        _remember({**remembered, **{identities[name]: version for name, version in fresh.items()}})
    versions = {name: fresh.get(name) or remembered[identities[name]] for name in PROGRAMS}
    return {"python": platform.python_version(), **versions, **_pinned_packages()}


def _pinned_packages() -> dict[str, str]:
    """Versions of the npm packages certifier ships pinned (the platform emulator of the local preview)."""
    from certifier.collect.preview.emulator import emulator_version

    return {"commercetools-emulator": emulator_version()}


def _identity(path: Path | None) -> str:
    if path is None:
        return "absent"
    try:
        stat = path.resolve().stat()
    except OSError:
        return f"unreadable:{path}"
    return f"{path}|{stat.st_size}|{stat.st_mtime_ns}"


def _first_line(program: Path | None, argv: tuple[str, ...]) -> str:
    if program is None:
        return "not installed"
    try:
        done = subprocess.run([str(program), *argv[1:]], capture_output=True, text=True, timeout=30,
                              check=False, env=_PROBE_ENV)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"unknown ({type(error).__name__})"
    text = (done.stdout or done.stderr).strip().splitlines()
    return text[0][:200] if text else "unknown"


def _store() -> Path:
    return cache_root() / "tool-versions.json"


def _load_remembered() -> dict[str, str]:
    try:
        data = json.loads(_store().read_text())
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(data, dict) else {}


def _remember(entries: dict[str, str]) -> None:
    path = _store()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(entries, sort_keys=True).encode())
    except OSError:
        pass  # a cache that cannot be written only costs time
