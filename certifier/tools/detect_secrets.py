"""detect-secrets (1.5.0): `scan --all-files --no-verify` over an explicit list of files.

Facts this module is built on:
  * without --no-verify it sends candidate secrets to third-party APIs to verify them: always passed;
  * without --all-files it asks git which files are tracked (as the sandbox user, git refuses a
    repository owned by another user, and the scan would silently cover nothing): always passed, and the
    caller lists exactly the tracked files;
  * its report holds a SHA-1 of each secret (`hashed_secret`), never the value; nothing else of its
    output is kept;
  * an inline `pragma: allowlist secret` would let a connector hide a secret from us: that filter is off.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from certifier.core.errors import ToolError
from certifier.sandbox.runner import Limits, ProcessResult, Workspace, run, tool_env
from certifier.core.secrets.redact import scrub
from certifier.core.locate import locate

ARGV_BUDGET = 100_000
MAX_OUTPUT_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class Detection:
    path: str
    line: int
    type: str  # detect-secrets plugin name, e.g. "Secret Keyword", "Base64 High Entropy String"
    hashed_secret: str  # SHA-1 of the value


@dataclass(frozen=True)
class ScanResult:
    detections: tuple[Detection, ...]
    invocations: int
    duration_s: float


def command(executable: Path, disabled_filters: Sequence[str]) -> list[str]:
    filters = [arg for name in disabled_filters for arg in ("--disable-filter", name)]
    return [str(executable), "scan", "--all-files", "--no-verify", *filters]


def scan(root: Path, files: Sequence[str], workspace: Workspace, *, disabled_filters: Sequence[str] = (),
         wall_s: float = 240.0) -> ScanResult:
    """Detections in `files` (repository-relative, under `root`); ToolError when it cannot run."""
    executable = locate("detect-secrets")
    if executable is None:
        raise ToolError("detect-secrets is not installed (run `certifier tools install`, or `make tools` in a checkout, "
                        "or set CERTIFIER_DETECT_SECRETS)")
    workspace.prepare()
    found: list[Detection] = []
    took, batches = 0.0, _chunks(sorted(files))
    for batch in batches:
        argv = [*command(executable, disabled_filters), "--", *batch]
        done = run(argv, cwd=root, workspace=workspace, env=tool_env(),
                   limits=Limits(wall_s=wall_s, max_output_bytes=MAX_OUTPUT_BYTES))
        took += done.duration_s
        if not done.ok or done.output_truncated:
            raise ToolError(_failure(done))
        found += parse(done.stdout)
    return ScanResult(tuple(found), len(batches), round(took, 2))


def parse(text: str) -> list[Detection]:
    """The detections of a detect-secrets JSON report (pure)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as bad:
        raise ToolError(f"detect-secrets report is not JSON ({bad.msg})") from bad
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, dict):
        raise ToolError("detect-secrets report has no results mapping")
    found = []
    for path, items in results.items():
        for item in items if isinstance(items, list) else []:
            try:
                found.append(Detection(str(path), int(item["line_number"]), str(item["type"]),
                                       str(item["hashed_secret"])))
            except (KeyError, TypeError, ValueError):
                continue
    return found


def _chunks(files: list[str]) -> list[list[str]]:
    out: list[list[str]] = [[]]
    used = 0
    for name in files:
        if out[-1] and used + len(name) + 1 > ARGV_BUDGET:
            out.append([])
            used = 0
        out[-1].append(name)
        used += len(name) + 1
    return [chunk for chunk in out if chunk]


def _failure(done: ProcessResult) -> str:
    if done.timed_out:
        return f"detect-secrets did not finish within its {done.duration_s:.0f}s budget"
    if done.output_truncated:
        return "detect-secrets wrote more output than the limit; the report could not be read"
    tail = scrub(done.stderr.strip()[-300:]) if done.stderr.strip() else "no output"
    return f"detect-secrets failed (exit {done.exit_code}): {tail}"
