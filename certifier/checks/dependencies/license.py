"""deps.license: the licences of each app's locked dependencies, as facts (the profile's lists judge them)."""

from __future__ import annotations

from collections.abc import Iterator

from certifier.collect.advisories.config import bounded
from certifier.collect.advisories.model import LockfileError
from certifier.checks.dependencies._licensing import findings_from, with_metadata
from certifier.checks.dependencies._shared import app_dir, lockfiles_under, parsed_all, workspace_lockfiles
from certifier.checks.dependencies._unlocked import without_lockfile
from certifier.checks.registry import CheckCannotRun, Scope, check
from certifier.core.app_types import APP_TYPES
from certifier.collect.context import CheckContext
from certifier.core.model import Finding, Location, Severity, Stage


@check(
    id="deps.license",
    version="1.1.0",
    stage=Stage.DEPENDENCIES,
    title="Dependency licences are known and acceptable",
    rationale="Certification requires open-source dependencies with known licences "
    "(docs/connectors.md#certification-requirements). A strong "
    "copyleft licence can oblige the publisher to release the connector's source; an unknown or proprietary "
    "one cannot be judged; a licence the policy denies must not ship. Licences come from the lockfile "
    "(package-lock v2/v3 record them) and package metadata in the checkout; development dependencies do not "
    "ship. The check reports every licence that is not permissive, with its SPDX ids and category; the "
    "profile's allow and deny lists are applied by the decision.",
    remediation="Replace dependencies whose licence is denied, strong copyleft or unknown, or have a reviewer "
    "accept them.",
    severity=Severity.WARNING,
    scope=Scope.APP,
    app_types=APP_TYPES,
    budget_s=60.0,
)
def dependency_licenses(ctx: CheckContext) -> Iterator[Finding]:
    folder = app_dir(ctx)
    paths = lockfiles_under(ctx, folder) or workspace_lockfiles(ctx, folder)
    if not paths:
        unlocked = without_lockfile(ctx, folder, "deps.license")
        yield Finding(message=unlocked.reason, severity=Severity.INFO, rule="nothing-to-check",
                      location=Location(path=folder), key="nothing-to-check")
        return
    files = frozenset(ctx.checkout.files)
    findings: list[Finding] = []
    failed: list[str] = []
    for item in parsed_all(ctx, paths):
        if isinstance(item, LockfileError):
            failed.append(str(item))
            continue
        findings.extend(findings_from(item, with_metadata(ctx.root, files, item)))
    if failed and not any(f.severity is Severity.ERROR for f in findings):
        raise CheckCannotRun("licences not checked: " + bounded(failed))
    yield from findings
    if failed:
        yield Finding(message="Licences not checked: " + bounded(failed), severity=Severity.WARNING,
                      rule="not-checked", key="not-checked", location=Location(path=paths[0]))
