"""Scale: 5 apps locking 1,500 packages in all are parsed and matched in well under a second each.

The generated lockfiles reuse real package names of the seed database at vulnerable and fixed versions,
so the matcher does real range evaluation, not only dictionary misses."""

from __future__ import annotations

import json
import time
from pathlib import Path

from certifier.collect.advisories.discover import parse_lockfile
from certifier.collect.advisories.matching import match_packages
from certifier.collect.advisories.store import open_db

SEED = Path(__file__).parents[2] / "rules" / "advisories" / "db"
HOT = ["lodash", "minimist", "semver", "qs", "axios", "ws", "json5", "braces", "moment", "node-fetch"]


def generated_lock(app: int, count: int) -> dict:
    packages = {"": {"name": f"app{app}", "dependencies": {f"pkg-{app}-{n}": "^1.0.0" for n in range(20)}}}
    for n in range(count):
        name = HOT[n % len(HOT)] if n % 7 == 0 else f"pkg-{app}-{n}"
        path = f"node_modules/pkg-{app}-{n}/node_modules/{name}" if name in HOT else f"node_modules/{name}"
        packages[path] = {"version": f"{n % 8}.{n % 13}.{n % 5}", "dev": n % 4 == 0, "license": "MIT",
                          "integrity": "sha512-" + "A" * 86 + "==",
                          "resolved": f"https://registry.npmjs.org/{name}/-/{name}-1.0.0.tgz"}
    return {"name": f"app{app}", "lockfileVersion": 3, "requires": True, "packages": packages}


def test_1500_packages_parse_and_match_quickly(tmp_path, capsys):
    paths = []
    for app in range(5):
        folder = tmp_path / f"app{app}"
        folder.mkdir()
        (folder / "package-lock.json").write_text(json.dumps(generated_lock(app, 300), indent=2))
        paths.append(f"app{app}/package-lock.json")
    db = open_db(SEED, "seed")
    started = time.perf_counter()
    inventories = [parse_lockfile(tmp_path, p, paths) for p in paths]
    parsed = time.perf_counter()
    packages = [p for inv in inventories for p in inv.packages]
    report = match_packages(db.index_for(packages), packages)
    done = time.perf_counter()
    assert len(packages) == 1500 and report.matches and not report.unaudited
    rate = len(packages) / (done - started)
    with capsys.disabled():
        print(f"\n[benchmark] 1500 packages: parse {parsed - started:.3f}s, match {done - parsed:.3f}s, "
              f"{rate:,.0f} packages/s, {len(report.matches)} matches")
    assert done - started < 5.0  # generous for a loaded 2-core CI machine; typically ~0.1 s
