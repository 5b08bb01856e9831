"""Helpers for the dependencies stage tests: contexts over fixture connectors, the fixture advisory DB."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from certifier.checks.execute import run_check
from certifier.checks.registry import load_all
from certifier.collect.context import CheckContext, RunOptions
from certifier.connector.inventory import take_inventory
from certifier.collect.session import RunSession
from certifier.source.checkout import Checkout

TESTS = Path(__file__).parent.parent
CONNECTORS = TESTS / "fixtures" / "connectors"
FIXTURE_DB = TESTS / "fixtures" / "advisories"


def list_files(root: Path) -> tuple[str, ...]:
    out = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        out += [(Path(folder) / n).relative_to(root).as_posix() for n in names]
    return tuple(sorted(out))


def make_context(root: Path, session: RunSession | None = None, extra: dict | None = None) -> CheckContext:
    checkout = Checkout(path=root, source=str(root), working_tree=True, files=list_files(root))
    return CheckContext(take_inventory(checkout), RunOptions(session=session, extra=extra or {}))


@pytest.fixture(autouse=True)
def _seed_db(monkeypatch, tmp_path):
    """Every test starts from the shipped seed, whatever a developer synced into ~/.cache."""
    monkeypatch.setenv("CERTIFIER_ADVISORY_DB", "seed")
    monkeypatch.setenv("CERTIFIER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CERTIFIER_ADVISORIES_ONLINE", raising=False)


@pytest.fixture
def fixture_db(monkeypatch):
    monkeypatch.setenv("CERTIFIER_ADVISORY_DB", str(FIXTURE_DB))
    return FIXTURE_DB


@pytest.fixture
def copy_connector(tmp_path):
    def copy(name: str) -> Path:
        dest = tmp_path / name
        shutil.copytree(CONNECTORS / name, dest, symlinks=True)
        return dest

    return copy


@pytest.fixture
def context_of():
    """context_of(root, session=None, extra=None) -> a CheckContext over a connector folder."""
    return make_context


@pytest.fixture
def run_deps(tmp_path):
    """run_deps(root, check_id, app=None, extra=None) -> CheckResult (with a RunSession)."""

    def run(root: Path, check_id: str, app: str | None = "hello-service", extra: dict | None = None):
        session = RunSession(tmp_path / "workspace")
        (tmp_path / "workspace").mkdir(exist_ok=True)
        ctx = make_context(root, session, extra)
        spec = load_all()[check_id]
        target = ctx.for_app(ctx.connector.app(app)) if app else ctx
        result = run_check(spec, target)
        run.session = session
        return result

    return run
