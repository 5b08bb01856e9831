"""The stage DAG: which stage waits for which, and when a stage cannot run at all.

A stage that cannot run is not silently dropped: each of its checks gets a `skip` result that says
why, so "not audited" is never mistaken for "clean".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from certifier.collect.context import Inventory
from certifier.core.model import CheckResult, Outcome, Stage


@dataclass(frozen=True)
class StageSpec:
    stage: Stage
    needs: tuple[Stage, ...]
    # returns the reason the stage must be skipped, or None when it can run
    blocked: Callable[[Inventory, Sequence[CheckResult]], str | None]


def _needs_connector(inventory: Inventory, _results: Sequence[CheckResult]) -> str | None:
    if inventory.connector is None:
        return "connect.yaml could not be read as a connector manifest (see spec.manifest-file)"
    return None


# Connector code runs only from a manifest the platform itself would accept; other specification
# findings (a forbidden scope, a secret default) are judged by the profile, not by skipping the build.
MANIFEST_GATES = ("spec.manifest-file", "spec.schema")


def _needs_valid_manifest(inventory: Inventory, results: Sequence[CheckResult]) -> str | None:
    reason = _needs_connector(inventory, results)
    if reason:
        return reason
    failed = sorted({r.check_id for r in results if r.check_id in MANIFEST_GATES and r.outcome is Outcome.FAIL})
    if failed:
        return "connect.yaml is not valid (" + ", ".join(failed) + "): connector code is not run"
    return None


STAGES: tuple[StageSpec, ...] = (
    StageSpec(Stage.SPECIFICATION, (), lambda _inv, _res: None),
    StageSpec(Stage.STRUCTURE, (Stage.SPECIFICATION,), _needs_connector),
    StageSpec(Stage.SECURITY, (Stage.SPECIFICATION,), _needs_connector),
    StageSpec(Stage.DEPENDENCIES, (Stage.SPECIFICATION,), _needs_connector),
    StageSpec(Stage.BUILD, (Stage.SPECIFICATION, Stage.STRUCTURE), _needs_valid_manifest),
    StageSpec(Stage.PREVIEW, (Stage.BUILD,), _needs_valid_manifest),
)

BY_STAGE = {spec.stage: spec for spec in STAGES}


def ready_stages(done: set[Stage], started: set[Stage], selected: set[Stage]) -> list[StageSpec]:
    """Stages whose prerequisites (among the selected ones) are done and that have not started."""
    out = []
    for spec in STAGES:
        if spec.stage not in selected or spec.stage in started:
            continue
        if all(need in done or need not in selected for need in spec.needs):
            out.append(spec)
    return out
