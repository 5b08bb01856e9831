"""Install scripts run offline: the package manager installs with scripts disabled (it needs the registry),
then the scripts it skipped run in a second command without any network (issue 10).

Which scripts the package manager would have run:
  * the dependencies' install scripts (preinstall, install, postinstall; node-gyp builds): `npm rebuild`
    (npm and Yarn classic trees, npm 11 also runs the root package's preinstall/install/postinstall
    there), `pnpm rebuild`, `yarn rebuild` (Yarn 2+);
  * the app's own lifecycle scripts, in the order the install runs them, each alone (`npm run
    --ignore-scripts NAME` runs NAME without its pre/post hooks, which are listed separately).
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from certifier.collect.build.managers import PackageManager

# the root scripts each manager's install runs, in order
ROOT_SCRIPTS = {
    "npm": ("prepublish", "preprepare", "prepare", "postprepare"),  # npm rebuild ran pre/install/postinstall
    "yarn": ("preinstall", "install", "postinstall", "prepublish", "prepare"),
    "pnpm": ("preinstall", "install", "postinstall", "prepare"),
    "berry": ("preinstall", "install", "postinstall"),
}
LOCKFILE_LIMIT = 64 * 1024 * 1024


def lifecycle_command(manager: PackageManager, package: dict, install_dir: Path,
                      cache: Path | None = None) -> tuple[list[str], tuple[str, ...]]:
    """(argv, the names of what it runs) for the skipped install scripts; ([], ()) when there are none.
    `cache` is the package cache the install used (pnpm's rebuild must name the same store)."""
    scripts = package.get("scripts") if isinstance(package.get("scripts"), dict) else {}
    kind = "berry" if manager.berry else manager.name
    root = [name for name in ROOT_SCRIPTS[kind] if isinstance(scripts.get(name), str)]
    steps: list[str] = []
    names: list[str] = []
    rebuild = _rebuild(manager, install_dir, cache)
    if rebuild:
        steps.append(shlex.join(rebuild))
        names.append(" ".join(rebuild[:2] if rebuild[0] == "npm" else [manager.name, "rebuild"]))
    run = [*manager.program(), "run"] if kind == "berry" else ["npm", "run", "--ignore-scripts"]
    for name in root:
        steps.append(shlex.join([*run, name]))
        names.append(name)
    if not steps:
        return [], ()
    return ["sh", "-c", "set -e\n" + "\n".join(steps)], tuple(names)


def _rebuild(manager: PackageManager, install_dir: Path, cache: Path | None) -> list[str] | None:
    if manager.name == "npm":
        return ["npm", "rebuild", "--foreground-scripts"] if _npm_has_install_scripts(manager, install_dir) else None
    if manager.name == "pnpm":  # else it refuses: node_modules were linked from another store
        return [*manager.program(), "rebuild", *(["--store-dir", str(cache / "_pnpm")] if cache else [])]
    if manager.berry:
        return [*manager.program(), "rebuild"]
    return ["npm", "rebuild", "--foreground-scripts"]  # Yarn classic lays out node_modules as npm does


def _npm_has_install_scripts(manager: PackageManager, install_dir: Path) -> bool:
    """npm lockfiles v2+ mark packages with install scripts (`hasInstallScript`); the root's own
    preinstall/install/postinstall count too. Without a readable lockfile: assume there are some."""
    package = _json(install_dir / "package.json") or {}
    scripts = package.get("scripts") if isinstance(package.get("scripts"), dict) else {}
    if any(isinstance(scripts.get(name), str) for name in ("preinstall", "install", "postinstall")):
        return True
    lock = _json(install_dir / manager.lockfile) if manager.lockfile else None
    packages = lock.get("packages") if isinstance(lock, dict) else None
    if not isinstance(packages, dict):
        return True
    return any(isinstance(entry, dict) and entry.get("hasInstallScript") for entry in packages.values())


def _json(path: Path) -> dict | None:
    try:
        with open(path, "rb") as handle:
            data = json.loads(handle.read(LOCKFILE_LIMIT))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
