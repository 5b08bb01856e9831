"""manifest_validity: True exactly when the file parsed and passed the schema and the official rules."""

from __future__ import annotations

from certifier.connector.manifest import load_manifest, manifest_validity
from certifier.core.model import Severity


def test_valid_manifest(load_text):
    assert manifest_validity(load_text("deployAs:\n  - {name: web, applicationType: assets}\n")) == (True, [])


def test_missing_manifest_is_invalid(tmp_path):
    valid, findings = manifest_validity(load_manifest(tmp_path))
    assert valid is False and [f.rule for f in findings] == ["manifest.missing"]


def test_unparsable_and_empty_manifests_are_invalid(load_text):
    assert manifest_validity(load_text("deployAs: [\n"))[0] is False
    valid, findings = manifest_validity(load_text(""))
    assert valid is False and [f.message for f in findings] == ["[file content]: Expected object, received null"]


def test_warnings_never_make_it_invalid(load_text):
    load = load_text("deployAs:\n  - <<: {applicationType: assets}\n    name: web\n")
    valid, findings = manifest_validity(load)
    assert [(f.rule, f.severity) for f in findings] == [("manifest.merge-key", Severity.WARNING)]
    assert valid is True


def test_official_rules_make_it_invalid(load_text):
    valid, findings = manifest_validity(load_text("""
        deployAs:
          - {name: web, applicationType: assets}
          - {name: web, applicationType: assets}
        """))
    assert valid is False
    assert [(f.message, f.manifest_path, f.location.display()) for f in findings] == [
        ("[file content]: Duplicate application name found: web", "deployAs.1.name", "connect.yaml:3:6")]
