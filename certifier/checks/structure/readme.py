"""struct.readme: a root README that covers installation, configuration (every connect.yaml key) and usage."""

from __future__ import annotations

import re
from collections.abc import Iterator

from certifier.connector.files import TextFile
from certifier.checks.registry import Scope, check
from certifier.checks.structure._readme import heading_matches, headings, read_readme, words_of
from certifier.connector.structure_rules import rule
from certifier.connector.model import ConfigEntry, Connector
from certifier.collect.context import CheckContext
from certifier.core.model import Finding, Location, Severity, Stage


@check(
    id="struct.readme",
    version="1.0.0",
    stage=Stage.STRUCTURE,
    title="README documents installation, configuration and usage",
    rationale="Certification requires an installation guide and documentation: merchants deploy the connector "
    "from its README and must know what every configuration value means.",
    remediation="Add README.md at the root with sections Installation/Deployment, Configuration (a table of "
    "every connect.yaml key: meaning, required, default) and Usage.",
    severity=Severity.ERROR,
    scope=Scope.CONNECTOR,
)
def readme(ctx: CheckContext) -> Iterator[Finding]:
    read = read_readme(ctx)
    if read is None or read.text is None:
        yield unreadable(read)
        return
    yield from sections(read.path, read.text)
    if ctx.inventory.connector is not None:  # without a parsed connect.yaml there are no keys to look for
        yield from undocumented_keys(ctx.inventory.connector, read.path, read.text)


def unreadable(read: TextFile | None) -> Finding:
    if read is None:
        return Finding(
            message="The repository has no README at its root (README.md)",
            severity=Severity.ERROR,
            location=Location(path="README.md"),
            rule="missing",
            remediation="Add README.md with installation, configuration and usage sections.",
        )
    return Finding(
        message=f"{read.path} {read.problem}, so it cannot serve as documentation",
        severity=Severity.ERROR,
        location=Location(path=read.path),
        rule="unreadable",
        remediation=f"Make {read.path} a UTF-8 text file of reasonable size.",
    )


def sections(path: str, text: str) -> Iterator[Finding]:
    found = headings(text)
    wanted: dict[str, list[str]] = rule("readme", "sections")
    missing = [kind for kind, words in wanted.items() if not any(heading_matches(h.text, words) for h in found)]
    count = len(words_of(text))
    problems = []
    if count < int(rule("limits", "readme_min_words")):
        problems.append(f"only {count} words")
    if missing:
        problems.append(f"no section on {', '.join(missing)}")
    if problems:
        yield Finding(
            message=f"{path} looks thin: {'; '.join(problems)}",
            severity=Severity.WARNING,
            location=Location(path=path, line=1),
            rule="thin",
            needs_review=True,
            key=",".join(missing) or "short",
            remediation="Add headings for "
            + (", ".join(missing) or "installation, configuration and usage")
            + " and describe the steps in full.",
        )


def _documented(text: str, key: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(key)}(?![A-Za-z0-9_])", text) is not None


def configuration_keys(connector: Connector) -> dict[str, tuple[ConfigEntry, list[str]]]:
    """key -> (first entry declaring it, where it is declared: 'inheritAs' or app names), in file order."""
    keys: dict[str, tuple[ConfigEntry, list[str]]] = {}
    owners = [("inheritAs", e) for e in connector.global_config]
    owners += [(app.name, e) for app in connector.apps for e in app.config]
    for owner, entry in owners:
        if not isinstance(entry.key, str) or not entry.key:
            continue
        _, where = keys.setdefault(entry.key, (entry, []))
        if owner not in where:
            where.append(owner)
    return keys


def undocumented_keys(connector: Connector, path: str, text: str) -> Iterator[Finding]:
    for key, (entry, owners) in configuration_keys(connector).items():
        if _documented(text, key):
            continue
        manifest_path = f"{entry.manifest_path}.key"
        yield Finding(
            message=f"{path} does not document configuration key {key} (declared for {', '.join(owners)} in "
            f"{connector.manifest_file})",
            severity=Severity.ERROR,
            location=connector.locate(manifest_path),
            manifest_path=manifest_path,
            rule="undocumented-key",
            key=key,
            remediation=f"Add {key} to the configuration table of {path}: what it means, whether it is "
            "required, its default.",
        )
