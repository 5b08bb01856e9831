"""struct.symlinks: no symlink in the repository points outside it (never followed, only read)."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from certifier.checks.registry import Scope, check
from certifier.collect.context import CheckContext
from certifier.core.model import Finding, Location, Severity, Stage


@check(
    id="struct.symlinks",
    version="1.0.0",
    stage=Stage.STRUCTURE,
    title="Symlinks stay inside the repository",
    rationale="A symlink that leaves the repository makes the build read files of whatever machine builds it "
    "(a leak of host files, or a build that differs per machine); the certified source must be self-contained.",
    remediation="Replace the symlink with the file it points to, or point it at a path inside the repository.",
    severity=Severity.ERROR,
    scope=Scope.CONNECTOR,
)
def symlinks(ctx: CheckContext) -> Iterator[Finding]:
    for link, target in sorted(ctx.checkout.symlinks.items()):
        if escapes(link, target):
            yield Finding(
                message=f"Symlink {link} points outside the repository (-> {target[:200]!r})",
                severity=Severity.ERROR,
                location=Location(path=link),
                rule="escape",
                key=link,
                remediation=f"Replace {link} with a copy of what it should contain, or a link inside the repository.",
            )


def escapes(link: str, target: str) -> bool:
    """True when the stored target is absolute or climbs above the repository root (pure, never resolved)."""
    raw = str(target).replace("\\", "/")
    if not raw or raw.startswith("/") or raw.startswith("~") or (len(raw) > 1 and raw[1] == ":"):
        return True
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(link), raw))
    return joined == ".." or joined.startswith("../")
