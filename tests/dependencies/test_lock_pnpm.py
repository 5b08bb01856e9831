"""pnpm-lock.yaml 5.x, 6.x and 9.x: keys with peer suffixes, importers, dev flags or graph walks."""

from __future__ import annotations

from pathlib import Path

import pytest

from certifier.collect.advisories.discover import parse_lockfile
from certifier.collect.advisories.model import LockfileError

V5 = """lockfileVersion: 5.4

specifiers:
  lodash: ^4.17.15
  jest: ^29.0.0

dependencies:
  lodash: 4.17.15

devDependencies:
  jest: 29.0.0_@types+node@18.0.0

packages:

  /lodash/4.17.15:
    resolution: {integrity: sha512-abc}
    dev: false

  /jest/29.0.0_@types+node@18.0.0:
    resolution: {integrity: sha512-def}
    dependencies:
      '@jest/core': 29.0.0
    dev: true

  /@jest/core/29.0.0:
    resolution: {integrity: sha512-ghi}
    dev: true

  /tarball-dep/1.0.0:
    resolution: {tarball: https://example.com/t.tgz}
    name: tarball-dep
    version: 1.0.0
    dev: false
"""

V6 = """lockfileVersion: '6.0'

importers:

  .:
    dependencies:
      semver:
        specifier: ^7.5.0
        version: 7.5.1
    devDependencies:
      '@scope/tool':
        specifier: ^1.0.0
        version: 1.0.0(semver@7.5.1)

packages:

  /semver@7.5.1:
    resolution: {integrity: sha512-abc}
    dependencies:
      lru-cache: 6.0.0
    dev: false

  /lru-cache@6.0.0:
    resolution: {integrity: sha512-def}
    dev: false

  /@scope/tool@1.0.0(semver@7.5.1):
    resolution: {integrity: sha512-ghi}
    peerDependencies:
      semver: '*'
    dev: true
"""

V9 = """lockfileVersion: '9.0'

settings:
  autoInstallPeers: true

importers:

  .:
    dependencies:
      semver:
        specifier: 7.5.1
        version: 7.5.1
    devDependencies:
      '@scope/tool':
        specifier: ^1.0.0
        version: 1.0.0(semver@7.5.1)

  packages/member:
    dependencies:
      lodash:
        specifier: 4.17.15
        version: 4.17.15
      sibling:
        specifier: workspace:*
        version: link:../sibling

packages:

  '@scope/tool@1.0.0':
    resolution: {integrity: sha512-ghi}

  lodash@4.17.15:
    resolution: {integrity: sha512-jkl}

  lru-cache@6.0.0:
    resolution: {integrity: sha512-def}

  semver@7.5.1:
    resolution: {integrity: sha512-abc}

  yallist@4.0.0:
    resolution: {integrity: sha512-mno}

snapshots:

  '@scope/tool@1.0.0(semver@7.5.1)':
    dependencies:
      semver: 7.5.1
      yallist: 4.0.0

  lodash@4.17.15: {}

  lru-cache@6.0.0:
    dependencies:
      yallist: 4.0.0

  semver@7.5.1:
    dependencies:
      lru-cache: 6.0.0

  yallist@4.0.0: {}
"""


def parse(root: Path, text: str):
    (root / "pnpm-lock.yaml").write_text(text)
    return parse_lockfile(root, "pnpm-lock.yaml", ["pnpm-lock.yaml"])


def flags(inventory):
    return {p.name: (p.version, p.direct, p.dev) for p in inventory.packages}


def test_v5_keys_and_dev_flags(tmp_path):
    inventory = parse(tmp_path, V5)
    assert flags(inventory) == {"lodash": ("4.17.15", True, False), "jest": ("29.0.0", True, True),
                                "@jest/core": ("29.0.0", False, True), "tarball-dep": ("1.0.0", False, False)}
    assert not next(p for p in inventory.packages if p.name == "tarball-dep").registry
    lodash = next(p for p in inventory.packages if p.name == "lodash")
    assert V5.splitlines()[lodash.line - 1].strip() == "/lodash/4.17.15:"


def test_v6_importers_with_specifier_and_peer_suffixes(tmp_path):
    assert flags(parse(tmp_path, V6)) == {"semver": ("7.5.1", True, False), "lru-cache": ("6.0.0", False, False),
                                          "@scope/tool": ("1.0.0", True, True)}


def test_v9_snapshots_walk_gives_dev_and_workspace_members_are_roots(tmp_path):
    inventory = parse(tmp_path, V9)
    assert flags(inventory) == {
        "@scope/tool": ("1.0.0", True, True), "lodash": ("4.17.15", True, False),
        "lru-cache": ("6.0.0", False, False), "semver": ("7.5.1", True, False),
        "yallist": ("4.0.0", False, False),  # reached from production (semver -> lru-cache -> yallist)
    }
    semver = next(p for p in inventory.packages if p.name == "semver")
    assert V9.splitlines()[semver.line - 1].strip() == "semver@7.5.1:" and semver.integrity == "sha512-abc"


@pytest.mark.parametrize("text, problem", [
    ("lockfileVersion: '4.0'\n", "not supported"),
    ("lockfileVersion: banana\n", "no usable lockfileVersion"),
    ("- a\n- b\n", "must be a YAML mapping"),
    ("lockfileVersion: '9.0'\npackages:\n  '@x':\n    resolution: {}\n", "names no package"),
])
def test_pnpm_errors(tmp_path, text, problem):
    with pytest.raises(LockfileError, match=problem):
        parse(tmp_path, text)
