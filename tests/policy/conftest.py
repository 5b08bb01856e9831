"""Fixtures for policy tests; the builders live in policy_builders.py next to this file."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # --import-mode=importlib: make policy_builders importable

from certifier.policy.profiles import load_profile  # noqa: E402


@pytest.fixture(scope="session")
def profiles() -> SimpleNamespace:
    return SimpleNamespace(preview=load_profile("preview"), publish=load_profile("publish"),
                           certification=load_profile("certification"))
