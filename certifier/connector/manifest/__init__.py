"""connect.yaml: loading (positions, limits), JSON Schema validation and the official semantic rules.

load_manifest(root)        -> ManifestLoad       read and parse once, never raises for connector input
validate_manifest(load)    -> list[Finding]      schema + official rules + the certifier's spec-gate additions
manifest_validity(load)    -> (valid, findings)  valid exactly when the file parsed and passed all of them
"""

from __future__ import annotations

from certifier.connector.manifest.loader import load_manifest
from certifier.connector.manifest.model import MANIFEST_FILE, ManifestLoad, locate
from certifier.connector.manifest.validity import manifest_validity, validate_manifest

__all__ = ["MANIFEST_FILE", "ManifestLoad", "load_manifest", "locate", "manifest_validity", "validate_manifest"]
