"""Workspaces for the sandbox tests: each released (its disk quota unmounted) afterwards."""

from __future__ import annotations

import pytest

from certifier.sandbox import namespaces, quota
from certifier.sandbox.cgroups import RunLimits
from certifier.sandbox.runner import Workspace

needs_namespaces = pytest.mark.skipif(not namespaces.enabled(), reason="needs bubblewrap (make install sets it up)")


@pytest.fixture
def make_workspace(tmp_path):
    made: list[Workspace] = []

    def make(name: str = "ws", **limits) -> Workspace:
        workspace = Workspace(tmp_path / name, limits=RunLimits(**limits)).prepare()
        made.append(workspace)
        return workspace

    yield make
    for workspace in made:
        quota.release(workspace.root)
