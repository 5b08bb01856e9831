"""build.install: the app's dependencies install from its lockfile (npm ci / yarn / pnpm --frozen-lockfile)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from certifier.collect.build import InstallProblem
from certifier.collect.build.classify import error_lines
from certifier.collect.build.settings import CHECK_BUDGET_S
from certifier.checks.build._common import evidence, node_build, package_json_location, seconds
from certifier.checks.registry import CheckCannotRun, Scope, check
from certifier.connector.files import read_text
from certifier.core.app_types import APP_TYPES
from certifier.collect.context import CheckContext
from certifier.core.model import Finding, Location, Severity, Stage

NPM_LOCKFILES = ("package-lock.json", "npm-shrinkwrap.json")
LOCKFILE_LIMIT = 64 * 1024 * 1024
MOST_PACKAGES = 5


@check(
    id="build.install",
    version="1.1.0",
    stage=Stage.BUILD,
    title="Dependencies install from the lockfile",
    rationale="The platform builds each app with the buildpack, which installs exactly what the lockfile says. "
    "An install that fails (lockfile out of sync, invalid package.json, conflicting dependencies, failing "
    "install script) fails the deployment. Registry or network failures say nothing about the connector and "
    "end in `error` (could not decide). The install runs with scripts disabled; the install scripts it skipped run "
    "next without any network, and the result names them.",
    remediation="Run `npm install` (or `yarn install` / `pnpm install`), commit the updated lockfile, and check "
    "that `npm ci` succeeds from a clean clone.",
    severity=Severity.ERROR,
    scope=Scope.APP,
    app_types=APP_TYPES,
    budget_s=CHECK_BUDGET_S,
)
def install(ctx: CheckContext) -> Iterator[Finding]:
    build = node_build(ctx)
    result = build.install
    if build.install_problem is InstallProblem.ENVIRONMENT:
        details = error_lines(result.stdout + "\n" + result.stderr, limit=6)
        raise CheckCannotRun(f"could not decide: {build.install_reason}" + (f"\n{details}" if details else ""))
    proof = evidence(build, "install", result)
    where = Location(path=build.lockfile) if build.lockfile else package_json_location(ctx)
    if build.install_problem is InstallProblem.CONNECTOR:
        out_of_sync = "out of sync" in build.install_reason
        yield Finding(
            message=f"App {build.app}: `{proof['command']}` failed: {build.install_reason}",
            severity=Severity.ERROR,
            location=where,
            rule="lockfile-out-of-sync" if out_of_sync else "install-failed",
            key=f"install:{build.install_reason}",
            properties=proof,
            remediation="Regenerate the lockfile with the same package manager (`npm install`), commit it, and "
            "verify with `npm ci` from a clean clone." if out_of_sync else None,
        )
        return
    for note in build.notes:
        if note.startswith("no lockfile"):
            yield Finding(message=f"App {build.app}: {note}", severity=Severity.WARNING, location=where,
                          rule="no-lockfile", key="no-lockfile",
                          remediation="Commit the lockfile (package-lock.json or yarn.lock) of the app.")
    offline = offline_scripts(build.offline_scripts, _install_script_packages(ctx, build.lockfile))
    if offline:
        proof["offline_scripts"] = list(build.offline_scripts)
    yield Finding(message=f"App {build.app}: `{proof['command']}` installed the dependencies in {seconds(result)}"
                  + (f"; {offline}" if offline else ""),
                  severity=Severity.INFO, location=where, rule="installed", key="installed", properties=proof)


def offline_scripts(names: tuple[str, ...], packages: tuple[str, ...] = ()) -> str:
    """What the report says about the scripts run offline, e.g. "scripts run offline after an install without
    scripts: npm rebuild (install scripts of esbuild), prepare"; '' when none ran."""
    if not names:
        return ""
    shown = [f"{name} (install scripts of {_listing(packages)})" if name.endswith(" rebuild") and packages
             else name for name in names]
    return "scripts run offline after an install without scripts: " + ", ".join(shown)


def _listing(packages: tuple[str, ...], most: int = MOST_PACKAGES) -> str:
    more = len(packages) - most
    return ", ".join(packages[:most]) + (f" and {more} more" if more > 0 else "")


def _install_script_packages(ctx: CheckContext, lockfile: str | None) -> tuple[str, ...]:
    """The packages an npm lockfile (v2+) marks with install scripts (`hasInstallScript`); () for other
    lockfiles or when it cannot be read (the names only explain `npm rebuild`, they decide nothing)."""
    if not lockfile or lockfile.rsplit("/", 1)[-1] not in NPM_LOCKFILES:
        return ()
    text = read_text(ctx.root, lockfile, limit=LOCKFILE_LIMIT)
    try:
        packages = json.loads(text).get("packages") if text else None
    except (ValueError, AttributeError):
        return ()
    if not isinstance(packages, dict):
        return ()
    names = {key.rsplit("node_modules/", 1)[-1] for key, entry in packages.items()
             if key and isinstance(entry, dict) and entry.get("hasInstallScript") is True}
    return tuple(sorted(names))
