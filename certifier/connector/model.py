"""The Connector model: connect.yaml parsed once, with its apps resolved against the checkout.

Checks receive this model (through CheckContext) and never re-read connect.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from certifier.connector.manifest.model import locate
from certifier.core.model import Location


@dataclass(frozen=True)
class ConfigEntry:
    key: str
    description: str | None
    required: bool | None
    default: str | None
    secured: bool
    manifest_path: str  # e.g. deployAs.0.configuration.securedConfiguration.1
    is_global: bool = False  # declared under inheritAs.configuration


@dataclass(frozen=True)
class App:
    index: int
    name: str
    type: str
    manifest_path: str  # deployAs.N
    folder: str  # repository-relative folder name as declared
    path: Path | None  # resolved folder inside the checkout, None when missing or unsafe
    endpoint: str | None = None
    config: tuple[ConfigEntry, ...] = ()
    scripts: dict[str, str] = field(default_factory=dict)
    properties: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Connector:
    root: Path
    manifest_file: str  # "connect.yaml"
    data: dict[str, Any]  # plain data of connect.yaml
    positions: dict[str, tuple[int, int]]  # dotted path -> (line, column), 1-based
    apps: tuple[App, ...] = ()
    global_config: tuple[ConfigEntry, ...] = ()
    api_scopes: tuple[str, ...] | None = None  # inheritAs.apiClient.scopes when present
    files: tuple[str, ...] = ()

    def locate(self, manifest_path: str) -> Location:
        """The connect.yaml location of a dotted path, falling back to its nearest ancestor."""
        return locate(self.positions, manifest_path, self.manifest_file)

    def app(self, name: str) -> App | None:
        return next((a for a in self.apps if a.name == name), None)
