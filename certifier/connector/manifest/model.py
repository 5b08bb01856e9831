"""What loading connect.yaml produced: plain data, positions of every path, and the load's findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from certifier.core.model import Finding, Location

MANIFEST_FILE = "connect.yaml"
ROOT_LABEL = "file content"  # how the official validator names the root path in messages


@dataclass(frozen=True)
class ManifestLoad:
    """connect.yaml as loaded once for the whole run.

    exists     the file is present at the root under exactly the name connect.yaml
    parsed     the bytes were read and YAML produced one document (data may still be None: empty file)
    data       plain dict/list/str/int/float/bool/None, never ruamel types
    positions  dotted path ("deployAs.0.endpoint"; root is "") -> 1-based (line, column) of the key or item
    findings   problems of the load itself (missing, size, encoding, YAML syntax, limits, empty, not a mapping)
    """

    exists: bool
    parsed: bool = False
    data: Any = None
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()
    file: str = MANIFEST_FILE

    @property
    def is_mapping(self) -> bool:
        """True when there is something to validate: the document is a mapping."""
        return self.parsed and isinstance(self.data, dict)

    def locate(self, manifest_path: str) -> Location:
        return locate(self.positions, manifest_path, self.file)


def locate(positions: dict[str, tuple[int, int]], manifest_path: str, file: str = MANIFEST_FILE) -> Location:
    """Location of a dotted path, falling back to its nearest existing ancestor (as Connector.locate)."""
    path = manifest_path
    while path:
        if path in positions:
            line, column = positions[path]
            return Location(path=file, line=line, column=column)
        path = path.rpartition(".")[0]
    line, column = positions.get("", (1, 1))
    return Location(path=file, line=line, column=column)


def label(manifest_path: str) -> str:
    """The path as the official validator writes it inside [brackets]."""
    return manifest_path or ROOT_LABEL


def join(parent: str, child: object) -> str:
    return f"{parent}.{child}" if parent else str(child)
