"""deps.sbom: a CycloneDX SBOM of every package locked anywhere in the repository, kept with the reports."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

from certifier.collect.advisories.model import LockfileError
from certifier.collect.advisories.sbom import Subject, build_bom, render
from certifier.collect.artifacts import reuse_or_make
from certifier.checks.dependencies._shared import all_lockfiles, parsed_all
from certifier.checks.registry import CheckCannotRun, Scope, check
from certifier.collect.context import CheckContext
from certifier.core.model import Finding, Location, Severity, Stage
from certifier.source.checkout import Checkout

ARTIFACT = "sbom.cdx.json"


@check(
    id="deps.sbom",
    version="1.0.0",
    stage=Stage.DEPENDENCIES,
    title="Software bill of materials (CycloneDX)",
    rationale="Reviewers and the marketplace need the exact inventory of what a certified version ships: "
    "every locked package with its version, licence, integrity hash and whether it is a development "
    "dependency, as a standard CycloneDX 1.6 document linked from the reports.",
    remediation="Commit a lockfile for every app so that the SBOM is complete.",
    severity=Severity.WARNING,
    scope=Scope.CONNECTOR,
    budget_s=120.0,
    cacheable=False,  # the SBOM file is its product: a cached result would leave the run without it
    # (its text is reused from the artifact cache instead: reuse_or_render)
)
def sbom(ctx: CheckContext) -> Iterator[Finding]:
    session = ctx.options.session
    if session is None:
        raise CheckCannotRun("no run session: the SBOM has no place to be written")
    paths = all_lockfiles(ctx)
    parsed = parsed_all(ctx, paths)
    packages = [p for item in parsed if not isinstance(item, LockfileError) for p in item.packages]
    text = reuse_or_render(ctx, lambda: render(build_bom(subject_of(ctx.checkout), packages)))
    target = Path(session.workspace) / "deps" / ARTIFACT
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    session.add_artifact(ARTIFACT, target)
    for item in parsed:
        if isinstance(item, LockfileError):
            yield Finding(message=f"The SBOM lacks the packages of {item.path}: {item.problem}",
                          severity=Severity.WARNING, location=Location(path=item.path, line=item.line),
                          rule="incomplete", key=f"incomplete {item.path}")
    components = len({(p.ecosystem, p.key, p.version) for p in packages})
    yield Finding(
        message=f"CycloneDX 1.6 SBOM {ARTIFACT}: {components} components from {len(paths)} lockfile(s)",
        severity=Severity.INFO, rule="written", key="written",
        properties={"artifact": ARTIFACT, "components": components, "lockfiles": paths[:100],
                    "sha256": hashlib.sha256(text.encode()).hexdigest()},
    )


def reuse_or_render(ctx: CheckContext, make: Callable[[], str]) -> str:
    """The SBOM of this commit from the artifact cache, else `make()` (kept there for the next run).

    Rendering 1,500 components takes ~2 s; a warm re-run of the same commit should not pay it again.
    The key names the commit's tree, the subject and certifier's code, so a cached SBOM is the one
    this code would write now (except its creation timestamp and serial number, which it keeps)."""
    checkout = ctx.checkout
    if not checkout.tree or checkout.dirty:  # no content identity to key it by
        return make()
    subject = subject_of(checkout)
    return reuse_or_make(ctx.options.artifact_cache, ARTIFACT,
                         [checkout.tree, subject.name, subject.version, subject.identity], make)


def subject_of(checkout: Checkout) -> Subject:
    name = Path(checkout.source.rstrip("/")).name.removesuffix(".git") or checkout.path.name
    version = checkout.tag or (checkout.commit[:12] if checkout.commit else "working-tree")
    return Subject(name=name or "connector", version=version,
                   identity=f"{checkout.source}@{checkout.commit or ''}:{checkout.tree or ''}")
