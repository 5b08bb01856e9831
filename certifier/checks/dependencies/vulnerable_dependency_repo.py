"""deps.vulnerable-dependency-repo: lockfiles outside the app folders (root workspaces, common modules,
tooling), which the official SCA scans too (it walks the whole repository)."""

from __future__ import annotations

from collections.abc import Iterator

from certifier.checks.dependencies._shared import repo_lockfiles
from certifier.checks.dependencies._vulnerabilities import audit_lockfiles
from certifier.checks.registry import Scope, check
from certifier.core.errors import NotApplicable
from certifier.collect.context import CheckContext
from certifier.core.model import Finding, Severity, Stage

CHECK_ID = "deps.vulnerable-dependency-repo"


@check(
    id=CHECK_ID,
    version="1.1.0",
    stage=Stage.DEPENDENCIES,
    title="Repository lockfiles outside the apps have no known vulnerabilities",
    rationale="The official SCA is a filesystem scan of the whole repository: a root workspace lockfile, a "
    "common module's lockfile or a tooling requirements file fails the gate like an app's own lockfile.",
    remediation="Upgrade each affected package to its fixed version and regenerate the lockfile, or delete "
    "lockfiles that nothing uses.",
    severity=Severity.ERROR,
    scope=Scope.CONNECTOR,
    budget_s=120.0,
)
def vulnerable_dependency_repo(ctx: CheckContext) -> Iterator[Finding]:
    paths = repo_lockfiles(ctx)
    if not paths:
        raise NotApplicable("no lockfile outside the app folders")
    yield from audit_lockfiles(ctx, paths, CHECK_ID)
