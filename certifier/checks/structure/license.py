"""struct.license: a non-empty licence file at the repository root."""

from __future__ import annotations

from collections.abc import Iterator

from certifier.connector.files import read_file
from certifier.checks.registry import Scope, check
from certifier.connector.structure_rules import matches_any, rule, text_limit
from certifier.collect.context import CheckContext
from certifier.core.model import Finding, Location, Severity, Stage


@check(
    id="struct.license",
    version="1.0.0",
    stage=Stage.STRUCTURE,
    title="Repository has a licence file",
    rationale="Certification requires licence file(s): without one nobody may legally use, change or "
    "redistribute the connector's code.",
    remediation="Add LICENSE (or LICENSE.md, LICENSE.txt, LICENCE*, COPYING*) with the full licence text at the "
    "repository root.",
    severity=Severity.ERROR,
    scope=Scope.CONNECTOR,
)
def license_file(ctx: CheckContext) -> Iterator[Finding]:
    names = licence_files([*ctx.checkout.files, *ctx.checkout.symlinks])
    if not names:
        yield Finding(
            message="The repository has no licence file at its root (LICENSE, LICENSE.md, LICENSE.txt, LICENCE*, "
            "COPYING*)",
            severity=Severity.ERROR,
            location=Location(path="LICENSE"),
            rule="missing",
            remediation="Add LICENSE with the full text of the connector's licence (e.g. MIT, Apache-2.0).",
        )
        return
    problems = [_problem(ctx, name) for name in names]
    if all(problems):  # one good licence file is enough
        for name, problem in zip(names, problems, strict=True):
            yield Finding(
                message=f"Licence file {name} {problem}",
                severity=Severity.ERROR,
                location=Location(path=name),
                rule="empty" if "empty" in problem else "unreadable",
                remediation=f"Put the full licence text in {name}.",
            )


def licence_files(paths: list[str]) -> list[str]:
    """Root-level files whose name is a licence name (case-insensitive), sorted."""
    patterns = rule("license", "names")
    return sorted(p for p in set(paths) if "/" not in p and matches_any(p, patterns))


def _problem(ctx: CheckContext, name: str) -> str | None:
    read = read_file(ctx.root, name, text_limit())
    if read.text is None:
        return read.problem if "larger" not in str(read.problem) else None  # a huge licence is still a licence
    return None if read.text.strip() else "is empty"
