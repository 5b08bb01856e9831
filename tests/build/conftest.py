"""Build-stage test fixtures: one package cache per test session, short step budgets, and a helper that
runs build checks on a connector folder the way the pipeline does (fetch, inventory, RunSession)."""

from __future__ import annotations

import importlib
import os
import pkgutil
from pathlib import Path

import pytest

import harness
from certifier.checks import registry
from certifier.collect.context import CheckContext
from certifier.collect.session import RunSession


@pytest.fixture(autouse=True, scope="session")
def _session_package_cache(tmp_path_factory):
    """Installs in this session share one package cache (warm after the first), never the developer's."""
    previous = os.environ.get("CERTIFIER_PACKAGE_CACHE")
    os.environ["CERTIFIER_PACKAGE_CACHE"] = str(tmp_path_factory.mktemp("package-cache"))
    yield
    if previous is None:
        os.environ.pop("CERTIFIER_PACKAGE_CACHE", None)
    else:
        os.environ["CERTIFIER_PACKAGE_CACHE"] = previous


@pytest.fixture
def context_of(tmp_path):
    """context_of(connector_dir, extra=None, as_is=False) -> CheckContext with a RunSession (closed after
    the test). The folder is committed and tagged first, unless `as_is` (a git work tree to certify as it is)."""
    sessions: list[RunSession] = []

    def make(source: Path, extra: dict | None = None, as_is: bool = False) -> CheckContext:
        workspace = tmp_path / f"run-{len(sessions)}"
        workspace.mkdir()
        checkout = harness.checkout(source) if as_is else harness.tagged_checkout(source)
        session = RunSession(workspace)
        sessions.append(session)
        return harness.context(checkout, workspace=workspace, session=session, extra=extra or {})

    yield make
    for session in sessions:
        session.close()


def build_checks() -> list:
    """The build stage's checks, imported on their own (other stages' modules may be mid-change)."""
    import certifier.checks.build as package

    for module in pkgutil.iter_modules(package.__path__, prefix="certifier.checks.build."):
        importlib.import_module(module.name)
    return [spec for check_id, spec in sorted(registry._REGISTRY.items()) if check_id.startswith("build.")]


@pytest.fixture
def build_results(context_of):
    """build_results(connector_dir, extra=None) -> {(check_id, app): CheckResult} for every build check."""

    def run(source: Path, extra: dict | None = None) -> dict:
        ctx = context_of(source, extra)
        found = {}
        for spec in build_checks():
            for result in harness.results(spec, ctx):
                found[(spec.id, result.app)] = result
        return found

    return run


@pytest.fixture
def build_check_specs() -> list:
    return build_checks()
