"""Table tests of the specification checks' judging functions: facts in, findings out, one table per check.

Each row names a situation, gives the facts the check would have collected (the Connector model, an app,
a folder's kind...) and the findings expected, written as (rule, severity, where). Nothing touches disk.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from certifier.checks.specification.api_scopes import scope_findings
from certifier.checks.specification.app_folder import FolderFacts, folder_findings
from certifier.checks.specification.config_key_style import key_style_findings
from certifier.checks.specification.endpoint_path import endpoint_findings
from certifier.checks.specification.generated_keys import generated_key_findings
from certifier.checks.specification.job_schedule import schedule_findings
from certifier.checks.specification.legacy_app_type import legacy_findings, legacy_key_findings
from certifier.checks.specification.manifest_file import manifest_file_findings
from certifier.checks.specification.undeclared_app_folder import undeclared_folder_findings
from certifier.connector.manifest import ManifestLoad
from certifier.connector.manifest.messages import missing
from certifier.connector.manifest.rulesdata import specification_rules
from certifier.connector.model import App, ConfigEntry, Connector
from certifier.core.model import Finding

E, W, I = "error", "warning", "info"  # noqa: E741


class Row(NamedTuple):
    name: str
    facts: Any
    want: list[tuple[str, str, str]]  # (rule, severity, where: the location, or the finding's manifest path)


def table(rows: list[Row]):
    return pytest.mark.parametrize("row", rows, ids=[r.name for r in rows])


def found(findings) -> list[tuple[str, str, str]]:
    return [(f.rule, f.severity.value, _where(f)) for f in findings]


def _where(finding: Finding) -> str:
    if finding.location is None:
        return ""
    line = f":{finding.location.line}" if finding.location.line else ""
    return finding.location.path + line


def connector(data: dict | None = None, apps: tuple[App, ...] = (), global_config=(), **positions) -> Connector:
    """A Connector model; `positions` map dotted manifest paths (dots written as __) to their line."""
    lines = {path.replace("__", "."): (line, 1) for path, line in positions.items()}
    return Connector(root=Path("."), manifest_file="connect.yaml", data=data or {}, positions=lines, apps=apps,
                     global_config=tuple(global_config))


def app(name: str = "svc", type: str = "service", index: int = 0, **fields) -> App:
    return App(index=index, name=name, type=type, manifest_path=f"deployAs.{index}", folder=name, path=None,
               **fields)


def entry(key: str, *, secured: bool = False, default: str | None = None, where: str = "deployAs.0",
          n: int = 0) -> ConfigEntry:
    kind = "securedConfiguration" if secured else "standardConfiguration"
    path = f"{where}.configuration.{kind}.{n}" if where != "inheritAs" else f"inheritAs.configuration.{kind}.{n}"
    return ConfigEntry(key=key, description="d", required=None, default=default, secured=secured,
                       manifest_path=path, is_global=where == "inheritAs")


def scopes(*names: Any) -> dict:
    return {"inheritAs": {"apiClient": {"scopes": list(names)}}}


# --- spec.api-scopes --------------------------------------------------------------------------------

SCOPES = [
    Row("narrow scopes", (scopes("view_orders", "manage_my_profile"), ""), []),
    Row("manage_project", (scopes("view_orders", "manage_project"), ""),
        [("forbidden-scope", E, "connect.yaml:5")]),
    Row("manage_api_clients", (scopes("manage_api_clients"), ""), [("forbidden-scope", E, "connect.yaml:4")]),
    Row("a scope twice", (scopes("view_orders", " view_orders"), ""), [("duplicate-scope", W, "connect.yaml:5")]),
    Row("broad scope without a word in the README", (scopes("manage_orders"), "# Shop sync\n"),
        [("broad-scope", W, "connect.yaml:4")]),
    Row("broad scope the README justifies", (scopes("manage_orders"), "We need manage_orders to ..."), []),
    Row("a non-string scope is the schema's", (scopes(7, "view_orders"), ""), []),
]


@table(SCOPES)
def test_api_scopes(row):
    data, readme = row.facts
    model = connector(data, inheritAs__apiClient__scopes__0=4, inheritAs__apiClient__scopes__1=5)
    assert found(scope_findings(model, specification_rules().api_scopes, readme)) == row.want


def test_a_broad_scope_goes_to_a_reviewer():
    finding = next(scope_findings(connector(scopes("manage_orders")), specification_rules().api_scopes, ""))
    assert finding.needs_review


# --- spec.app-folder --------------------------------------------------------------------------------

FOLDERS = [
    Row("a real folder", FolderFacts("dir"), []),
    Row("a link inside the repository", FolderFacts("link-inside", "impl"), [("symlink", W, "connect.yaml:3")]),
    Row("missing", FolderFacts("missing"), [("missing", E, "connect.yaml:3")]),
    Row("missing, another case exists", FolderFacts("missing", other_case="SVC"), [("missing", E, "connect.yaml:3")]),
    Row("a file", FolderFacts("not-dir"), [("not-dir", E, "connect.yaml:3")]),
    Row("a link out of the repository", FolderFacts("link-outside", "/etc"), [("link-outside", E, "connect.yaml:3")]),
    Row("a link to the root", FolderFacts("link-root", "."), [("link-root", E, "connect.yaml:3")]),
    Row("a dangling link", FolderFacts("link-dangling", "gone"), [("link-dangling", E, "connect.yaml:3")]),
    Row("a link to a file", FolderFacts("link-not-dir", "README.md"), [("link-not-dir", E, "connect.yaml:3")]),
]


@table(FOLDERS)
def test_app_folder(row):
    model = connector(deployAs__0__name=3)
    assert found(folder_findings(model, app(), row.facts)) == row.want


def test_a_folder_differing_in_case_is_named():
    finding = next(folder_findings(connector(), app(), FolderFacts("missing", other_case="SVC")))
    assert "SVC/ differs only in case" in finding.message


# --- spec.config-key-style --------------------------------------------------------------------------

KEYS = [
    Row("upper snake case", "API_URL", []),
    Row("digits inside", "CTP_V2_URL", []),
    Row("camel case", "apiUrl", [("key-style", I, "connect.yaml:1")]),
    Row("lower snake case", "api_url", [("key-style", I, "connect.yaml:1")]),
    Row("trailing underscore", "API_", [("key-style", I, "connect.yaml:1")]),
]


@table(KEYS)
def test_config_key_style(row):
    style = re.compile(specification_rules().config_key_style)
    assert found(key_style_findings(connector(), app(), entry(row.facts), style)) == row.want


def test_the_key_style_finding_suggests_a_name():
    style = re.compile(specification_rules().config_key_style)
    finding = next(key_style_findings(connector(), app(), entry("apiUrl"), style))
    assert "Rename apiUrl to API_URL" in finding.remediation


# --- spec.endpoint-path -----------------------------------------------------------------------------

ENDPOINTS = [
    Row("leading slash", ["/svc"], []),
    Row("the root path", ["/"], []),
    Row("no leading slash", ["svc"], [("no-leading-slash", W, "connect.yaml:1")]),
    Row("two apps, two paths", ["/a", "/b"], []),
    Row("two apps, one path", ["/hook", "hook"],
        [("no-leading-slash", W, "connect.yaml:1"), ("shared-endpoint", W, "connect.yaml:1")]),
]


@table(ENDPOINTS)
def test_endpoint_path(row):
    apps = [app(f"a{n}", index=n, endpoint=endpoint) for n, endpoint in enumerate(row.facts)]
    assert found(endpoint_findings(connector(), apps)) == row.want


# --- spec.generated-keys ----------------------------------------------------------------------------

GENERATED = [
    Row("own keys only", ((entry("API_URL"),), ()), []),
    Row("a generated key in an app", ((entry("CTP_CLIENT_ID"),), ()),
        [("generated-key-declared", W, "connect.yaml:1")]),
    Row("a generated key in inheritAs", ((), (entry("CTP_CLIENT_SECRET", secured=True, where="inheritAs"),)),
        [("generated-key-declared", W, "connect.yaml:1")]),
    Row("a look-alike", ((entry("CTP_CLIENT_ID_OLD"),), ()), []),
]


@table(GENERATED)
def test_generated_keys(row):
    app_config, global_config = row.facts
    model = connector(apps=(app(config=app_config),), global_config=global_config)
    assert found(generated_key_findings(model, frozenset(specification_rules().generated_keys))) == row.want


# --- spec.job-schedule ------------------------------------------------------------------------------

SCHEDULES = [
    Row("five fields", "0 0 * * *", []),
    Row("steps", "*/5 * * * *", []),
    Row("Sunday as 7", "0 * * * 7", []),
    Row("a macro", "@daily", []),
    Row("an interval", "@every 1h30m", []),
    Row("seven fields", "0 0 0 * * * *", [("unclean-schedule", W, "connect.yaml:6")]),
    Row("text after the fields", "0 0 * * * now", [("unclean-schedule", W, "connect.yaml:6")]),
    Row("out of range", "99 * * * *", [("unclean-schedule", W, "connect.yaml:6")]),
    Row("rejected by the official pattern: the schema's finding", "whenever", []),
    Row("missing: the schema's finding", None, []),
]


@table(SCHEDULES)
def test_job_schedule(row):
    properties = {} if row.facts is None else {"schedule": row.facts}
    model = connector(deployAs__0__properties__schedule=6)
    job = app("nightly", "job", properties=properties)
    assert found(schedule_findings(model, job, specification_rules().schedule)) == row.want


# --- spec.legacy-app-type ---------------------------------------------------------------------------

LEGACY = [
    Row("current type, current keys", ("merchant-center-custom-application", ("CUSTOM_APPLICATION_ID",)), []),
    Row("legacy type", ("mc-app", ("CUSTOM_APPLICATION_ID",)), [("legacy-type", W, "connect.yaml:2")]),
    Row("legacy keys", ("merchant-center-custom-application", ("APPLICATION_ID", "APPLICATION_URL")),
        [("legacy-key", W, "connect.yaml:1"), ("legacy-key", W, "connect.yaml:1")]),
    Row("both", ("mc-app", ("APPLICATION_URL",)),
        [("legacy-type", W, "connect.yaml:2"), ("legacy-key", W, "connect.yaml:1")]),
]


@table(LEGACY)
def test_legacy_app_type(row):
    app_type, keys = row.facts
    entries = tuple(entry(key, n=n) for n, key in enumerate(keys))
    mc = app("mc", app_type, config=entries)
    model = connector(deployAs__0__applicationType=2)
    assert found(legacy_findings(model, mc, entries, specification_rules().legacy_mc_keys)) == row.want


def test_legacy_keys_in_inherit_as():
    entries = (entry("APPLICATION_ID", where="inheritAs"),)
    findings = list(legacy_key_findings(connector(), None, entries, specification_rules().legacy_mc_keys))
    assert found(findings) == [("legacy-key", W, "connect.yaml:1")] and "(inheritAs)" in findings[0].message


# --- spec.manifest-file -----------------------------------------------------------------------------

NOT_A_MAPPING = Finding(message="connect.yaml is not a mapping", severity="error", rule="manifest.not-a-mapping")
MANIFESTS = [
    Row("loaded cleanly", (ManifestLoad(exists=True, parsed=True, data={}), ()), []),
    Row("the load's own findings pass through", (ManifestLoad(exists=True, findings=(NOT_A_MAPPING,)), ()),
        [("manifest.not-a-mapping", E, "")]),
    Row("missing", (ManifestLoad(exists=False, findings=(missing("connect.yaml", ["README.md"]),)),
                    ("README.md",)), [("manifest.missing", E, "connect.yaml")]),
]


@table(MANIFESTS)
def test_manifest_file(row):
    load, files = row.facts
    assert found(manifest_file_findings(load, files)) == row.want


def test_a_manifest_only_in_subfolders_is_named():
    load = ManifestLoad(exists=False, findings=(missing("connect.yaml", ["templates"]),))
    finding = next(manifest_file_findings(load, ("templates/a/connect.yaml", "README.md")))
    assert "exists only in subfolders (templates/a/connect.yaml)" in finding.message
    assert finding.properties["nested"] == ["templates/a/connect.yaml"]


# --- spec.undeclared-app-folder ---------------------------------------------------------------------

UNDECLARED = [
    Row("nothing undeclared", [], []),
    Row("two folders", ["tools", "worker"], [("undeclared", W, "tools"), ("undeclared", W, "worker")]),
]


@table(UNDECLARED)
def test_undeclared_app_folder(row):
    assert found(undeclared_folder_findings(row.facts)) == row.want
