"""package-lock.json v1, v2 and v3: versions, dev/direct, aliases, workspaces, lines and precise errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from certifier.collect.advisories.discover import parse_lockfile
from certifier.collect.advisories.model import LockfileError

V3 = {
    "name": "ws", "version": "1.0.0", "lockfileVersion": 3, "requires": True,
    "packages": {
        "": {"name": "ws", "workspaces": ["packages/*"], "dependencies": {"lodash": "^4.17.0", "alias": "npm:qs@6.5.2"},
             "devDependencies": {"typescript": "^5.0.0"}},
        "node_modules/lodash": {"version": "4.17.15", "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.15.tgz",
                                "integrity": "sha512-abc", "license": "MIT"},
        "node_modules/alias": {"name": "qs", "version": "6.5.2", "license": "BSD-3-Clause"},
        "node_modules/typescript": {"version": "5.9.3", "dev": True, "license": "Apache-2.0"},
        "node_modules/a": {"version": "1.0.0", "license": {"type": "ISC"}},
        "node_modules/a/node_modules/minimist": {"version": "1.2.5", "dev": True, "license": "MIT"},
        "node_modules/git-dep": {"version": "2.0.0", "resolved": "git+ssh://git@github.com/x/y.git#abc"},
        "node_modules/opt": {"version": "1.0.0", "devOptional": True, "optional": False},
        "node_modules/member": {"resolved": "packages/member", "link": True},
        "packages/member": {"name": "member", "version": "0.1.0", "dependencies": {"semver": "^7.0.0"}},
        "packages/member/node_modules/semver": {"version": "7.5.1", "license": "ISC"},
    },
}


def write(tmp_path: Path, data, name="package-lock.json", package_json=None) -> Path:
    (tmp_path / name).write_text(json.dumps(data, indent=2) if not isinstance(data, str) else data)
    if package_json is not None:
        (tmp_path / "package.json").write_text(json.dumps(package_json))
    return tmp_path


def parse(root: Path, name="package-lock.json"):
    files = [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()]
    return parse_lockfile(root, name, files)


def by_path(inventory):
    return {p.path_in_lock: p for p in inventory.packages}


def test_v3_versions_flags_licences_and_lines(tmp_path):
    inventory = parse(write(tmp_path, V3))
    assert (inventory.kind, inventory.format_version, inventory.records_licenses) == ("npm", "3", True)
    pkgs = by_path(inventory)
    assert set(pkgs) == {"node_modules/lodash", "node_modules/alias", "node_modules/typescript", "node_modules/a",
                         "node_modules/a/node_modules/minimist", "node_modules/git-dep", "node_modules/opt",
                         "packages/member/node_modules/semver"}
    lodash = pkgs["node_modules/lodash"]
    assert (lodash.version, lodash.direct, lodash.dev, lodash.license, lodash.integrity) == (
        "4.17.15", True, False, "MIT", "sha512-abc")
    text = (tmp_path / "package-lock.json").read_text().splitlines()
    assert '"node_modules/lodash"' in text[lodash.line - 1]
    assert pkgs["node_modules/alias"].name == "qs" and pkgs["node_modules/alias"].direct
    assert pkgs["node_modules/typescript"].dev and pkgs["node_modules/typescript"].direct
    assert not pkgs["node_modules/a"].direct and pkgs["node_modules/a"].license == "ISC"
    nested = pkgs["node_modules/a/node_modules/minimist"]
    assert (nested.name, nested.direct, nested.dev) == ("minimist", False, True)
    assert '"node_modules/a/node_modules/minimist"' in text[nested.line - 1]
    assert not pkgs["node_modules/git-dep"].registry and pkgs["node_modules/lodash"].registry
    assert not pkgs["node_modules/opt"].dev  # devOptional may still ship
    assert pkgs["packages/member/node_modules/semver"].direct  # declared by the workspace member


def test_v2_uses_the_packages_section(tmp_path):
    data = {"lockfileVersion": 2, "packages": {"": {"dependencies": {"lodash": "1"}},
                                               "node_modules/lodash": {"version": "4.17.21"}},
            "dependencies": {"lodash": {"version": "4.17.11"}}}
    inventory = parse(write(tmp_path, data))
    assert [(p.name, p.version, p.direct) for p in inventory.packages] == [("lodash", "4.17.21", True)]


def test_v1_nested_dependencies_aliases_and_package_json_roots(tmp_path):
    data = {"lockfileVersion": 1, "dependencies": {
        "lodash": {"version": "4.17.11", "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.11.tgz"},
        "jest": {"version": "29.0.0", "dev": True, "dependencies": {
            "minimist": {"version": "0.0.8", "dev": True}}},
        "my-qs": {"version": "npm:qs@6.5.2"},
        "local": {"version": "file:../local"},
    }}
    root = write(tmp_path, data, package_json={"dependencies": {"lodash": "^4", "my-qs": "npm:qs@6.5.2"},
                                               "devDependencies": {"jest": "29"}})
    inventory = parse(root)
    pkgs = by_path(inventory)
    assert inventory.records_licenses is False
    assert pkgs["node_modules/lodash"].direct and not pkgs["node_modules/lodash"].dev
    nested = pkgs["node_modules/jest/node_modules/minimist"]
    assert (nested.version, nested.dev, nested.direct) == ("0.0.8", True, False)
    text = (tmp_path / "package-lock.json").read_text().splitlines()
    assert '"minimist"' in text[nested.line - 1]
    assert (pkgs["node_modules/my-qs"].name, pkgs["node_modules/my-qs"].version) == ("qs", "6.5.2")
    assert not pkgs["node_modules/local"].registry


def test_an_empty_lockfile_has_no_packages(tmp_path):
    assert parse(write(tmp_path, {"lockfileVersion": 3, "packages": {"": {"name": "x"}}})).packages == ()


@pytest.mark.parametrize("text, problem, line", [
    ('{\n  "lockfileVersion": 3,\n  "packages": {,}\n}', "not valid JSON", 3),
    ('{"name": "x"}', "no integer `lockfileVersion`", 1),
    ('[1, 2]', "no integer `lockfileVersion`", 1),
    ('{"lockfileVersion": 3, "packages": {"node_modules/a": {"dev": true}}}', "has no version", 1),
])
def test_corrupt_lockfiles_say_why(tmp_path, text, problem, line):
    with pytest.raises(LockfileError, match=problem) as raised:
        parse(write(tmp_path, text))
    assert raised.value.path == "package-lock.json" and raised.value.line == line


def test_unreadable_and_oversized_lockfiles_are_errors(tmp_path, monkeypatch):
    (tmp_path / "package-lock.json").write_bytes(b"\x00\x01binary")
    with pytest.raises(LockfileError, match="binary"):
        parse(tmp_path)
    from certifier.collect.advisories import discover

    monkeypatch.setattr(discover, "limit", lambda name: 10)
    write(tmp_path, V3)
    with pytest.raises(LockfileError, match="larger than"):
        parse(tmp_path)
