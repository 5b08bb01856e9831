"""Seed the emulator with a small realistic project (emulator/seed.json): products, categories, carts,
an order, a customer and a payment. Probes build their requests from these resources."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from certifier.collect.preview.ctapi import CtApi

SEED_FILE = Path(__file__).resolve().parent / "emulator" / "seed.json"
_REFERENCE = re.compile(r"^\$\{([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)\}$")

# extension resourceTypeId -> seed step whose resource stands for it
BY_TYPE_ID = {"cart": "cart", "order": "order", "customer": "customer", "payment": "payment",
              "product": "product", "category": "category", "product-type": "product-type"}


@dataclass
class SeedData:
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)

    def of_type(self, type_id: str) -> dict[str, Any] | None:
        step = BY_TYPE_ID.get(type_id)
        return self.resources.get(step) if step else None

    def get(self, name: str) -> dict[str, Any] | None:
        return self.resources.get(name)


def load_plan(path: Path = SEED_FILE) -> dict[str, Any]:
    return json.loads(path.read_text())


def seed(api: CtApi, plan: dict[str, Any] | None = None) -> SeedData:
    plan = plan or load_plan()
    project = api.get("")
    api.post("", {"version": project["version"], "actions": plan.get("project", [])})
    data = SeedData()
    for step in plan["steps"]:
        created = api.post(step["resource"], resolve(step["draft"], data.resources))
        data.resources[step["name"]] = created[step["result"]] if step.get("result") else created
    return data


def resolve(value: Any, made: dict[str, dict[str, Any]]) -> Any:
    """`value` with every "${step.field}" string replaced by that field of an earlier step's resource."""
    if isinstance(value, str):
        match = _REFERENCE.match(value)
        return made[match[1]][match[2]] if match else value
    if isinstance(value, list):
        return [resolve(item, made) for item in value]
    if isinstance(value, dict):
        return {key: resolve(item, made) for key, item in value.items()}
    return value
