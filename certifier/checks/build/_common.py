"""Shared by the build checks: the app's build (Node only or Java only), evidence and locations."""

from __future__ import annotations

import posixpath

from certifier.collect.build import AppBuild, build_app
from certifier.collect.build.prepare import source_folder
from certifier.connector.files import load_package_json
from certifier.connector.package_json import line_of_key
from certifier.core.errors import NotApplicable
from certifier.collect.context import CheckContext
from certifier.core.model import Location
from certifier.sandbox.runner import ProcessResult

EVIDENCE_TAIL_CHARS = 4000


def node_build(ctx: CheckContext) -> AppBuild:
    build = build_app(ctx)
    if build.kind != "node":
        raise NotApplicable(f"{build.app} is a Java app (see build.java)")
    return build


def evidence(build: AppBuild, step: str, result: ProcessResult) -> dict:
    """What a finding keeps about one command: command, exit code, duration, redacted log tail, log file."""
    found = result.evidence(EVIDENCE_TAIL_CHARS)
    found["package_manager"] = build.package_manager
    if step in build.logs:
        found["log_artifact"] = build.logs[step].name
    if step == "test" and build.tests:
        found["tests"] = build.tests.as_dict()
    return found


def package_json_location(ctx: CheckContext, script: str | None = None) -> Location:
    """package.json of the app (at the script's line when given), repo-relative."""
    rel = posixpath.join(source_folder(ctx), "package.json")
    text = load_package_json(ctx.root, rel).text
    line = line_of_key(text, script, within="scripts") if script else None
    return Location(path=rel, line=line or line_of_key(text, "scripts") or 1)


def seconds(result: ProcessResult) -> str:
    return f"{result.duration_s:.1f} s"
