"""An app without a lockfile of its own: locked by its workspace root, nothing to audit, or dependencies no
one can audit. The last is the connector's own defect, a finding (never `error`): a retry cannot help."""

from __future__ import annotations

from dataclasses import dataclass

from certifier.collect.advisories.config import bounded, limit
from certifier.collect.advisories.manifests import python_declared
from certifier.checks.dependencies._shared import workspace_lockfiles
from certifier.connector.files import files_under, join, load_package_json
from certifier.checks.registry import CheckCannotRun
from certifier.core.errors import NotApplicable
from certifier.collect.context import CheckContext
from certifier.core.file_kinds import file_kind
from certifier.core.model import Confidence, Finding, Location, Severity

LOCAL_PROTOCOLS = ("file:", "link:", "workspace:", "portal:")
GROUPS = ("dependencies", "devDependencies", "optionalDependencies")
NO_LOCKFILE = "no-lockfile"
REMEDIATION = {
    "npm": "Commit the lockfile of the package manager the app uses: package-lock.json (`npm install`), "
           "yarn.lock (`yarn install`) or pnpm-lock.yaml (`pnpm install`), then regenerate it on every "
           "dependency change.",
    "PyPI": "Commit a lock of the Python dependencies: poetry.lock (`poetry lock`) or a requirements.txt that "
            "pins every package with `==` (`pip freeze` / `pip-compile`).",
}


@dataclass(frozen=True)
class Unlocked:
    """What an app without a lockfile declares: nothing from a registry (nothing to audit), or `unpinned`
    registry dependencies whose versions no file fixes (they cannot be audited)."""

    reason: str
    unpinned: tuple[str, ...] = ()
    manifest: str | None = None  # the file that declares them
    ecosystem: str = "npm"


def without_lockfile(ctx: CheckContext, folder: str, auditor: str) -> Unlocked:
    """What an app with no lockfile under its folder declares; NotApplicable when a workspace root's lockfile
    governs it, CheckCannotRun only for what certifier cannot audit at all (Maven)."""
    name = ctx.app.name if ctx.app else folder
    files = set(files_under(ctx.checkout.files, folder))
    if join(folder, "package.json") in files:
        return _node(ctx, folder, name, auditor)
    if join(folder, "pom.xml") in files:
        raise CheckCannotRun(f"{name} is a Maven app: its pom.xml dependencies are not audited (the advisory "
                             "database covers npm and PyPI; Maven is not supported)")
    declared = sorted(python_declared(ctx.root, folder).names())
    if declared:
        return Unlocked(_unlocked_reason(name, declared, "lock (poetry.lock or a fully pinned requirements.txt)"),
                        tuple(declared), join(folder, "pyproject.toml"), "PyPI")
    return Unlocked(f"{name} declares no npm or Python dependencies: nothing to audit")


def _node(ctx: CheckContext, folder: str, name: str, auditor: str) -> Unlocked:
    parsed = load_package_json(ctx.root, join(folder, "package.json"), limit("lockfile_bytes"))
    if parsed.data is None:
        raise NotApplicable(f"{name}'s package.json cannot be read ({parsed.problem}): reported by struct.package-json")
    remote = sorted({n for group in GROUPS for n, v in _map(parsed.data.get(group)).items()
                     if not v.startswith(LOCAL_PROTOCOLS)})
    if not remote:
        return Unlocked(f"{name} declares no registry dependencies in package.json: nothing to audit")
    governing = workspace_lockfiles(ctx, folder)
    if governing:
        raise NotApplicable(f"{name} is a workspace member locked by {', '.join(governing)}, audited by {auditor}")
    return Unlocked(_unlocked_reason(name, remote, "lockfile"), tuple(remote), join(folder, "package.json"))


def _unlocked_reason(name: str, declared: list[str], lock: str) -> str:
    return (f"{name} declares {len(declared)} registry dependencies ({bounded(declared)}) but commits no "
            f"{lock}: the versions a build installs are not fixed, so they cannot be audited")


def unlocked_finding(unlocked: Unlocked) -> Finding:
    """The connector's defect: dependencies that no lockfile pins.

    Not blocking before certification, because the platform does not block it either: its buildpack
    installs such an app with `npm install` (newest versions in range) and its dependency scan reads
    lockfiles, so there is nothing for it to fail. Certification vouches that the dependencies were
    audited, which they cannot be: a reviewer decides (needs review) unless the author commits a lockfile."""
    path = unlocked.manifest or ""
    return Finding(
        message=unlocked.reason,
        severity=Severity.WARNING,
        location=Location(path=path),
        rule=NO_LOCKFILE,
        key=NO_LOCKFILE,
        remediation=REMEDIATION.get(unlocked.ecosystem, REMEDIATION["npm"]),
        needs_review=True,
        confidence=Confidence.HIGH,
        confidence_reason="the repository has no lockfile for these dependencies",
        file_kind=file_kind(path),
        properties={"ecosystem": unlocked.ecosystem, "unpinned": list(unlocked.unpinned[:200])},
    )


def _map(value) -> dict[str, str]:
    return {k: v for k, v in value.items() if isinstance(v, str)} if isinstance(value, dict) else {}
