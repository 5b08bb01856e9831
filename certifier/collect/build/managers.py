"""The package manager of an app, from its lockfile, and the commands that install, build and test with it.

npm ships with node. Yarn and pnpm come through corepack, at the version package.json `packageManager`
pins, else a default that matches the lockfile format. The npm mirror serves packuments without
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
PINNED = re.compile(r"^(yarn|pnpm)@(\d+\.\d+\.\d+)(?:\+[\w.-]+)?$")
DEFAULT_VERSIONS = {"yarn-classic": "1.22.22", "yarn-berry": "4.5.3", "pnpm-9": "9.15.0", "pnpm-6": "8.15.9",
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
        if self.name == "npm":
            return ["npm"]
        return ["corepack", f"{self.name}@{self.version}"]

    def install(self, cache: Path) -> list[str]:
        """The install, with every script disabled: it runs with the network, so no connector code may run
        in it (certifier.collect.build.lifecycle runs the scripts afterwards, offline)."""
        if self.name == "npm":
            return ["npm", "ci" if self.lockfile else "install", "--ignore-scripts", "--no-audit", "--no-fund"]
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
    for name, lockfile in LOCKFILES:
        path = install_dir / lockfile
        if not path.is_file():
            continue
        if name == "npm":
            return PackageManager("npm", lockfile)
        head = _head(path)
        corepack = {"COREPACK_INTEGRITY_KEYS": "0", "COREPACK_ENABLE_STRICT": "0",
                    "COREPACK_NPM_REGISTRY": npm_registry().rstrip("/")}
        if name == "yarn":
            berry = "__metadata:" in head
            version = pinned.get("yarn") or DEFAULT_VERSIONS["yarn-berry" if berry else "yarn-classic"]
            return PackageManager("yarn", lockfile, version, berry=berry, env=corepack)
        major = re.search(r"lockfileVersion:\s*'?(\d+)", head)
        default = DEFAULT_VERSIONS.get(f"pnpm-{major.group(1) if major else '9'}", DEFAULT_VERSIONS["pnpm-9"])
        return PackageManager("pnpm", lockfile, pinned.get("pnpm") or default, env=corepack)
    return PackageManager("npm", None)


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
