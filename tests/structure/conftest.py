"""Structure-stage test fixtures: CheckContexts and results over connector folders, built by tests/harness.py
(certifier's own working-tree fetch), and small editors of package.json and connect.yaml."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from ruamel.yaml import YAML

import harness
from certifier.checks.registry import CheckSpec, load_all
from certifier.collect.context import CheckContext
from certifier.core.model import CheckResult
from support import CONNECTORS


# --- fixtures ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def catalogue() -> dict[str, CheckSpec]:
    return {k: v for k, v in load_all().items() if k.startswith("struct.")}


@pytest.fixture
def workdir(connector_copy) -> Callable[[str], Path]:
    """workdir('name') -> a writable copy of tests/fixtures/connectors/<name> (symlinks kept as links)."""
    return connector_copy


@pytest.fixture
def results() -> Callable[..., list[CheckResult]]:
    """results(root, 'struct.x') -> the CheckResults of one check (one per app for per-app checks)."""
    return lambda root, check_id: harness.results(check_id, root)


@pytest.fixture
def app_result() -> Callable[..., CheckResult]:
    """app_result(root, 'struct.x', 'app-name') -> the result of a per-app check on one app."""
    return lambda root, check_id, app="hello-service": harness.app_result(check_id, root, app)


@pytest.fixture
def edit_package():
    """edit_package(root, change, app='hello-service'): rewrite the app's package.json via change(dict)."""
    import json

    def edit(root: Path, change: Callable[[dict], None], app: str = "hello-service") -> Path:
        path = root / app / "package.json"
        data = json.loads(path.read_text())
        change(data)
        path.write_text(json.dumps(data, indent=2) + "\n")
        return path

    return edit


@pytest.fixture
def set_scripts():
    """set_scripts(root, postDeploy=..., preUndeploy=...): rewrite the first app's connect.yaml scripts
    (None removes one)."""

    def edit(root: Path, **scripts: str | None) -> None:
        yaml = YAML()
        path = root / "connect.yaml"
        data = yaml.load(path.read_text())
        current = data["deployAs"][0].setdefault("scripts", {})
        for name, value in scripts.items():
            if value is None:
                current.pop(name, None)
            else:
                current[name] = value
        if not current:
            del data["deployAs"][0]["scripts"]
        with path.open("w") as out:
            yaml.dump(data, out)

    return edit


@pytest.fixture
def context() -> Callable[[Path], CheckContext]:
    """context(root) -> a CheckContext for the connector folder at root."""
    return harness.context


@pytest.fixture
def fixture_dir() -> Callable[[str], Path]:
    """fixture_dir('name') -> tests/fixtures/connectors/<name> (read-only)."""
    return lambda name: CONNECTORS / name
