"""Findings of deps.license: pure decisions over lockfile inventories and a licence policy."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from certifier.collect.advisories.config import bounded, limit
from certifier.collect.advisories.licenses import Classification, Policy, classify
from certifier.collect.advisories.lock_common import folder_of, license_text
from certifier.collect.advisories.model import NPM, LockfileInventory, Package
from certifier.connector.files import join, read_file
from certifier.core.model import Finding, Location, Severity


def policy_of(extra: dict[str, Any]) -> Policy:
    """The profile's allow/deny lists (RunOptions.extra['licenses']), else the defaults of rules/licenses.yaml."""
    lists = extra.get("licenses") if isinstance(extra.get("licenses"), dict) else {}
    return Policy.from_lists(lists.get("allow"), lists.get("deny"))


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


def decide(inventory: LockfileInventory, packages: list[Package], policy: Policy) -> Iterator[Finding]:
    seen: set[tuple[str, str]] = set()
    unknown_transitive: list[str] = []
    for package in packages:
        if (package.name, package.version) in seen:
            continue
        seen.add((package.name, package.version))
        verdict = classify(package.license, policy)
        finding = _package_finding(inventory, package, verdict)
        if finding is not None:
            yield finding
        elif (inventory.records_licenses and not package.dev and not package.direct
              and verdict.category in ("unknown", "proprietary")):
            unknown_transitive.append(f"{package.label} ({package.license or 'none'})")
    yield from _aggregates(inventory, packages, unknown_transitive)


def _package_finding(inventory: LockfileInventory, package: Package, verdict: Classification) -> Finding | None:
    where = Location(path=package.lockfile, line=package.line)
    declared = package.license or "no licence"
    props = {"package": package.name, "version": package.version, "license": package.license,
             "category": verdict.category, "spdx": list(verdict.ids), "dev": package.dev, "direct": package.direct}
    if verdict.is_denied:
        return Finding(
            message=f"{package.label} ({package.relation} dependency) is licensed {declared}, which the licence "
            f"policy denies ({', '.join(verdict.denied)})",
            severity=Severity.WARNING if package.dev else Severity.ERROR, location=where,
            rule="denied-license-dev" if package.dev else "denied-license",
            key=f"{package.name}@{package.version}", properties=props,
            remediation=f"Replace {package.name} with a dependency under an allowed licence.")
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


def _aggregates(inventory: LockfileInventory, packages: list[Package], unknown: list[str]) -> Iterator[Finding]:
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
        yield Finding(
            message=f"{len(unknown)} transitive production dependencies in {inventory.path} declare no recognised "
            f"open-source licence: {bounded(unknown)}",
            severity=Severity.INFO, location=where, rule="unknown-license-transitive",
            key="unknown-license-transitive", properties={"packages": unknown[:200]},
            remediation="Review these licences if the connector is distributed.")
