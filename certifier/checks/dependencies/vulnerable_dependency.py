"""deps.vulnerable-dependency: the packages each app locks, matched against the advisory database."""

from __future__ import annotations

from collections.abc import Iterator

from certifier.checks.dependencies._shared import app_dir, lockfiles_under
from certifier.checks.dependencies._unlocked import unlocked_finding, without_lockfile
from certifier.checks.dependencies._vulnerabilities import audit_lockfiles
from certifier.checks.registry import Scope, check
from certifier.core.app_types import APP_TYPES
from certifier.collect.context import CheckContext
from certifier.core.model import Finding, Location, Severity, Stage

CHECK_ID = "deps.vulnerable-dependency"
REPO_CHECK = "deps.vulnerable-dependency-repo"


@check(
    id=CHECK_ID,
    version="1.1.0",
    stage=Stage.DEPENDENCIES,
    title="App dependencies have no known vulnerabilities",
    rationale="The official SCA gate scans every lockfile, dev dependencies included, and fails on a HIGH or "
    "CRITICAL advisory that has a fix. The certifier matches each locked version against an OSV advisory "
    "database (offline by default) and also reports unfixable CRITICAL advisories, which certification "
    "blocks. A lockfile that cannot be parsed is not audited: an error, never a clean result. An app that "
    "declares registry dependencies but commits no lockfile is a Warning that needs review: the platform "
    "itself does not block it (its buildpack then installs with `npm install` and its scan finds no lockfile "
    "to fail), so preview and publish do not either; certification vouches for audited dependencies, which "
    "such an app cannot have, so a reviewer decides. Several advisories of one package version, and the "
    "same version in several lockfiles of the app, are one finding with the lowest version that fixes them "
    "all. Merchant Center apps are excluded from the official gate.",
    remediation="Upgrade each affected package to its fixed version (for a transitive one, upgrade its parent "
    "or use npm `overrides` / yarn `resolutions`) and regenerate the lockfile.",
    severity=Severity.ERROR,
    scope=Scope.APP,
    app_types=APP_TYPES,
    budget_s=120.0,
)
def vulnerable_dependency(ctx: CheckContext) -> Iterator[Finding]:
    folder = app_dir(ctx)
    paths = lockfiles_under(ctx, folder)
    if not paths:
        unlocked = without_lockfile(ctx, folder, REPO_CHECK)
        if unlocked.unpinned:
            yield unlocked_finding(unlocked)
        else:
            yield Finding(message=unlocked.reason, severity=Severity.INFO, rule="nothing-to-audit",
                          location=Location(path=folder), key="nothing-to-audit")
        return
    yield from audit_lockfiles(ctx, paths, CHECK_ID)
