"""Benchmark: wall time of the pre-commit hook's command, `certifier manifest DIR`, against the platform's own
connect.yaml parser on the same file, measured in the same run, alternating, as a ratio.

    .venv/bin/python -m benchmarks.manifest_hook [examples/goods-store] [rounds] [--before REV]

The platform's parser is `ConnectorSpecificationParser` of the npm package @commercetools-connect/specification
(YAML + its zod schema), the parser of the commercetools Connect CLI (@commercetools/cli-topic-connect). It
is installed with npm into a temporary folder (never into the project) and run as a one-shot `node` process,
as a hook would run it. Both sides are timed as whole processes, start-up included; certifier runs with
compiled bytecode in a private cache folder (as pip leaves an installed package), so the first round of each
side is a warm-up that is not counted. Target: certifier at most 0.3 s for one connector.

`--before REV` also times the command as it was at git revision REV (its certifier/ and rules/ exported into a
temporary folder and put first on PYTHONPATH), in the same rounds: a before/after under the same load.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PLATFORM_PACKAGE = "@commercetools-connect/specification@0.0.16"
TARGET_S = 0.3
# A one-shot process: parse connect.yaml with the platform's parser, exit 1 on an error (like the hook).
PARSE_SCRIPT = """
import { readFileSync } from "node:fs";
import { ConnectorSpecificationParser } from "@commercetools-connect/specification";
try {
  await new ConnectorSpecificationParser().parse(readFileSync(process.argv[2], "utf8"));
  console.log("valid");
} catch (error) {
  console.log(`INVALID: ${error.message}`);
  process.exit(1);
}
"""


def install_platform_parser(folder: Path) -> Path:
    """npm install the platform's parser into `folder`; the script that runs it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "package.json").write_text('{"name": "manifest-hook-bench", "private": true, "type": "module"}\n')
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error",
                    PLATFORM_PACKAGE], cwd=folder, check=True, timeout=600)
    script = folder / "parse.mjs"
    script.write_text(PARSE_SCRIPT)
    return script


def timed(command: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[float, float, int, list[str]]:
    """(wall s, CPU s of the process and its children, exit code, first line of output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=120)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode, (done.stdout + done.stderr).strip().splitlines()[0:1]


def certifier_command() -> list[str]:
    script = Path(sys.executable).parent / "certifier"  # the console script a pre-commit environment runs
    return [str(script)] if script.exists() else [sys.executable, "-m", "certifier.cli.main"]


def export_revision(revision: str, folder: Path) -> Path:
    """certifier/ and rules/ of git `revision`, exported into `folder` (the repository is left untouched)."""
    folder.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "--format=tar", revision, "certifier", "rules"], check=True,
                             capture_output=True, timeout=120).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True, timeout=120)
    return folder


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.manifest_hook")
    parser.add_argument("connector", nargs="?", default="examples/goods-store")
    parser.add_argument("rounds", nargs="?", type=int, default=10)
    parser.add_argument("--before", metavar="REV", help="also time the command at this git revision")
    args = parser.parse_args(argv)
    connector, rounds = Path(args.connector).resolve(), args.rounds
    manifest = connector / "connect.yaml"
    with tempfile.TemporaryDirectory(prefix="manifest-hook-bench-") as temp:
        temp_dir = Path(temp)
        script = install_platform_parser(temp_dir / "platform")
        ours_env = {**os.environ, "PYTHONPYCACHEPREFIX": str(temp_dir / "pycache")}
        ours_env.pop("PYTHONDONTWRITEBYTECODE", None)
        sides = [("certifier", [*certifier_command(), "manifest", str(connector)], ours_env),
                 ("platform", [shutil.which("node") or "node", str(script), str(manifest)], dict(os.environ))]
        if args.before:
            old = export_revision(args.before, temp_dir / "before")
            sides.insert(1, ("before", [sys.executable, "-c", "from certifier.cli.main import main; main()",
                                        "manifest", str(connector)], {**ours_env, "PYTHONPATH": str(old)}))
        samples: dict[str, list[float]] = {name: [] for name, _, _ in sides}
        cpu: dict[str, list[float]] = {name: [] for name, _, _ in sides}
        for round_ in range(rounds + 1):  # round 0 warms each side (bytecode, file cache) and is not counted
            for name, command, env in sides:
                seconds, cpu_s, code, first = timed(command, env, cwd=temp_dir / "platform")
                if round_ == 0:
                    print(f"{name:<9} exit {code}: {first[0] if first else ''}")
                else:
                    samples[name].append(seconds)
                    cpu[name].append(cpu_s)
    load = os.getloadavg()[0]
    ours_s, theirs_s = (statistics.median(samples[n]) for n in ("certifier", "platform"))
    print(f"connector: {connector} ({manifest.stat().st_size} bytes of connect.yaml), {rounds} rounds, "
          f"load average {load:.2f} on {os.cpu_count()} CPUs")
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    ours_cpu, theirs_cpu = (statistics.median(cpu[n]) for n in ("certifier", "platform"))
    print(f"certifier manifest : wall median {ours_s:.3f} s (min {min(samples['certifier']):.3f}), CPU median "
          f"{ours_cpu:.3f} s  target <= {TARGET_S} s wall: {'met' if ours_s <= TARGET_S else 'NOT met'}")
    print(f"platform parser    : wall median {theirs_s:.3f} s (min {min(samples['platform']):.3f}), CPU median "
          f"{theirs_cpu:.3f} s  [{PLATFORM_PACKAGE}, node {node}]")
    print(f"ratio certifier / platform: wall {ours_s / theirs_s:.2f}, CPU {ours_cpu / theirs_cpu:.2f}")
    if args.before:
        before_s, before_cpu = statistics.median(samples["before"]), statistics.median(cpu["before"])
        print(f"before ({args.before[:12]}): wall median {before_s:.3f} s (min {min(samples['before']):.3f}), "
              f"CPU median {before_cpu:.3f} s; now / before: wall {ours_s / before_s:.2f}, "
              f"CPU {ours_cpu / before_cpu:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
