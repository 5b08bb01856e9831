"""The CycloneDX SBOM: valid against the 1.6 schema (the library's own validator), one component per
package, dev dependencies excluded from run time, integrity hashes as hex, stable serial number."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from cyclonedx.model.bom import Bom
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from certifier.collect.advisories.discover import find_lockfiles, parse_lockfile
from certifier.collect.advisories.model import NPM, PYPI, Package
from certifier.collect.advisories.sbom import Subject, build_bom, render

GOODS_STORE = Path(__file__).parents[2] / "examples" / "goods-store"
SUBJECT = Subject("goods-store", "v1.0.0", "goods-store@abc")
WHEN = datetime(2026, 11, 22, tzinfo=timezone.utc)


def goods_store_packages() -> list[Package]:
    files = [p.relative_to(GOODS_STORE).as_posix() for p in GOODS_STORE.rglob("*") if p.is_file()]
    return [p for lock in find_lockfiles(files) for p in parse_lockfile(GOODS_STORE, lock, files).packages]


def test_goods_store_sbom_is_valid_cyclonedx_1_6():
    text = render(build_bom(SUBJECT, goods_store_packages(), WHEN))
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    bom = json.loads(text)
    assert bom["specVersion"] == "1.6" and bom["metadata"]["component"]["name"] == "goods-store"
    components = {c["purl"]: c for c in bom["components"]}
    assert len(components) == 8  # three apps lock the same 8 packages: one component each
    sdk = components["pkg:npm/%40commercetools/platform-sdk@8.27.0"]
    assert sdk["group"] == "@commercetools" and sdk["scope"] == "required"
    assert sdk["licenses"] == [{"expression": "MIT"}] and sdk["hashes"][0]["alg"] == "SHA-512"
    assert len([p for p in sdk["properties"] if p["name"] == "certifier:lockfile"]) == 3
    typescript = components["pkg:npm/typescript@5.9.3"]
    assert typescript["scope"] == "excluded"
    assert {"name": "cdx:npm:package:development", "value": "true"} in typescript["properties"]
    root = next(d for d in bom["dependencies"] if d["ref"] == "connector:goods-store")
    assert "pkg:npm/buffer@6.0.3" not in root["dependsOn"]  # transitive, not a direct dependency
    assert "pkg:npm/%40commercetools/ts-client@4.10.0" in root["dependsOn"]


def test_same_input_same_serial_number_and_odd_packages_still_valid():
    packages = [
        Package(PYPI, "PyYAML", "5.3.1", False, True, "tools/requirements.txt", "PyYAML"),
        Package(NPM, "local", "1.0.0", False, True, "a/package-lock.json", "node_modules/local", registry=False,
                resolved="file:../local"),
        Package(NPM, "odd", "1.0.0", True, False, "a/package-lock.json", "node_modules/odd",
                license="https://example.com/licence", integrity="sha512-!!notbase64 sha256-AAAA sha1-" + "A" * 27 + "=",
                resolved="https://registry.npmjs.org/odd/-/odd-1.0.0.tgz"),
    ]
    first = render(build_bom(SUBJECT, packages, WHEN))
    assert first == render(build_bom(SUBJECT, packages, WHEN))
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(first) is None
    bom = json.loads(first)
    refs = {c["bom-ref"]: c for c in bom["components"]}
    assert "pkg:pypi/pyyaml@5.3.1" in refs and "a/package-lock.json#node_modules/local" in refs
    odd = refs["pkg:npm/odd@1.0.0"]
    assert odd["licenses"] == [{"license": {"name": "https://example.com/licence"}}]
    assert odd["hashes"] == [{"alg": "SHA-1", "content": "00" * 20}]
    assert odd["externalReferences"][0]["type"] == "distribution"


def test_the_dependency_index_writes_what_the_library_writes(monkeypatch):
    """build_bom registers dependencies through an index (the library's own lookup is quadratic); the SBOM
    must be the one the library alone would write, byte for byte, dependency graph included."""
    packages = [Package(NPM, f"pkg-{n:03d}", f"1.{n}.0", n % 3 == 0, n % 2 == 0, f"app{n % 4}/package-lock.json",
                        f"node_modules/pkg-{n:03d}") for n in range(120)]
    indexed = render(build_bom(SUBJECT, packages, WHEN))
    monkeypatch.setattr("certifier.collect.advisories.sbom._DependencyIndex.register_dependency",
                        lambda self, target, depends_on=None: Bom.register_dependency(self._bom, target, depends_on))
    assert indexed == render(build_bom(SUBJECT, packages, WHEN))
    root = next(d for d in json.loads(indexed)["dependencies"] if d["ref"] == "connector:goods-store")
    assert len(root["dependsOn"]) == 60  # the direct ones, each once
