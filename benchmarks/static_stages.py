"""Benchmark of the static stages (issue 3): `python -m benchmarks.static_stages` (or `make bench`).

For the example connector and a generated large connector (5 apps, 2,000 source files, 1,500 locked
packages), measured in the same run:
  sequential   the same work one step after another, as a hand-written CI script would do it: clone at the
               tag, then semgrep, detect-secrets and bandit as their documentation runs them, then every
               other static check of certifier one at a time (the checks that only wrap those three
               tools, TOOL_CHECKS, are left out: their tool runs are already counted);
  pipeline     `certify()` of the four static stages, cold (no result cache, no kept checkout);
  warm         `certify()` again on the same commit with the result cache and the checkout the cold run
               kept (certifier.source.reuse).
Prints wall times and the ratios pipeline/sequential (target <= 0.7) and warm/cold (target <= 0.1).

Writing a checkout was most of a warm run before runs kept theirs: on a disk mounted with online discard
(ext4 `discard`, as on the development VM) creating files right after other files were deleted costs
~0.5 ms each instead of ~0.03 ms, and the large connector's warm run took ~1.2 s. `mount | grep discard`
tells whether a machine is one of those.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.large_connector import generate, tag_repository
from certifier.source import reuse as source_reuse
from certifier.checks import registry
from certifier.checks.execute import run_everywhere
from certifier.collect.tool_workspace import ToolWorkspace
from certifier.collect.context import CheckContext, RunOptions
from certifier.connector.inventory import take_inventory
from certifier.core.model import Stage
from certifier.core.paths import rules_dir
from certifier.certify import RunRequest, certify
from certifier.engine.run import run_tools
from certifier.sandbox.runner import Limits, run, tool_env
from certifier.collect.session import RunSession
from certifier.source.fetch import fetch
from certifier.core.locate import locate

STATIC = frozenset({Stage.SPECIFICATION, Stage.STRUCTURE, Stage.SECURITY, Stage.DEPENDENCIES})
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "goods-store"
TOOL_ENV = {"SEMGREP_ENABLE_VERSION_CHECK": "0"}
TOOL_CHECKS = {"sec.sast", "sec.python-sast", "sec.secrets"}


def sequential(repo: Path, scratch: Path) -> float:
    """Clone, run each scanner over the checkout, then each static check, strictly one after another."""
    started = time.perf_counter()
    checkout = fetch(str(repo), "v1.0.0", scratch / "checkout-ws")
    workspace = ToolWorkspace(scratch / "tools-ws").prepare()  # as the checks run our scanners
    files = [f for f in checkout.files if not f.startswith(".")]
    tools = [
        [str(locate("semgrep")), "scan", "--config", str(rules_dir() / "semgrep"), "--metrics=off",
         "--disable-version-check", "--json", "--quiet", "--output", str(scratch / "semgrep.json"), "."],
        [str(locate("detect-secrets")), "scan", "--all-files", "--no-verify", "--", *files],
        [str(locate("bandit")), "-r", "-f", "json", "-q", "-o", str(scratch / "bandit.json"), "."],
    ]
    for argv in tools:
        done = run(argv, cwd=checkout.path, workspace=workspace, env=tool_env(TOOL_ENV), limits=Limits(wall_s=900))
        if done.exit_code not in (0, 1):  # bandit exits 1 when it finds something; anything else is a failure
            raise SystemExit(f"baseline step failed, the measurement would be meaningless: {argv[0]}: "
                             f"exit {done.exit_code}: {done.stderr[-500:]}")
    inventory = take_inventory(checkout)
    session = RunSession(scratch / "session")
    ctx = CheckContext(inventory, RunOptions(workspace=scratch / "session", session=session))
    for spec in registry.load_all().values():
        if spec.stage in STATIC and spec.id not in TOOL_CHECKS:
            run_everywhere(spec, ctx)
    session.close()
    return time.perf_counter() - started


def pipeline(repo: Path, use_cache: bool) -> float:
    started = time.perf_counter()
    certify(RunRequest(source=str(repo), tag="v1.0.0", stages=STATIC, use_cache=use_cache))
    return time.perf_counter() - started


def measure(name: str, repo: Path, rounds: int) -> dict[str, float]:
    seq, cold, warm = [], [], []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory(prefix="bench-seq-") as scratch:
            seq.append(sequential(repo, Path(scratch)))
        with tempfile.TemporaryDirectory(prefix="bench-cache-") as cache:
            os.environ["CERTIFIER_RESULT_CACHE_DIR"] = cache
            shutil.rmtree(source_reuse.pool_dir(), ignore_errors=True)  # cold: no checkout kept either
            cold.append(pipeline(repo, use_cache=True))
            warm.append(pipeline(repo, use_cache=True))
    row = {"sequential_s": statistics.median(seq), "pipeline_s": statistics.median(cold),
           "warm_s": statistics.median(warm)}
    print(f"{name:<16} sequential {row['sequential_s']:7.2f} s   pipeline {row['pipeline_s']:7.2f} s   "
          f"warm {row['warm_s']:6.2f} s   pipeline/sequential {row['pipeline_s'] / row['sequential_s']:.2f} "
          f"(target <= 0.70)   warm/cold {row['warm_s'] / row['pipeline_s']:.3f} (target <= 0.10)")
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="repetitions; the median is reported")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-repos-") as root:
        # caches of its own (the user's kept checkouts are never touched); tool versions asked once here,
        # as any earlier run on the machine would have
        os.environ["CERTIFIER_CACHE_DIR"] = str(Path(root) / "cache")
        run_tools()
        example = Path(root) / "example"
        shutil.copytree(EXAMPLE, example, ignore=shutil.ignore_patterns("node_modules", "dist"))
        tag_repository(example)
        large = tag_repository(generate(Path(root) / "large"))
        measure("example", example, args.rounds)
        measure("large (2k files)", large, args.rounds)


if __name__ == "__main__":
    main()
