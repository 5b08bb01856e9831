"""`certifier manifest DIR`: the specification stage alone, summarised as one JSON object."""

from __future__ import annotations

import tempfile
from pathlib import Path

from certifier.checks import registry
from certifier.collect.context import CheckContext, RunOptions
from certifier.connector.inventory import take_inventory
from certifier.connector.manifest import MANIFEST_FILE, manifest_validity
from certifier.core.model import CheckResult, Outcome, Severity, Stage
from certifier.engine.scheduler import run_stages
from certifier.source.fetch import fetch


def summarize_manifest(directory: Path) -> dict:
    """{manifest: {file, valid, ok, apps, counts}, findings: [...], results: [...]} for DIRECTORY as it is."""
    with tempfile.TemporaryDirectory(prefix="certifier-manifest-") as workspace:
        checkout = fetch(str(directory), None, Path(workspace))
        inventory = take_inventory(checkout)
        checks = [c for c in registry.load_all().values() if c.stage is Stage.SPECIFICATION]
        plan = run_stages(checks, CheckContext(inventory, RunOptions()), {Stage.SPECIFICATION})
    valid, _ = manifest_validity(inventory.manifest)
    findings = [_finding_row(r, f) for r in plan.results for f in r.findings]
    apps = inventory.connector.apps if inventory.connector else ()
    return {
        "manifest": {
            "file": MANIFEST_FILE,
            "valid": valid,
            "ok": not _has_error(plan.results),
            "apps": [{"name": a.name, "type": a.type, "folder_found": a.path is not None} for a in apps],
            "counts": {s.value: sum(1 for f in findings if f["severity"] == s.value) for s in Severity},
        },
        "findings": findings,
        "results": [{"check": r.check_id, "app": r.app, "outcome": r.outcome.value, "summary": r.summary}
                    for r in plan.results],
    }


def _has_error(results: list[CheckResult]) -> bool:
    # a check that could not run leaves the manifest unproven, so it is not "ok" either
    return any(r.outcome in (Outcome.FAIL, Outcome.ERROR) for r in results)


def _finding_row(result: CheckResult, finding) -> dict:
    location = finding.location
    return {
        "check": result.check_id,
        "app": result.app,
        "severity": finding.severity.value,
        "message": finding.message,
        "manifest_path": finding.manifest_path,
        "path": location.path if location else None,
        "line": location.line if location else None,
        "column": location.column if location else None,
        "rule": finding.rule,
        "fingerprint": finding.fingerprint,
    }
