"""Parse connect.yaml once and build the Connector model every check receives.

The model is built whenever the YAML is a mapping with a deployAs list, even when it breaks the
schema, so later checks can still give feedback. Only apps with a safe name become Apps: a name is
joined to the checkout path only after it matched ^[a-zA-Z0-9_-]{2,256}$, so '../x' or 'a/b' never
touches the file system.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
import re
from pathlib import Path
from typing import Any

from certifier.connector.model import App, ConfigEntry, Connector
from certifier.connector.manifest import ManifestLoad, load_manifest
from certifier.source.checkout import Checkout

@dataclass(frozen=True)
class Inventory:
    """connect.yaml parsed once. `manifest` is the loader's result (certifier.connector.manifest.ManifestLoad)."""

    checkout: Checkout
    manifest: Any
    connector: Connector | None


SAFE_APP_NAME = re.compile(r"[a-zA-Z0-9_-]{2,256}")
KINDS = ("standardConfiguration", "securedConfiguration")


def take_inventory(checkout: Checkout) -> Inventory:
    load = load_manifest(checkout.path)
    return Inventory(checkout=checkout, manifest=load, connector=build_connector(checkout, load))


def build_connector(checkout: Checkout, load: ManifestLoad) -> Connector | None:
    data = load.data
    if not load.is_mapping or not isinstance(data.get("deployAs"), list):
        return None
    inherit = data.get("inheritAs") if isinstance(data.get("inheritAs"), dict) else {}
    apps = tuple(
        app for index, raw in enumerate(data["deployAs"])
        if (app := _app(checkout.path, index, raw)) is not None
    )
    return Connector(
        root=checkout.path,
        manifest_file=load.file,
        data=data,
        positions=load.positions,
        apps=apps,
        global_config=config_entries(inherit.get("configuration"), "inheritAs.configuration", is_global=True),
        api_scopes=_scopes(inherit.get("apiClient")),
        files=checkout.files,
    )


def is_safe_app_name(name: Any) -> bool:
    return isinstance(name, str) and SAFE_APP_NAME.fullmatch(name) is not None


def _app(root: Path, index: int, raw: Any) -> App | None:
    if not isinstance(raw, dict) or not is_safe_app_name(raw.get("name")):
        return None
    name: str = raw["name"]
    kind = raw.get("applicationType")
    base = f"deployAs.{index}"
    scripts = raw.get("scripts") if isinstance(raw.get("scripts"), dict) else {}
    properties = raw.get("properties") if isinstance(raw.get("properties"), dict) else {}
    return App(
        index=index,
        name=name,
        type=kind if isinstance(kind, str) else "",
        manifest_path=base,
        folder=name,
        path=app_folder(root, name),
        endpoint=raw["endpoint"] if isinstance(raw.get("endpoint"), str) else None,
        config=config_entries(raw.get("configuration"), f"{base}.configuration"),
        scripts={k: v for k, v in scripts.items() if isinstance(v, str)},
        properties=dict(properties),
        raw=raw,
    )


def app_folder(root: Path, name: str) -> Path | None:
    """The app's real directory strictly inside the checkout, or None (missing, wrong case, a file, a link
    that leaves the checkout or resolves to its root).

    `name` must already be a safe app name (no separators, no dots-only names)."""
    try:
        if name not in os.listdir(root):  # case-sensitive even on case-insensitive file systems
            return None
        real_root = Path(os.path.realpath(root))
        real = Path(os.path.realpath(root / name))
    except (OSError, RuntimeError):  # unreadable root, symlink loop
        return None
    if real_root not in real.parents:
        return None
    return real if real.is_dir() else None


def config_entries(configuration: Any, base: str, is_global: bool = False) -> tuple[ConfigEntry, ...]:
    if not isinstance(configuration, dict):
        return ()
    out = []
    for kind in KINDS:
        entries = configuration.get(kind)
        if not isinstance(entries, list):
            continue
        for index, entry in enumerate(entries):
            if isinstance(entry, dict) and isinstance(entry.get("key"), str):
                out.append(_entry(entry, f"{base}.{kind}.{index}", kind == KINDS[1], is_global))
    return tuple(out)


def _entry(entry: dict[str, Any], path: str, secured: bool, is_global: bool) -> ConfigEntry:
    def typed(name: str, kind: type) -> Any:
        value = entry.get(name)
        return value if isinstance(value, kind) else None

    return ConfigEntry(
        key=entry["key"],
        description=typed("description", str),
        required=typed("required", bool),
        default=typed("default", str),
        secured=secured,
        manifest_path=path,
        is_global=is_global,
    )


def _scopes(api_client: Any) -> tuple[str, ...] | None:
    if not isinstance(api_client, dict) or not isinstance(api_client.get("scopes"), list):
        return None
    return tuple(s for s in api_client["scopes"] if isinstance(s, str))
