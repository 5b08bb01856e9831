"""Test factory for the structure stage: a CheckContext for a connector folder on disk.

It uses certifier.connector.inventory.take_inventory when that module exists; otherwise it builds the Connector
model from connect.yaml itself (ruamel.yaml round-trip, for line numbers). Checks only see the
Connector/App/Checkout contract either way.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from certifier.checks.execute import run_check, run_everywhere
from certifier.checks.registry import CheckSpec, load_all
from certifier.connector.model import App, ConfigEntry, Connector
from certifier.collect.context import CheckContext, Inventory, RunOptions
from certifier.core.model import CheckResult
from certifier.source.checkout import Checkout

CONNECTORS = Path(__file__).parent.parent / "fixtures" / "connectors"


def list_tree(root: Path) -> tuple[tuple[str, ...], dict[str, str]]:
    """Regular files and symlinks (-> stored target) under root, as repo-relative POSIX paths; never follows links."""
    files, links = [], {}
    for folder, dirs, names in os.walk(root, followlinks=False):
        base = Path(folder)
        for name in [*names, *dirs]:
            full = base / name
            rel = full.relative_to(root).as_posix()
            if rel == ".git" or rel.startswith(".git/"):
                continue
            if full.is_symlink():
                links[rel] = os.readlink(full)
            elif name in names and full.is_file():
                files.append(rel)
        dirs[:] = [d for d in dirs if d != ".git" and not (base / d).is_symlink()]
    return tuple(sorted(files)), links


def make_checkout(root: Path) -> Checkout:
    files, links = list_tree(root)
    return Checkout(path=root, source=str(root), working_tree=True, files=files, symlinks=links)


def make_context(root: Path) -> CheckContext:
    checkout = make_checkout(root)
    try:
        from certifier.connector.inventory import take_inventory  # written concurrently by another helper
    except ImportError:
        inventory = Inventory(checkout=checkout, manifest=None, connector=build_connector(root, checkout.files))
    else:
        inventory = take_inventory(checkout)
    return CheckContext(inventory=inventory, options=RunOptions())


# --- stand-in for certifier.connector.inventory ---------------------------------------------------------------


def build_connector(root: Path, files: tuple[str, ...]) -> Connector:
    loaded = YAML().load((root / "connect.yaml").read_text(encoding="utf-8"))
    positions: dict[str, tuple[int, int]] = {}
    _positions(loaded, "", positions)
    data = _plain(loaded)
    apps = tuple(_app(root, index, raw) for index, raw in enumerate(data.get("deployAs") or []))
    inherit = (data.get("inheritAs") or {}).get("configuration") or {}
    scopes = ((data.get("inheritAs") or {}).get("apiClient") or {}).get("scopes")
    return Connector(
        root=root,
        manifest_file="connect.yaml",
        data=data,
        positions=positions,
        apps=apps,
        global_config=_entries(inherit, "inheritAs.configuration", is_global=True),
        api_scopes=tuple(scopes) if scopes is not None else None,
        files=files,
    )


def _app(root: Path, index: int, raw: dict[str, Any]) -> App:
    name = str(raw.get("name", ""))
    folder = root / name
    path = folder.resolve() if name and folder.is_dir() and folder.resolve().is_relative_to(root.resolve()) else None
    return App(
        index=index,
        name=name,
        type=str(raw.get("applicationType", "")),
        manifest_path=f"deployAs.{index}",
        folder=name,
        path=path,
        endpoint=raw.get("endpoint"),
        config=_entries(raw.get("configuration") or {}, f"deployAs.{index}.configuration"),
        scripts=dict(raw.get("scripts") or {}),
        properties=dict(raw.get("properties") or {}),
        raw=raw,
    )


def _entries(config: dict[str, Any], base: str, is_global: bool = False) -> tuple[ConfigEntry, ...]:
    out = []
    for kind, secured in (("standardConfiguration", False), ("securedConfiguration", True)):
        for n, entry in enumerate(config.get(kind) or []):
            out.append(
                ConfigEntry(
                    key=str(entry.get("key")),
                    description=entry.get("description"),
                    required=entry.get("required"),
                    default=entry.get("default"),
                    secured=secured,
                    manifest_path=f"{base}.{kind}.{n}",
                    is_global=is_global,
                )
            )
    return tuple(out)


def _positions(node: Any, path: str, out: dict[str, tuple[int, int]]) -> None:
    if isinstance(node, dict):
        for key in node:
            child = f"{path}.{key}" if path else str(key)
            line, column = node.lc.key(key)
            out[child] = (line + 1, column + 1)
            _positions(node[key], child, out)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            line, column = node.lc.item(index)
            out[f"{path}.{index}"] = (line + 1, column + 1)
            _positions(item, f"{path}.{index}", out)


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


# --- fixtures ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def catalogue() -> dict[str, CheckSpec]:
    return {k: v for k, v in load_all().items() if k.startswith("struct.")}


@pytest.fixture
def workdir(tmp_path) -> Callable[[str], Path]:
    """workdir('name') -> a writable copy of tests/fixtures/connectors/<name> (symlinks kept as links)."""

    def copy(name: str) -> Path:
        dest = tmp_path / name
        shutil.copytree(CONNECTORS / name, dest, symlinks=True)
        return dest

    return copy


@pytest.fixture
def results(catalogue) -> Callable[..., list[CheckResult]]:
    """results(root, 'struct.x') -> the CheckResults of one check (one per app for per-app checks)."""

    def run(root: Path, check_id: str) -> list[CheckResult]:
        return run_everywhere(catalogue[check_id], make_context(root))

    return run


@pytest.fixture
def app_result(catalogue) -> Callable[..., CheckResult]:
    """app_result(root, 'struct.x', 'app-name') -> the result of a per-app check on one app."""

    def run(root: Path, check_id: str, app: str = "hello-service") -> CheckResult:
        ctx = make_context(root)
        target = ctx.for_app(ctx.connector.app(app))
        return run_check(catalogue[check_id], target)

    return run


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
    return make_context


@pytest.fixture
def fixture_dir() -> Callable[[str], Path]:
    """fixture_dir('name') -> tests/fixtures/connectors/<name> (read-only)."""
    return lambda name: CONNECTORS / name


@pytest.fixture
def build_stand_in():
    """The connect.yaml stand-in used when certifier.connector.inventory is not importable (tested against it)."""
    return build_connector


@pytest.fixture
def checkout_of():
    return make_checkout
