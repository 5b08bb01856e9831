"""Shared test fixtures: fixture connectors on disk and throwaway tagged git repositories."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from support import CONNECTORS, make_tagged_repo


@pytest.fixture(autouse=True, scope="session")
def _private_result_cache(tmp_path_factory):
    """Tests never reuse check results or data from a developer's earlier runs."""
    import os

    settings = {
        "CERTIFIER_RESULT_CACHE_DIR": str(tmp_path_factory.mktemp("result-cache")),
        # the shipped seed advisory database, never a developer's synced one
        "CERTIFIER_ADVISORY_DB": "seed",
    }
    previous = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    yield
    for name, value in previous.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture
def connector_copy(tmp_path):
    """copy('name') -> a writable copy of tests/fixtures/connectors/<name>."""

    def copy(name: str) -> Path:
        dest = tmp_path / name
        shutil.copytree(CONNECTORS / name, dest, symlinks=True)
        return dest

    return copy


@pytest.fixture
def tagged_repo(tmp_path):
    """tagged_repo('name', tag=..., annotated=...) -> path of a git repo made from a fixture connector."""

    def build(name: str, tag: str = "v1.0.0", annotated: bool = True, base: Path = CONNECTORS) -> Path:
        return make_tagged_repo(base / name, tmp_path / f"repo-{name}", tag, annotated)

    return build
