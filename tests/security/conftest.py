"""Security-stage test helpers: a CheckContext (with a RunSession) for a connector folder on disk, and the
results of one security check on it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from certifier.checks.execute import run_everywhere
from certifier.checks.registry import get
from certifier.collect.context import CheckContext, RunOptions
from certifier.connector.inventory import take_inventory
from certifier.core.model import CheckResult
from certifier.collect.session import RunSession
from certifier.source.checkout import Checkout
from support import CONNECTORS, EXAMPLES


def listed(root: Path) -> tuple[str, ...]:
    files = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in names:
            full = Path(folder) / name
            if full.is_file() and not full.is_symlink():
                files.append(full.relative_to(root).as_posix())
    return tuple(sorted(files))


def context_for(root: Path, workspace: Path) -> CheckContext:
    checkout = Checkout(path=root, source=str(root), files=listed(root), working_tree=True)
    session = RunSession(workspace)
    return CheckContext(take_inventory(checkout), RunOptions(workspace=workspace, session=session))


@pytest.fixture
def connector(tmp_path):
    """connector('sec-eval' | 'examples/goods-store' | Path) -> a writable copy on disk (no node_modules)."""

    def copy(name) -> Path:
        source = Path(name) if isinstance(name, Path) else (
            EXAMPLES / name.split("/", 1)[1] if name.startswith("examples/") else CONNECTORS / name)
        dest = tmp_path / "connector" / source.name
        shutil.copytree(source, dest, symlinks=True, ignore=shutil.ignore_patterns("node_modules", ".git"))
        return dest

    return copy


@pytest.fixture
def check_on(tmp_path):
    """check_on(root, 'sec.sast', ctx=None) -> the check's results (one per app for per-app checks)."""

    def run(root: Path, check_id: str, ctx: CheckContext | None = None) -> list[CheckResult]:
        ctx = ctx or context_for(root, tmp_path / "workspace")
        return run_everywhere(get(check_id), ctx)

    return run


@pytest.fixture
def make_ctx(tmp_path):
    return lambda root: context_for(root, tmp_path / "workspace")
