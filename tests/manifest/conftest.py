"""Helpers for the specification-stage tests: connectors made from minimal/ with another connect.yaml, their
inventory and check results through tests/harness.py (certifier's own working-tree fetch)."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

import harness
from certifier.connector.manifest import ManifestLoad, load_manifest
from certifier.core.model import CheckResult
from support import CONNECTORS


def _run(check_id: str, root: Path) -> CheckResult:
    results = harness.results(check_id, root)
    assert len(results) == 1  # every spec.* check is connector-scoped
    return results[0]


@pytest.fixture
def inventory_of():
    """inventory_of(root) -> Inventory of the connector at root, as the working-tree fetch lists it."""
    return harness.inventory


@pytest.fixture
def run_check():
    """run_check(check_id, root) -> the CheckResult of one registered check on the connector at root."""
    return _run


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


@pytest.fixture
def connector(tmp_path):
    """connector(yaml_text, name='c') -> a copy of minimal/ whose connect.yaml is yaml_text (dedented)."""

    def make(text: str | None, name: str = "c", base: str = "minimal") -> Path:
        root, n = tmp_path / name, 1
        while root.exists():  # several connectors in one test
            root, n = tmp_path / f"{name}{n}", n + 1
        shutil.copytree(CONNECTORS / base, root, symlinks=True)
        if text is None:
            (root / "connect.yaml").unlink()
        else:
            (root / "connect.yaml").write_text(dedent(text), encoding="utf-8")
        return root

    return make


@pytest.fixture
def load_text(tmp_path):
    """load_text(text_or_bytes) -> ManifestLoad of a connect.yaml with exactly that content."""

    def load(content: str | bytes, dedented: bool = True) -> ManifestLoad:
        root = tmp_path / "m"
        root.mkdir(exist_ok=True)
        raw = content if isinstance(content, bytes) else (dedent(content) if dedented else content).encode("utf-8")
        (root / "connect.yaml").write_bytes(raw)
        return load_manifest(root)

    return load
