"""Environments for child processes, built from an allowlist: nothing of os.environ passes by default.

The certifier may hold credentials (registry tokens, cloud keys, webhook secrets) in its own environment;
connector code and our tools get a fresh environment with only what a build needs.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from certifier.core.locate import locate

STANDARD_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
# Paths to CA bundles (the package mirror presents its own CA): file names, never secrets.
CA_VARIABLES = ("NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "PIP_CERT")
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy")
SECRET_KEY = re.compile(r"SECRET|TOKEN|PASSWORD|PASSWD|KEY|CREDENTIAL|PRIVATE", re.IGNORECASE)
# npmrc keys that say where packages come from; everything else (auth tokens above all) stays behind
NPMRC_KEYS = re.compile(r"^\s*(registry|@[\w.-]+:registry|cafile|ca|strict-ssl|omit-lockfile-registry-resolved"
                        r"|fetch-retries|fetch-retry-[a-z]+|fetch-timeout|prefer-offline)\s*=")
NPMRC_CREDENTIALS = re.compile(r"_auth|_password|username|email|certfile|keyfile|://[^/\s]*@", re.IGNORECASE)


def executable_path() -> str:
    """A normalised PATH: the standard system directories, plus where our node lives if elsewhere."""
    dirs = list(STANDARD_PATH)
    node = locate("node")
    if node and str(Path(node).parent) not in dirs:
        dirs.append(str(Path(node).parent))
    return ":".join(dirs)


def base_env(home: Path, tmp: Path) -> dict[str, str]:
    env = {
        "PATH": executable_path(),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
        "HOME": str(home),
        "TMPDIR": str(tmp),
        "TMP": str(tmp),
        "TEMP": str(tmp),
        "CI": "true",
        "NO_UPDATE_NOTIFIER": "1",
    }
    for name in CA_VARIABLES:
        if os.environ.get(name):
            env[name] = os.environ[name]
    for name in PROXY_VARIABLES:  # a proxy URL with credentials in it is not passed on
        value = os.environ.get(name)
        if value and not urlsplit(value if "://" in value else f"//{value}").password:
            env[name] = value
    return env


def sandbox_env(home: Path, tmp: Path, npm_cache: Path, extra: Mapping[str, str] | None, *,
                private: Path | None = None) -> dict[str, str]:
    """Environment of connector code: the allowlist, npm settings, then the caller's `extra`.

    `private` is the workspace's own cache directory: corepack's downloads and npm's logs live there, so
    nothing a command plants can be run by another workspace; the package cache itself may be shared
    (read-only to connector code, see certifier.sandbox.workspace)."""
    private = private or npm_cache
    env = base_env(home, tmp)
    env.update(
        {
            "npm_config_cache": str(npm_cache),
            "npm_config_logs_dir": str(private / "npm-logs"),
            "npm_config_update_notifier": "false",
            "npm_config_fund": "false",
            "npm_config_audit": "false",
            "npm_config_userconfig": str(home / ".npmrc"),
            "COREPACK_HOME": str(private / "corepack"),
            "COREPACK_ENABLE_DOWNLOAD_PROMPT": "0",
            "YARN_CACHE_FOLDER": str(npm_cache / "_yarn"),
            "YARN_IGNORE_PATH": "1",  # a repository's own yarn binary (yarnPath / yarn-path) is never run
        }
    )
    for key, value in (extra or {}).items():
        if key not in ("HOME", "TMPDIR"):  # the sandbox's own places are not negotiable
            env[str(key)] = str(value)
    return env


def secret_values(env: Mapping[str, str] | None) -> list[str]:
    """Values of variables whose name looks secret (*SECRET*, *TOKEN*, *PASSWORD*, *KEY*): redact them."""
    return [value for key, value in (env or {}).items() if SECRET_KEY.search(key) and value]


def registry_npmrc() -> str:
    """The registry settings of the invoking user's ~/.npmrc (no credentials), for a moved HOME."""
    source = Path(os.environ.get("npm_config_userconfig", Path.home() / ".npmrc"))
    try:
        lines = source.read_text(encoding="utf-8", errors="replace").splitlines()[:500]
    except OSError:
        return ""
    kept = [line for line in lines if NPMRC_KEYS.match(line) and not NPMRC_CREDENTIALS.search(line)]
    return "\n".join(kept) + ("\n" if kept else "")


_tool_home_lock = threading.Lock()
_tool_home: list[Path] = []


def tool_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Base environment for OUR tools (semgrep, detect-secrets, bandit): allowlist + `extra`.

    HOME and TMPDIR point into one private temporary directory per certifier process.
    """
    with _tool_home_lock:
        if not _tool_home:
            _tool_home.append(Path(tempfile.mkdtemp(prefix="certifier-tool-home-")))
        home = _tool_home[0]
    (home / "tmp").mkdir(exist_ok=True)
    env = base_env(home, home / "tmp")
    env.update({str(k): str(v) for k, v in (extra or {}).items()})
    return env
