"""CycloneDX 1.6 JSON SBOM of every locked package of a run (cyclonedx-python-lib).

One component per distinct package (purl), with its licence, integrity hashes, the lockfiles naming it
and whether it is a development dependency (scope `excluded`: not needed at run time). The connector
itself is the metadata component; it depends on the direct dependencies.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable

from cyclonedx.model import ExternalReference, ExternalReferenceType, HashAlgorithm, HashType, Property, XsUri
from cyclonedx.model.bom import Bom
from cyclonedx.model.bom_ref import BomRef
from cyclonedx.model.component import Component, ComponentScope, ComponentType
from cyclonedx.model.dependency import Dependable, Dependency
from cyclonedx.model.license import DisjunctiveLicense, LicenseExpression
from cyclonedx.output.json import JsonV1Dot6
from packageurl import PackageURL

from certifier import __version__
from certifier.collect.advisories.licenses import classify, is_expression
from certifier.collect.advisories.model import NPM, PYPI, Package, normalise_name

_SRI = {"sha1": (HashAlgorithm.SHA_1, 20), "sha256": (HashAlgorithm.SHA_256, 32),
        "sha384": (HashAlgorithm.SHA_384, 48), "sha512": (HashAlgorithm.SHA_512, 64)}


@dataclass(frozen=True)
class Subject:
    """What the SBOM describes: the connector at a tag/commit."""

    name: str
    version: str
    identity: str  # source + commit/tree: names the SBOM's serial number


def build_bom(subject: Subject, packages: Iterable[Package], created: datetime | None = None) -> Bom:
    root = Component(name=subject.name, version=subject.version, type=ComponentType.APPLICATION,
                     bom_ref=f"connector:{subject.name}")
    bom = Bom(serial_number=uuid.uuid5(uuid.NAMESPACE_URL, f"certifier-sbom:{subject.identity}"))
    bom.register_dependency = _DependencyIndex(bom).register_dependency  # type: ignore[method-assign]
    bom.metadata.component = root
    bom.metadata.timestamp = created or datetime.now(timezone.utc)
    bom.metadata.tools.components.add(Component(name="certifier", version=__version__,
                                                type=ComponentType.APPLICATION))
    grouped: dict[str, list[Package]] = {}
    for package in packages:
        grouped.setdefault(_ref(package), []).append(package)
    components = {ref: _component(ref, group) for ref, group in sorted(grouped.items())}
    for component in components.values():
        bom.components.add(component)
    direct = [components[ref] for ref, group in grouped.items() if any(p.direct for p in group)]
    bom.register_dependency(root, direct)
    return bom


class _DependencyIndex:
    """register_dependency of a Bom through an index of its entries. The library's own scans every entry per
    call, and every output registers every component again (in validate()): quadratic, 1.2 s of an SBOM of
    1,500 packages. It is set on the instance because py-serializable writes only the Bom class itself
    (a subclass serialises to nothing); the entries and their order are the library's."""

    def __init__(self, bom: Bom) -> None:
        self._bom = bom
        self._entries: dict[BomRef, Dependency] = {}
        self._of: object = None

    def register_dependency(self, target: Dependable, depends_on: Iterable[Dependable] | None = None) -> None:
        entries = self._current()
        found = entries.get(target.bom_ref)
        if found is None:
            found = Dependency(ref=target.bom_ref, dependencies=[Dependency(ref=d.bom_ref) for d in depends_on or ()])
            self._bom.dependencies.add(found)
            entries[target.bom_ref] = found
        elif depends_on:
            found.dependencies.update(Dependency(ref=d.bom_ref) for d in depends_on)
        for dependency in depends_on or ():
            self.register_dependency(dependency)

    def _current(self) -> dict[BomRef, Dependency]:
        """The index, rebuilt whenever the entries were replaced or changed behind it."""
        entries = self._bom.dependencies
        if self._of is not entries or len(self._entries) != len(entries):
            self._entries, self._of = {entry.ref: entry for entry in entries}, entries
        return self._entries


def render(bom: Bom) -> str:
    return JsonV1Dot6(bom).output_as_string(indent=2)


def _ref(package: Package) -> str:
    purl = _purl(package)
    return purl.to_string() if purl else f"{package.lockfile}#{package.path_in_lock}"


def _purl(package: Package) -> PackageURL | None:
    if not package.registry or not package.version:
        return None
    if package.ecosystem == NPM:
        scope, _, name = package.name.rpartition("/") if package.name.startswith("@") else ("", "", package.name)
        return PackageURL("npm", scope or None, name, package.version)
    if package.ecosystem == PYPI:
        return PackageURL("pypi", None, normalise_name(PYPI, package.name), package.version)
    return None


def _component(ref: str, group: list[Package]) -> Component:
    first = group[0]
    purl = _purl(first)
    scope_name, _, name = first.name.rpartition("/") if first.name.startswith("@") else ("", "", first.name)
    properties = [Property(name="certifier:lockfile", value=lf) for lf in sorted({p.lockfile for p in group})]
    dev = all(p.dev for p in group)
    if first.ecosystem == NPM and dev:
        properties.append(Property(name="cdx:npm:package:development", value="true"))
    return Component(
        name=name, group=scope_name or None, version=first.version or None, type=ComponentType.LIBRARY,
        bom_ref=ref, purl=purl, scope=ComponentScope.EXCLUDED if dev else ComponentScope.REQUIRED,
        licenses=_licenses(next((p.license for p in group if p.license), None)),
        hashes=_hashes(next((p.integrity for p in group if p.integrity), None)),
        external_references=_references(first), properties=properties,
    )


def _licenses(text: str | None) -> list:
    if not text:
        return []
    known = classify(text).category != "unknown" and is_expression(text)
    return [LicenseExpression(text)] if known else [DisjunctiveLicense(name=text[:200])]


def _hashes(integrity: str | None) -> list[HashType]:
    """Subresource-integrity strings ('sha512-<base64> ...') as hex digests."""
    out = []
    for part in (integrity or "").split():
        algorithm, _, encoded = part.partition("-")
        if algorithm not in _SRI or not encoded:
            continue
        kind, size = _SRI[algorithm]
        try:
            digest = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            continue
        if len(digest) == size:  # a truncated or padded value is no hash of anything
            out.append(HashType(alg=kind, content=digest.hex()))
    return out


def _references(package: Package) -> list[ExternalReference]:
    if not package.resolved or not package.resolved.startswith(("https://", "http://")):
        return []
    try:
        return [ExternalReference(type=ExternalReferenceType.DISTRIBUTION, url=XsUri(package.resolved[:2000]))]
    except (ValueError, TypeError):
        return []
