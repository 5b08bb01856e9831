"""struct.java-app: a Java (Maven) app has a parseable pom.xml and targets Java 11 or later."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from certifier.connector.files import TextFile, read_file
from certifier.checks.registry import Scope, check
from certifier.core.app_types import HTTP_APP_TYPES
from certifier.core.errors import NotApplicable
from certifier.checks.structure._app import AppTree, app_tree
from certifier.connector.structure_rules import rule, text_limit
from certifier.collect.context import CheckContext
from certifier.core.model import Finding, Location, Severity, Stage

_PROPERTY_REF = re.compile(r"^\$\{([^}]{1,100})\}$")


@check(
    id="struct.java-app",
    version="1.0.0",
    stage=Stage.STRUCTURE,
    title="Java app has a valid Maven project on Java 11+",
    rationale="Connect builds Java apps with the Maven buildpack (Java 11 LTS or later, 17 preferred). A pom.xml "
    "that does not parse, or a Java target older than 11, cannot be built.",
    remediation="Keep a well-formed pom.xml at the app root and set "
    "<maven.compiler.release>17</maven.compiler.release>.",
    severity=Severity.ERROR,
    scope=Scope.APP,
    app_types=HTTP_APP_TYPES,
)
def java_app(ctx: CheckContext) -> Iterator[Finding]:
    tree = app_tree(ctx)
    if not tree.has("pom.xml"):
        raise NotApplicable(f"{tree.name} has no pom.xml (not a Java app)")
    if tree.has("package.json"):
        yield Finding(
            message=f"App {tree.name} has both pom.xml and package.json: it is unclear whether the Node or the "
            "Java buildpack builds it",
            severity=Severity.WARNING,
            location=Location(path=tree.path("pom.xml")),
            rule="ambiguous",
            remediation="Keep pom.xml for a Java app or package.json for a Node app, not both.",
        )
    pom = read_file(ctx.root, tree.path("pom.xml"), text_limit())
    project = yield from parse_pom(tree, pom)
    if project is not None:
        yield from java_versions(tree, pom.path, project)
    if tree.has("project.toml"):
        yield from project_toml(tree, read_file(ctx.root, tree.path("project.toml"), 64 * 1024))


def parse_pom(tree: AppTree, pom: TextFile) -> Iterator[Finding]:
    """Yield findings about pom.xml; return its <project> element when it parsed."""
    problem, line = None, None
    if pom.text is None:
        problem = str(pom.problem)
    else:
        try:
            root = fromstring(pom.text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        except DefusedXmlException as unsafe:
            problem = f"uses forbidden XML constructs ({type(unsafe).__name__}: DTDs and entities are refused)"
        except ParseError as bad:
            problem, line = f"is not well-formed XML: {bad}", bad.position[0]
        else:
            if _local(root.tag) == "project":
                return root
            problem = f"has root element <{_local(root.tag)}>, not <project>"
    yield Finding(
        message=f"App {tree.name}: {pom.path} {problem}",
        severity=Severity.ERROR,
        location=Location(path=pom.path, line=line),
        rule="pom-invalid",
        remediation="Fix pom.xml so that `mvn -B validate` accepts it (a Maven <project> without DTD).",
    )
    return None


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _children(element: Element, name: str) -> list[Element]:
    return [c for c in element if _local(c.tag) == name]


def declared_versions(project: Element) -> dict[str, str]:
    """Where the Java level is stated -> its value (properties, maven-compiler-plugin configuration)."""
    props = {_local(p.tag): (p.text or "").strip() for props in _children(project, "properties") for p in props}
    found = {f"properties.{k}": props[k] for k in rule("java", "version_properties") if props.get(k)}
    for plugins in (p for build in _children(project, "build") for p in _children(build, "plugins")):
        for plugin in _children(plugins, "plugin"):
            if any((a.text or "").strip() == "maven-compiler-plugin" for a in _children(plugin, "artifactId")):
                for config in _children(plugin, "configuration"):
                    for field in rule("java", "compiler_plugin_fields"):
                        for value in _children(config, field):
                            found[f"maven-compiler-plugin.{field}"] = (value.text or "").strip()
    return {k: _resolve(v, props) for k, v in found.items()}


def _resolve(value: str, props: dict[str, str]) -> str:
    ref = _PROPERTY_REF.match(value)
    return props.get(ref.group(1), value) if ref else value


def java_major(value: str) -> int | None:
    """'17' -> 17, '1.8' -> 8, '11.0.2' -> 11; None when not a version."""
    found = re.match(r"^(?:1\.)?(\d{1,3})(?:\.\d+)*$", value.strip())
    return int(found.group(1)) if found else None


def java_versions(tree: AppTree, path: str, project: Element) -> Iterator[Finding]:
    minimum = int(rule("java", "minimum_version"))
    for source, value in sorted(declared_versions(project).items()):
        major = java_major(value)
        if major is not None and major < minimum:
            yield _old_java(tree, Location(path=path), f"{source} = {value}", minimum)


def _old_java(tree: AppTree, where: Location, stated: str, minimum: int) -> Finding:
    return Finding(
        message=f"App {tree.name} targets Java {stated.split('= ')[-1]} ({stated} in {where.path}); Connect "
        f"supports Java {minimum} or later",
        severity=Severity.ERROR,
        location=where,
        rule="java-version",
        key=stated,
        remediation="Target Java 17 (or at least 11): <maven.compiler.release>17</maven.compiler.release>.",
    )


def project_toml(tree: AppTree, read: TextFile) -> Iterator[Finding]:
    try:
        data = tomllib.loads(read.text or "")
        if read.text is None:
            raise ValueError(read.problem)
    except (tomllib.TOMLDecodeError, ValueError) as bad:
        yield Finding(
            message=f"App {tree.name}: {read.path} cannot be read as TOML ({str(bad)[:120]})",
            severity=Severity.WARNING,
            location=Location(path=read.path),
            rule="project-toml",
            remediation="Fix project.toml (buildpack descriptor) or remove it.",
        )
        return
    env = data.get("build", {}).get("env", []) if isinstance(data.get("build"), dict) else []
    minimum = int(rule("java", "minimum_version"))
    for entry in env if isinstance(env, list) else []:
        if isinstance(entry, dict) and entry.get("name") in rule("java", "project_toml_keys"):
            major = java_major(str(entry.get("value", "")))
            if major is not None and major < minimum:
                yield _old_java(tree, Location(path=read.path), f"{entry['name']} = {entry.get('value')}", minimum)
