"""Licence classification: SPDX ids and expressions, aliases, exceptions, allow/deny policies."""

from __future__ import annotations

from pathlib import Path

import pytest

from certifier.collect.advisories.discover import find_lockfiles, parse_lockfile
from certifier.collect.advisories.licenses import Policy, classify

GOODS_STORE = Path(__file__).parents[2] / "examples" / "goods-store"


@pytest.mark.parametrize("text, category", [
    ("MIT", "permissive"), ("Apache-2.0", "permissive"), ("BSD-3-Clause", "permissive"), ("ISC", "permissive"),
    ("MPL-2.0", "weak-copyleft"), ("LGPL-2.1+", "weak-copyleft"),
    ("GPL-2.0-or-later", "strong-copyleft"), ("GPL-3.0", "strong-copyleft"), ("AGPL-3.0-only", "strong-copyleft"),
    ("UNLICENSED", "proprietary"),
    ("(MIT OR GPL-3.0-only)", "permissive"),            # the user may choose MIT
    ("MIT AND GPL-3.0-only", "strong-copyleft"),         # bound by both
    ("GPL-2.0-only WITH Classpath-exception-2.0", "weak-copyleft"),
    ("Apache 2.0", "permissive"), ("The MIT License", "permissive"),
    ("SEE LICENSE IN LICENSE.md", "unknown"), ("https://www.highcharts.com/license", "unknown"),
    ("BSD*", "unknown"), ("Frobnicate-1.0", "unknown"), ("", "unknown"), (None, "unknown"),
])
def test_categories(text, category):
    assert classify(text).category == category


def test_deny_binds_only_when_it_cannot_be_avoided():
    policy = Policy(deny=frozenset({"AGPL-3.0-only"}))
    assert not classify("MIT OR AGPL-3.0-only", policy).is_denied
    assert classify("MIT AND AGPL-3.0-only", policy).denied == ("AGPL-3.0-only",)
    assert classify("AGPL-3.0", policy).is_denied  # the deprecated id resolves to AGPL-3.0-only


def test_allow_accepts_an_id_whatever_its_category():
    assert classify("GPL-3.0-only", Policy(allow=frozenset({"GPL-3.0-only"}))).category == "permissive"


def test_default_lists_come_from_rules_licenses_yaml():
    assert Policy.from_lists() == Policy() and Policy.from_lists(deny=["X"]).deny == frozenset({"X"})


def test_every_goods_store_dependency_is_permissive():
    files = [p.relative_to(GOODS_STORE).as_posix() for p in GOODS_STORE.rglob("*") if p.is_file()]
    licences = {(p.name, p.license): classify(p.license).category
                for lock in find_lockfiles(files) for p in parse_lockfile(GOODS_STORE, lock, files).packages}
    names = {name for name, _ in licences}
    assert {"@commercetools/platform-sdk", "@commercetools/ts-client", "buffer", "base64-js", "ieee754",
            "typescript", "@types/node", "undici-types"} <= names
    assert set(licences.values()) == {"permissive"}, licences
