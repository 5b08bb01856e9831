"""What postDeploy created and preUndeploy removed: snapshots of the emulator's registrations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from certifier.collect.preview.ctapi import CtApi, CtApiError

# Registrations the platform keeps acting on after an undeploy: these must be cleaned up.
TRACKED = ("extensions", "subscriptions")
# Data a connector may create and intentionally keep (merchants use it): reported, never required gone.
NOTED = ("types", "custom-objects", "categories", "states")


@dataclass(frozen=True)
class Resource:
    kind: str  # extensions | subscriptions | ...
    id: str
    key: str | None
    raw: dict[str, Any]

    def label(self) -> str:
        singular = {"categories": "category"}.get(self.kind, self.kind.rstrip("s")).replace("-", " ")
        return f"{singular} {self.key!r}" if self.key else f"{singular} {self.id}"

    def evidence(self) -> dict[str, Any]:
        record: dict[str, Any] = {"kind": self.kind, "id": self.id, "key": self.key}
        destination = self.raw.get("destination")
        if isinstance(destination, dict):
            record["destination"] = {k: v for k, v in destination.items() if k != "authentication"}
        return record


Snapshot = dict[str, Resource]  # id -> resource


def snapshot(api: CtApi, kinds: tuple[str, ...] = TRACKED + NOTED) -> Snapshot:
    found: Snapshot = {}
    for kind in kinds:
        try:
            items = api.query_all(kind)
        except CtApiError:
            continue  # a resource type the emulator lacks: nothing to compare
        for item in items:
            if isinstance(item.get("id"), str):
                found[item["id"]] = Resource(kind, item["id"], item.get("key"), item)
    return found


def created(before: Snapshot, after: Snapshot) -> list[Resource]:
    return [resource for rid, resource in after.items() if rid not in before]


def duplicated(first: list[Resource], after_first: Snapshot, after_second: Snapshot) -> list[Resource]:
    """What the second postDeploy created next to the first run's resources. A resource that took the place
    of one the first run created (same kind and key, the old one deleted) is a replacement, not a duplicate:
    the starter kit's scripts delete and create again, which leaves one registration."""
    replaced = {(r.kind, r.key) for r in first if r.key and r.id not in after_second}
    return [r for r in created(after_first, after_second) if (r.kind, r.key) not in replaced]


def tracked(resources: list[Resource]) -> list[Resource]:
    return [r for r in resources if r.kind in TRACKED]
