"""struct.hygiene: no committed .env files, node_modules, build output, IDE folders or OS junk."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from certifier.checks.registry import Scope, check
from certifier.connector.structure_rules import bounded_list, rule
from certifier.collect.context import CheckContext
from certifier.core.model import Finding, Location, Severity, Stage

REMEDIATION = {
    "env-file": "Remove the file from git (`git rm --cached`), rotate any secret it held, add it to .gitignore, "
    "and commit a `.env.example` without values instead.",
    "node-modules": "Remove node_modules from git (`git rm -r --cached node_modules`) and add it to .gitignore.",
    "build-output": "Remove build output from git and add it to .gitignore; the buildpack builds it.",
    "ide": "Remove personal IDE settings from git and add them to .gitignore.",
    "os-junk": "Remove the files from git and add them to .gitignore.",
}


@check(
    id="struct.hygiene",
    version="1.0.0",
    stage=Stage.STRUCTURE,
    title="Repository holds no local or generated files",
    rationale="Committed .env files leak secrets; node_modules and build output make the build depend on "
    "someone's machine and hide what is really shipped; IDE and OS files are noise in a certified source.",
    remediation="Remove the files from git and list them in .gitignore.",
    severity=Severity.WARNING,
    scope=Scope.CONNECTOR,
)
def hygiene(ctx: CheckContext) -> Iterator[Finding]:
    yield from hygiene_findings([*ctx.checkout.files, *ctx.checkout.symlinks])


def hygiene_findings(paths: Iterable[str]) -> Iterator[Finding]:
    found = classify(sorted(set(paths)))
    kinds: dict[str, str] = rule("hygiene", "listed_kinds")
    for kind, hits in found.items():
        if hits:
            yield Finding(
                message=f"{kinds[kind].capitalize()}{'s' if len(hits) > 1 else ''} in the repository: "
                f"{bounded_list(hits)}",
                severity=Severity.WARNING,
                location=Location(path=hits[0]),
                rule=kind,
                key=kind,
                remediation=REMEDIATION[kind],
                properties={"count": len(hits)},
            )


@dataclass(frozen=True)
class Patterns:
    """The hygiene rules compiled once per run (a repository can list tens of thousands of files)."""

    env_names: re.Pattern[str]
    env_allowed: frozenset[str]
    modules_dir: str
    output_files: re.Pattern[str]
    output_dirs: frozenset[str]
    java_output_dirs: frozenset[str]
    ide_dirs: frozenset[str]
    ide_files: re.Pattern[str]
    vscode_dir: str
    vscode_shared: frozenset[str]
    junk: re.Pattern[str]

    @classmethod
    def load(cls) -> Patterns:
        hygiene = rule("hygiene")
        return cls(
            env_names=_globs(hygiene["env"]["basenames"]),
            env_allowed=frozenset(s.lower() for s in hygiene["env"]["allowed_suffixes"]),
            modules_dir=hygiene["node_modules_dir"],
            output_files=_globs(hygiene["build_output"]["file_globs"]),
            output_dirs=frozenset(hygiene["build_output"]["dirs_beside_package_json"]),
            java_output_dirs=frozenset(hygiene["build_output"]["dirs_beside_pom"]),
            ide_dirs=frozenset(hygiene["ide"]["dirs"]),
            ide_files=_globs(hygiene["ide"]["file_globs"]),
            vscode_dir=hygiene["ide"]["vscode_dir"],
            vscode_shared=frozenset(hygiene["ide"]["vscode_shared_files"]),
            junk=_globs(hygiene["os_junk"]["basenames"]),
        )


def _globs(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(fnmatch.translate(p) for p in patterns), re.IGNORECASE)


def classify(paths: list[str]) -> dict[str, list[str]]:
    """kind -> offending paths (files, or the folder for node_modules/build output), in sorted order."""
    rules = Patterns.load()
    files = set(paths)
    found: dict[str, dict[str, None]] = {kind: {} for kind in REMEDIATION}  # ordered sets
    for path in paths:
        parts = path.split("/")
        modules = _folder(parts, rules.modules_dir)
        if modules:  # one finding names the folder; what third-party packages ship inside it is theirs
            found["node-modules"][modules] = None
            continue
        for kind, hit in (
            ("env-file", path if _env_file(parts[-1], rules) else None),
            ("build-output", _build_output(parts, files, rules)),
            ("ide", _ide(parts, rules)),
            ("os-junk", path if rules.junk.match(parts[-1]) else None),
        ):
            if hit:
                found[kind][hit] = None
    return {kind: list(hits) for kind, hits in found.items()}


def _env_file(name: str, rules: Patterns) -> bool:
    lowered = name.lower()
    if not rules.env_names.match(lowered):
        return False
    if lowered.startswith(".env."):
        return lowered[len(".env.") :] not in rules.env_allowed
    if lowered.endswith(".env") and lowered != ".env":
        return lowered[: -len(".env")].strip(".") not in rules.env_allowed
    return True


def _folder(parts: list[str], name: str) -> str | None:
    """The first folder called `name` on the path (node_modules inside node_modules counts once)."""
    return "/".join(parts[: parts.index(name) + 1]) + "/" if name in parts[:-1] else None


def _build_output(parts: list[str], files: set[str], rules: Patterns) -> str | None:
    if rules.output_files.match(parts[-1]):
        return "/".join(parts)
    for index, part in enumerate(parts[:-1]):
        parent = "/".join(parts[:index] + [""])  # "" at the root, else "a/b/"
        if (part in rules.output_dirs and f"{parent}package.json" in files) or (
            part in rules.java_output_dirs and f"{parent}pom.xml" in files
        ):
            return "/".join(parts[: index + 1]) + "/"
    return None


def _ide(parts: list[str], rules: Patterns) -> str | None:
    for index, part in enumerate(parts[:-1]):
        if part in rules.ide_dirs:
            return "/".join(parts[: index + 1]) + "/"
        shared = index == len(parts) - 2 and parts[-1] in rules.vscode_shared
        if part == rules.vscode_dir and not shared:
            return "/".join(parts)
    return "/".join(parts) if rules.ide_files.match(parts[-1]) else None
