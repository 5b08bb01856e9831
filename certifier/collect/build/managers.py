"""The package manager of an app, from its lockfile, and the commands that install, build and test with it.

npm, Yarn and pnpm come through corepack for the install, at the version package.json `packageManager`
pins, else a default: for npm the platform's own (not the host's), for Yarn and pnpm one that matches the
lockfile format; the offline scripts run with the host's npm. The npm mirror serves packuments without
signatures, so corepack's signature check is turned off (COREPACK_INTEGRITY_KEYS=0); the download is
still checked against the packument's integrity hash. Corepack fetches from the npm registry
(COREPACK_NPM_REGISTRY; Yarn 2+ would otherwise come from repo.yarnpkg.com): the install may reach
only the package registry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from certifier.sandbox.egress import npm_registry

LOCKFILES = (("npm", "package-lock.json"), ("npm", "npm-shrinkwrap.json"), ("yarn", "yarn.lock"),
             ("pnpm", "pnpm-lock.yaml"))
PINNED = re.compile(r"^(yarn|pnpm|npm)@(\d+\.\d+\.\d+)(?:\+[\w.-]+)?$")
# npm: the one Node 20 and 22 bundle, which the platform's buildpack installs with. Measured on a real
# connector (connect-shipping-integration-ingrid v3.3.5): npm 11's `npm ci` rejects a lockfile that lacks other
# platforms' optional packages, which npm 10 accepts; the host's npm would have made that a false block.
DEFAULT_VERSIONS = {"npm": "10.8.2", "yarn-classic": "1.22.22", "yarn-berry": "4.5.3", "pnpm-9": "9.15.0", "pnpm-6": "8.15.9",
                    "pnpm-5": "7.33.7"}
HEAD_BYTES = 4096


@dataclass(frozen=True)
class PackageManager:
    name: str  # npm | yarn | pnpm
    lockfile: str | None  # file name in the install directory, None without one
    version: str | None = None  # yarn/pnpm version run through corepack
    berry: bool = False  # Yarn 2+ (lockfile with __metadata:)
    env: dict[str, str] = field(default_factory=dict)

    def program(self) -> list[str]:
        if self.name == "npm" and not self.version:
            return ["npm"]
        return ["corepack", f"{self.name}@{self.version}"]

    def install(self, cache: Path) -> list[str]:
        """The install, with every script disabled: it runs with the network, so no connector code may run
        in it (certifier.collect.build.lifecycle runs the scripts afterwards, offline)."""
        if self.name == "npm":
            return [*self.program(), "ci" if self.lockfile else "install", "--ignore-scripts", "--no-audit", "--no-fund"]
        if self.name == "yarn":
            if self.berry:
                return [*self.program(), "install", "--immutable", "--mode=skip-build"]
            return [*self.program(), "install", "--frozen-lockfile", "--non-interactive", "--ignore-scripts",
                    "--mutex", f"file:{cache / '_yarn' / '.mutex'}"]
        # copies, not hard links: a write into node_modules must not reach the shared store
        return [*self.program(), "install", "--frozen-lockfile", "--ignore-scripts", "--ignore-pnpmfile",
                "--package-import-method", "copy", "--store-dir", str(cache / "_pnpm")]

    def run_script(self, script: str) -> list[str]:
        if self.name == "npm":
            return ["npm", "run", script]
        return [*self.program(), "run", script]


def detect(install_dir: Path, package: dict | None) -> PackageManager:
    """The package manager whose lockfile is in `install_dir` (npm first, as the buildpack does)."""
    pinned = _pinned(package)
    corepack = {"COREPACK_INTEGRITY_KEYS": "0", "COREPACK_ENABLE_STRICT": "0",
                "COREPACK_NPM_REGISTRY": npm_registry().rstrip("/")}
    npm_version = pinned.get("npm") or DEFAULT_VERSIONS["npm"]
    for name, lockfile in LOCKFILES:
        path = install_dir / lockfile
        if not path.is_file():
            continue
        if name == "npm":
            return PackageManager("npm", lockfile, npm_version, env=corepack)
        head = _head(path)
        if name == "yarn":
            berry = "__metadata:" in head
            version = pinned.get("yarn") or DEFAULT_VERSIONS["yarn-berry" if berry else "yarn-classic"]
            return PackageManager("yarn", lockfile, version, berry=berry, env=corepack)
        major = re.search(r"lockfileVersion:\s*'?(\d+)", head)
        default = DEFAULT_VERSIONS.get(f"pnpm-{major.group(1) if major else '9'}", DEFAULT_VERSIONS["pnpm-9"])
        return PackageManager("pnpm", lockfile, pinned.get("pnpm") or default, env=corepack)
    return PackageManager("npm", None, npm_version, env=corepack)


def _pinned(package: dict | None) -> dict[str, str]:
    value = (package or {}).get("packageManager")
    match = PINNED.match(value.strip()) if isinstance(value, str) else None
    return {match.group(1): match.group(2)} if match else {}


def _head(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            return handle.read(HEAD_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return ""
