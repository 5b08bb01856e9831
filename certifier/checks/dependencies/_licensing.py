"""Findings of deps.license: the licence facts of lockfile inventories (pure).

Every finding about a licence carries its facts in `properties`: the declared expression (`license`), the
SPDX ids it names (`spdx`) and its category (`category`, from rules/licenses.yaml alone). Whether a
profile's allow/deny lists accept or refuse it is decided in certifier.policy.licenses, so a stored report
re-decided under another profile applies that profile's lists. Permissive licences are never reported."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from certifier.collect.advisories.config import bounded, limit
from certifier.collect.advisories.licenses import RANK, Classification, classify
from certifier.collect.advisories.lock_common import folder_of, license_text
from certifier.collect.advisories.model import NPM, LockfileInventory, Package
from certifier.connector.files import join, read_file
from certifier.core.model import Finding, Location, Severity

MAX_MEMBERS = 200  # packages listed in an aggregate finding


def with_metadata(root: Path, files: frozenset[str], inventory: LockfileInventory) -> list[Package]:
    """Packages, with the licence of an installed package.json in the checkout when the lockfile has none."""
    out = []
    for package in inventory.packages:
        if package.license is None and package.ecosystem == NPM and package.path_in_lock.startswith("node_modules/"):
            manifest = join(folder_of(inventory.path), f"{package.path_in_lock}/package.json")
            if manifest in files:
                package = _with_license(package, read_file(root, manifest, limit("lockfile_bytes")).text)
        out.append(package)
    return out


def _with_license(package: Package, text: str | None) -> Package:
    try:
        data = json.loads(text) if text else None
    except ValueError:
        data = None
    found = license_text(data.get("license") or data.get("licenses")) if isinstance(data, dict) else None
    return replace(package, license=found) if found else package


def findings_from(inventory: LockfileInventory, packages: list[Package]) -> Iterator[Finding]:
    """Per-package findings where a default severity applies, then one aggregate per kind of the rest."""
    seen: set[tuple[str, str]] = set()
    unknown_transitive: list[tuple[Package, Classification]] = []
    noted: list[tuple[Package, Classification]] = []
    for package in packages:
        if (package.name, package.version) in seen:
            continue
        seen.add((package.name, package.version))
        verdict = classify(package.license)
        finding = _package_finding(inventory, package, verdict)
        if finding is not None:
            yield finding
        elif (inventory.records_licenses and not package.dev and not package.direct
              and verdict.category in ("unknown", "proprietary")):
            unknown_transitive.append((package, verdict))
        elif verdict.category != "permissive" and package.license:
            noted.append((package, verdict))  # what a profile's deny list may still refuse
    yield from _aggregates(inventory, packages, unknown_transitive, noted)


def _package_finding(inventory: LockfileInventory, package: Package, verdict: Classification) -> Finding | None:
    where = Location(path=package.lockfile, line=package.line)
    declared = package.license or "no licence"
    props = {"package": package.name, "version": package.version, "license": package.license,
             "category": verdict.category, "spdx": list(verdict.ids), "dev": package.dev, "direct": package.direct}
    if package.dev:
        return None  # development tools do not ship with the app
    if verdict.category == "strong-copyleft":
        return Finding(
            message=f"{package.label} ({package.relation} dependency) is licensed {declared} (strong copyleft): "
            "distributing the connector may oblige you to publish its source under the same licence",
            severity=Severity.WARNING, location=where, rule="strong-copyleft",
            key=f"{package.name}@{package.version}", properties=props, needs_review=True,
            remediation=f"Replace {package.name} with a permissively licensed alternative, or have the licence "
            "use accepted by a reviewer.")
    if package.direct and inventory.records_licenses and verdict.category in ("unknown", "proprietary"):
        what = "a proprietary licence" if verdict.category == "proprietary" else "no recognised open-source licence"
        return Finding(
            message=f"{package.label} (direct dependency) declares {what} ({declared})",
            severity=Severity.WARNING, location=where, rule="unknown-license",
            key=f"{package.name}@{package.version}", properties=props, needs_review=True,
            remediation=f"Check the licence of {package.name} and replace it if it is not open source; a "
            "reviewer may accept it.")
    return None


def _members(found: list[tuple[Package, Classification]]) -> dict:
    """The facts of an aggregate: each package's licence, and the union of ids and the worst category."""
    members = [{"package": p.label, "license": p.license, "spdx": list(v.ids), "category": v.category, "dev": p.dev}
               for p, v in found[:MAX_MEMBERS]]
    worst = max((v.category for _, v in found), key=RANK.__getitem__)
    return {"category": worst, "spdx": sorted({i for _, v in found for i in v.ids}), "licenses": members,
            "packages": [f"{p.label} ({p.license or 'none'})" for p, _ in found[:MAX_MEMBERS]]}


def _aggregates(inventory: LockfileInventory, packages: list[Package], unknown: list[tuple[Package, Classification]],
                noted: list[tuple[Package, Classification]]) -> Iterator[Finding]:
    where = Location(path=inventory.path)
    direct = sorted({p.label for p in packages if p.direct and not p.dev})
    if not inventory.records_licenses and direct:
        yield Finding(
            message=f"{inventory.path} ({inventory.kind}) records no licences: the licences of its direct "
            f"production dependencies need a human check: {bounded(direct)}",
            severity=Severity.INFO, location=where, rule="license-not-recorded", key="license-not-recorded",
            needs_review=True, properties={"packages": direct[:200]},
            remediation="Confirm the licence of each direct dependency (npm `license` field) is open source.")
    if unknown:
        labels = [f"{p.label} ({p.license or 'none'})" for p, _ in unknown]
        yield Finding(
            message=f"{len(unknown)} transitive production dependencies in {inventory.path} declare no recognised "
            f"open-source licence: {bounded(labels)}",
            severity=Severity.INFO, location=where, rule="unknown-license-transitive",
            key="unknown-license-transitive", properties=_members(unknown),
            remediation="Review these licences if the connector is distributed.")
    if noted:
        labels = [f"{p.label} ({p.license}{', dev' if p.dev else ''})" for p, _ in noted]
        yield Finding(
            message=f"{len(noted)} dependencies in {inventory.path} carry a licence that is not permissive "
            f"(weak copyleft, or a development tool's): {bounded(labels)}",
            severity=Severity.INFO, location=where, rule="license-noted", key="license-noted",
            properties=_members(noted),
            remediation="Nothing to do unless a licence policy refuses one of them.")
