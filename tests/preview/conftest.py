"""Fixtures of the preview tests: the build stage replaced by a small stand-in (preview_support)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from preview_support import simple_build  # noqa: E402


@pytest.fixture
def fake_build(monkeypatch):
    import certifier.collect.preview.deployment as deployment
    from certifier.collect.preview import builds

    monkeypatch.setattr(builds, "build_of", simple_build)
    monkeypatch.setattr(deployment, "build_of", simple_build)
    return simple_build
