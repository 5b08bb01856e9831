"""struct.node-engine: the Node version an app asks for (`engines.node`, `.nvmrc`) is a supported one."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from certifier.connector.files import read_file
from certifier.connector.package_json import PackageJson, line_of_key
from certifier.checks.registry import Scope, check
from certifier.core.app_types import APP_TYPES
from certifier.checks.structure._app import AppTree, app_tree, node_package
from certifier.connector.structure_rules import rule
from certifier.checks.structure.node_range import NodeRange, RangeError, parse_range, parse_version
from certifier.collect.context import CheckContext
from certifier.core.model import Finding, Location, Severity, Stage


@dataclass(frozen=True)
class Requirement:
    """One statement of the wanted Node version: where it is and what it says."""

    source: str  # "engines.node" or ".nvmrc"
    location: Location
    text: str
    is_text: bool = True  # False when package.json holds a number, list, ... instead of a string


@check(
    id="struct.node-engine",
    version="1.0.0",
    stage=Stage.STRUCTURE,
    title="App asks for a supported Node version",
    rationale="The buildpack honours `engines.node` (else it picks the current LTS). Connect supports Node 16 "
    "LTS or later; a range that admits only older releases cannot build, and no range at all means the "
    "runtime can change under the app.",
    remediation='Set "engines": {"node": ">=18"} (templates pin 20.x) in package.json; keep .nvmrc consistent.',
    severity=Severity.WARNING,
    scope=Scope.APP,
    app_types=APP_TYPES,
)
def node_engine(ctx: CheckContext) -> Iterator[Finding]:
    tree = app_tree(ctx)
    parsed = node_package(ctx, tree)
    found = [*engines_requirement(parsed), *version_files(ctx, tree)]
    yield from engine_findings(tree, found)


def engines_requirement(parsed: PackageJson) -> list[Requirement]:
    engines: Any = (parsed.data or {}).get("engines")
    if engines is None or (isinstance(engines, dict) and engines.get("node") is None):
        return []
    if not isinstance(engines, dict):  # reported as an invalid "engines" (it must be an object)
        line = line_of_key(parsed.text, "engines") or 1
        return [Requirement("engines", Location(path=parsed.path, line=line), repr(engines)[:80], False)]
    node = engines["node"]
    line = line_of_key(parsed.text, "node", within="engines") or 1
    where = Location(path=parsed.path, line=line)
    return [Requirement("engines.node", where, node if isinstance(node, str) else repr(node), isinstance(node, str))]


def version_files(ctx: CheckContext, tree: AppTree) -> list[Requirement]:
    out = []
    for name in rule("node", "version_files"):
        if tree.has(name):
            text = read_file(ctx.root, tree.path(name), 4096).text
            first = next((ln.strip() for ln in (text or "").splitlines() if ln.strip() and not ln.startswith("#")), "")
            out.append(Requirement(name, Location(path=tree.path(name), line=1), first if text is not None else ""))
    return out


def as_range(requirement: Requirement) -> NodeRange:
    """The range a requirement admits; nvm aliases (lts/iron, lts/*, node) are translated first."""
    text = requirement.text.strip()
    if not requirement.source.startswith("engines"):
        lowered = text.lower()
        if lowered in rule("node", "latest_aliases"):
            return parse_range("*")
        codename = lowered.removeprefix("lts/")
        majors = rule("node", "lts_codenames")
        if lowered.startswith("lts/") and codename in majors:
            return parse_range(str(majors[codename]))
        parse_version(text)  # .nvmrc holds a version, not a range
    return parse_range(text)


def engine_findings(tree: AppTree, found: list[Requirement]) -> Iterator[Finding]:
    minimum = int(rule("node", "minimum_supported_major"))
    if not found:
        yield Finding(
            message=f"App {tree.name} does not state a Node version (no engines.node, no .nvmrc): the buildpack "
            "picks the current LTS, which may change between builds",
            severity=Severity.INFO,
            location=Location(path=tree.path("package.json")),
            rule="absent",
            remediation='Add "engines": {"node": "20.x"} to package.json.',
        )
        return
    ranges: dict[str, NodeRange] = {}
    for req in found:
        try:
            if not req.is_text:
                raise RangeError("not a string")
            ranges[req.source] = as_range(req)
        except RangeError:
            kind = "is not a valid Node version or range" if req.is_text else 'must be a string such as ">=18"'
            yield _finding(tree, req, kind, "invalid")
            continue
        if not ranges[req.source].satisfiable:
            yield _finding(tree, req, "admits no Node version at all", "unsatisfiable")
        elif not ranges[req.source].admits_major_at_least(minimum):
            yield _finding(
                tree,
                req,
                f"admits only Node releases older than {minimum}, which Connect does not support",
                "unsupported",
            )
    yield from _consistency(tree, found, ranges)


def _finding(tree: AppTree, req: Requirement, problem: str, kind: str) -> Finding:
    return Finding(
        message=f"App {tree.name}: {req.source} {req.text[:80]!r} {problem}",
        severity=Severity.WARNING,
        location=req.location,
        rule=kind,
        remediation=f'Use a supported range such as ">=18" or "20.x" in {req.source}.',
    )


def _consistency(tree: AppTree, found: list[Requirement], ranges: dict[str, NodeRange]) -> Iterator[Finding]:
    engines = ranges.get("engines.node")
    for req in found:
        pinned = ranges.get(req.source)
        if engines is None or req.source == "engines.node" or pinned is None:
            continue
        if not engines.overlaps(pinned):
            yield Finding(
                message=f"App {tree.name}: {req.source} asks for Node {req.text!r}, which engines.node "
                f"{engines.text!r} does not admit; local runs and the build use different Node versions",
                severity=Severity.INFO,
                location=req.location,
                rule="mismatch",
                remediation=f"Make {req.source} and engines.node agree.",
            )
