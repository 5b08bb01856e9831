"""Table tests of the structure checks' judging functions: facts in, findings out, one table per check.

Each row names a situation, gives the facts the check would have collected (the app's file list, its
package.json, its lockfiles, its Node requirements...) and the findings expected as (rule, severity,
where). Nothing touches disk.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from certifier.checks.structure._app import AppTree
from certifier.checks.structure._lockfiles import Lockfiles
from certifier.checks.structure.build_script import build_script_findings
from certifier.checks.structure.hygiene import hygiene_findings
from certifier.checks.structure.lifecycle_scripts import script_call_findings
from certifier.checks.structure.lockfile import lockfile_findings
from certifier.checks.structure.node_engine import Requirement, engine_findings
from certifier.checks.structure.package_manager import package_manager_findings
from certifier.checks.structure.start_script import start_script_findings
from certifier.checks.structure.test_script import script_of_tests_findings
from certifier.checks.structure.tests_present import missing_tests_findings
from certifier.connector.package_json import PackageJson
from certifier.connector.model import App, Connector
from certifier.core.model import Finding, Location

E, W, I = "error", "warning", "info"  # noqa: E741


class Row(NamedTuple):
    name: str
    facts: Any
    want: list[tuple[str, str, str]]  # (rule, severity, where)


def table(rows: list[Row]):
    return pytest.mark.parametrize("row", rows, ids=[r.name for r in rows])


def found(findings) -> list[tuple[str, str, str]]:
    return [(f.rule, f.severity.value, _where(f)) for f in findings]


def _where(finding: Finding) -> str:
    line = f":{finding.location.line}" if finding.location and finding.location.line else ""
    return (finding.location.path if finding.location else "") + line


def tree(*files: str, type: str = "service", name: str = "svc") -> AppTree:
    """The app `name` in folder `name`/ with these app-relative files."""
    return AppTree(name, type, name, tuple(f"{name}/{f}" for f in files))


def package(scripts: dict[str, str] | None = None, **fields: Any) -> PackageJson:
    data = {"name": "svc", "version": "1.0.0", **({"scripts": scripts} if scripts is not None else {}), **fields}
    return PackageJson("svc/package.json", data, json.dumps(data, indent=2))


def declared(scripts: dict[str, str]) -> tuple[Connector, App]:
    """A connector whose one service app declares these connect.yaml scripts (each on line 7)."""
    service = App(index=0, name="svc", type="service", manifest_path="deployAs.0", folder="svc", path=None,
                  scripts=scripts)
    positions = {f"deployAs.0.scripts.{name}": (7, 7) for name in scripts}
    model = Connector(root=Path("."), manifest_file="connect.yaml", data={}, positions=positions, apps=(service,))
    return model, service


# --- struct.build-script ----------------------------------------------------------------------------

BUILD = [
    Row("JavaScript needs no build", (tree("index.js"), package({"start": "node index.js"}), None), []),
    Row("TypeScript without a build", (tree("src/a.ts"), package({"start": "node dist/a.js"}), "svc/src/a.ts"),
        [("typescript", W, "svc/package.json:4")]),
    Row("TypeScript with gcp-build", (tree("src/a.ts"), package({"gcp-build": "tsc"}), "svc/src/a.ts"), []),
    Row("TypeScript with a blank build", (tree("src/a.ts"), package({"build": " "}), "svc/tsconfig.json"),
        [("typescript", W, "svc/package.json:5")]),
    Row("Merchant Center app without build", (tree("src/app.jsx", type="merchant-center-custom-application"),
                                               package({"start": "mc-scripts start"}), None),
        [("front-end", E, "svc/package.json:4")]),
    Row("assets with build", (tree("index.html", type="assets"), package({"build": "vite build"}), None), []),
    Row("assets without scripts", (tree("index.html", type="assets"), package(), None),
        [("front-end", E, "svc/package.json:1")]),
]


@table(BUILD)
def test_build_script(row):
    assert found(build_script_findings(*row.facts)) == row.want


# --- struct.hygiene ---------------------------------------------------------------------------------

HYGIENE = [
    Row("a clean repository", ["connect.yaml", "svc/package.json", "svc/src/index.js", ".env.example"], []),
    Row("a committed .env", ["svc/.env", "svc/package.json"], [("env-file", W, "svc/.env")]),
    Row("node_modules", ["node_modules/a/index.js", "node_modules/b/index.js"], [("node-modules", W, "node_modules/")]),
    Row("build output beside package.json", ["svc/package.json", "svc/dist/index.js"],
        [("build-output", W, "svc/dist/")]),
    Row("editor and system files", [".idea/workspace.xml", "svc/.DS_Store"],
        [("ide", W, ".idea/"), ("os-junk", W, "svc/.DS_Store")]),
    Row("shared VS Code settings are fine", [".vscode/settings.json", ".vscode/extensions.json"], []),
]


@table(HYGIENE)
def test_hygiene(row):
    assert found(hygiene_findings(row.facts)) == row.want


# --- struct.tests-present ---------------------------------------------------------------------------

TESTS = [
    Row("a tests folder", tree("src/index.js", "tests/index.test.js"), []),
    Row("a spec file beside the code", tree("src/index.ts", "src/index.spec.ts"), []),
    Row("__tests__", tree("src/index.js", "__tests__/a.js"), []),
    Row("no tests", tree("src/index.js", "package.json"), [("none", E, "svc")]),
    Row("only a test runner's configuration", tree("src/index.js", "jest.config.js"), [("none", E, "svc")]),
    Row("only data in a test folder", tree("src/index.js", "tests/fixture.json"), [("none", E, "svc")]),
    Row("tests of a dependency", tree("src/index.js", "node_modules/x/a.test.js"), [("none", E, "svc")]),
    Row("Java tests", tree("pom.xml", "src/main/java/A.java", "src/test/java/ATest.java"), []),
    Row("Java without tests", tree("pom.xml", "src/main/java/A.java"), [("none", E, "svc")]),
]


@table(TESTS)
def test_tests_present(row):
    assert found(missing_tests_findings(row.facts)) == row.want


# --- struct.node-engine -----------------------------------------------------------------------------

ENGINES_AT = Location(path="svc/package.json", line=9)
NVMRC_AT = Location(path="svc/.nvmrc", line=1)
ENGINES = [
    Row("nothing stated", [], [("absent", I, "svc/package.json")]),
    Row("a supported range", [Requirement("engines.node", ENGINES_AT, ">=18")], []),
    Row("an old range", [Requirement("engines.node", ENGINES_AT, "14.x")], [("unsupported", W, "svc/package.json:9")]),
    Row("a range nothing satisfies", [Requirement("engines.node", ENGINES_AT, ">=20 <18")],
        [("unsatisfiable", W, "svc/package.json:9")]),
    Row("not a range", [Requirement("engines.node", ENGINES_AT, "banana")], [("invalid", W, "svc/package.json:9")]),
    Row("not a string", [Requirement("engines.node", ENGINES_AT, "18", is_text=False)],
        [("invalid", W, "svc/package.json:9")]),
    Row(".nvmrc alias agreeing with engines",
        [Requirement("engines.node", ENGINES_AT, "20.x"), Requirement(".nvmrc", NVMRC_AT, "lts/iron")], []),
    Row(".nvmrc disagreeing with engines",
        [Requirement("engines.node", ENGINES_AT, ">=20"), Requirement(".nvmrc", NVMRC_AT, "18.19.0")],
        [("mismatch", I, "svc/.nvmrc:1")]),
]


@table(ENGINES)
def test_node_engine(row):
    assert found(engine_findings(tree("package.json"), row.facts)) == row.want


# --- struct.lockfile --------------------------------------------------------------------------------


def locks(**own: tuple[str, ...]) -> Lockfiles:
    return Lockfiles(own=own, root={}, workspace=False)


LOCKFILES = [
    Row("one npm lockfile", (locks(npm=("svc/package-lock.json",)), False, None), []),
    Row("no lockfile", (locks(), False, None), [("none", W, "svc/package.json")]),
    Row("no lockfile, one at the root of no workspace", (locks(), False, "package-lock.json"),
        [("none", W, "svc/package.json")]),
    Row("npm and Yarn", (locks(npm=("svc/package-lock.json",), yarn=("svc/yarn.lock",)), False, None),
        [("both", W, "svc/package-lock.json")]),
    Row("pnpm with common modules", (locks(pnpm=("svc/pnpm-lock.yaml",)), True, None),
        [("pnpm-common-modules", W, "svc/pnpm-lock.yaml")]),
    Row("pnpm alone", (locks(pnpm=("svc/pnpm-lock.yaml",)), False, None), []),
    Row("the workspace root's lockfile", (Lockfiles({}, {"npm": ("package-lock.json",)}, True), False, None), []),
]


@table(LOCKFILES)
def test_lockfile(row):
    found_locks, common_modules, root_lock = row.facts
    assert found(lockfile_findings(tree("package.json"), found_locks, common_modules, root_lock)) == row.want


# --- struct.test-script -----------------------------------------------------------------------------

TEST_SCRIPTS = [
    Row("a test runner", {"test": "jest"}, []),
    Row("a script that runs one", {"test": "npm run unit", "unit": "node --test"}, []),
    Row("no test script", {"start": "node index.js"}, [("missing", W, "svc/package.json:4")]),
    Row("npm's placeholder", {"test": 'echo "Error: no test specified" && exit 1'},
        [("no-op", E, "svc/package.json:5")]),
    Row("empty", {"test": ""}, [("no-op", E, "svc/package.json:5")]),
    Row("a call of a no-op", {"test": "npm run unit", "unit": "echo skip"}, [("no-op", E, "svc/package.json:5")]),
    Row("a cycle may run tests", {"test": "npm run a", "a": "npm run test"}, []),
]


@table(TEST_SCRIPTS)
def test_test_script(row):
    assert found(script_of_tests_findings(tree("package.json"), package(row.facts))) == row.want


# --- struct.start-script ----------------------------------------------------------------------------

START = [
    Row("a start script", ({"start": "node index.js"}, False), []),
    Row("no start script", ({"build": "tsc"}, False), [("missing", E, "svc/package.json:4")]),
    Row("an empty start script", ({"start": "  "}, False), [("missing", E, "svc/package.json:5")]),
    Row("a Procfile instead", ({}, True), []),
]


@table(START)
def test_start_script(row):
    scripts, procfile = row.facts
    assert found(start_script_findings(tree("package.json"), package(scripts), procfile)) == row.want


# --- struct.package-manager -------------------------------------------------------------------------

MANAGERS = [
    Row("npm with package-lock.json", ({"postDeploy": "npm ci && npm run connector:post-deploy"}, "npm"), []),
    Row("npm with yarn.lock", ({"postDeploy": "npm install && npm run connector:post-deploy"}, "yarn"),
        [("npm-with-yarn-lockfile", W, "connect.yaml:7")]),
    Row("yarn with package-lock.json", ({"preUndeploy": "yarn && yarn pre-undeploy"}, "npm"),
        [("yarn-with-npm-lockfile", W, "connect.yaml:7")]),
    Row("no package manager", ({"postDeploy": "node post-deploy.js"}, "yarn"), []),
]


@table(MANAGERS)
def test_package_manager(row):
    scripts, committed = row.facts
    model, service = declared(scripts)
    assert found(package_manager_findings(model, service, tree("package.json"), committed)) == row.want


# --- struct.lifecycle-scripts: the calls of one connect.yaml script ---------------------------------

PACKAGE_SCRIPTS = {"start": "node dist/index.js", "build": "tsc", "connector:post-deploy": "node dist/post.js"}
CALLS = [
    Row("a script package.json defines",
        ("postDeploy", "npm install && npm run build && npm run connector:post-deploy"), []),
    Row("a script package.json lacks", ("postDeploy", "npm run connector:setup"),
        [("missing-script", E, "connect.yaml:7")]),
    Row("yarn may run a binary", ("preUndeploy", "yarn cleanup"), [("missing-script", W, "connect.yaml:7")]),
    Row("postDeploy starting the server", ("postDeploy", "npm install && npm run build && npm start"),
        [("starts-server", W, "connect.yaml:7")]),
    Row("compiled output nothing built", ("postDeploy", "node dist/post.js"),
        [("unbuilt-output", W, "connect.yaml:7")]),
]


@table(CALLS)
def test_lifecycle_script_calls(row):
    name, script = row.facts
    model, service = declared({name: script})
    findings = script_call_findings(model, service, tree("package.json"), name, script, PACKAGE_SCRIPTS)
    assert found(findings) == row.want
