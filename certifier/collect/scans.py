"""The scans of a checkout, each run ONCE per run (ctx.session.memo), whichever check asks first; the others
wait for its result or its error. Facts only: which files are scanned, what semgrep, bandit, detect-secrets
and our text patterns found in them, and every file a scanner could not read or parse. The security checks
decide what each fact means for an app.

A file a scanner cannot parse is a fact about that file (NotScanned), never a failed scan: the rest of the
scan still counts. Only the tool failing as a whole (missing, crashed, over its budget, no readable report)
raises ToolError, which leaves the checks that need it in `error`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Sequence

from certifier.collect.context import CheckContext
from certifier.collect.secrets.textscan import TextScan, scan_text
from certifier.collect.tool_workspace import tool_workspace
from certifier.core.secrets.files import is_secret_file
from certifier.core.secrets.rules import secret_rules
from certifier.tools import bandit, detect_secrets, semgrep

WALL_S = 240.0  # each scanner's budget; the checks' budgets are above it
VENDORED = "node_modules"
EVIDENCE_LIMIT = 50  # not-scanned files listed in one result's evidence


@dataclass(frozen=True)
class NotScanned:
    """A file a scanner did not (fully) analyse, with the scanner's own reason."""

    path: str
    tool: str
    message: str
    line: int | None = None

    def as_evidence(self) -> dict:
        return {"path": self.path, "tool": self.tool, "message": self.message}


@dataclass(frozen=True)
class SemgrepScan:
    result: semgrep.ScanResult
    too_large: tuple[str, ...]  # over semgrep's size limit: never handed to it

    @property
    def not_scanned(self) -> tuple[NotScanned, ...]:
        parsed = [NotScanned(e.path, "semgrep", e.message or e.kind, e.line) for e in self.result.errors]
        large = [NotScanned(p, "semgrep", f"larger than semgrep's {semgrep.MAX_TARGET_BYTES:,} byte limit")
                 for p in self.too_large]
        return tuple(sorted(parsed + large, key=lambda n: (n.path, n.line or 0, n.message)))


def scanned_files(ctx: CheckContext) -> list[str]:
    """Tracked regular files of the checkout, without vendored dependencies (the platform skips them too)."""
    return list(_not_vendored(ctx.checkout.files))


@lru_cache(maxsize=8)
def _not_vendored(files: tuple[str, ...]) -> tuple[str, ...]:
    """Computed once per checkout: a dozen checks ask for it, each over thousands of files."""
    return tuple(f for f in files if VENDORED not in f.split("/")[:-1])


def split_by_size(ctx: CheckContext, files: list[str], limit: int) -> tuple[list[str], list[str]]:
    """(files of at most `limit` bytes, larger or unreadable files) - large ones are reported, not read."""
    small, large = [], []
    listed = ctx.checkout.sizes
    for name in files:
        size = listed.get(name)
        if size is None:  # an lstat per file is what convoys behind the GIL when other checks compute
            try:
                size = os.lstat(ctx.root / name).st_size
            except OSError:
                large.append(name)
                continue
        (small if size <= limit else large).append(name)
    return small, large


def semgrep_scan(ctx: CheckContext, configs: Sequence[Path]) -> SemgrepScan:
    """semgrep with the rule files `configs` over every JS/TS file of the checkout, once per run."""
    key = ("scans", "semgrep", tuple(str(c) for c in configs))
    return ctx.session.memo(key, lambda: _semgrep(ctx, configs))


def _semgrep(ctx: CheckContext, configs: Sequence[Path]) -> SemgrepScan:
    targets = [f for f in scanned_files(ctx) if semgrep.is_target(f)]
    small, large = split_by_size(ctx, targets, semgrep.MAX_TARGET_BYTES)
    if not small:
        return SemgrepScan(semgrep.ScanResult((), (), (), 0, 0.0), tuple(large))
    workspace = tool_workspace(ctx.session, "semgrep")
    return SemgrepScan(semgrep.scan(ctx.root, small, workspace, configs, wall_s=WALL_S), tuple(large))


def python_files(ctx: CheckContext) -> list[str]:
    return [f for f in scanned_files(ctx) if f.endswith(".py")]


def bandit_scan(ctx: CheckContext) -> bandit.ScanResult:
    return ctx.session.memo(("scans", "bandit"), lambda: _bandit(ctx))


def _bandit(ctx: CheckContext) -> bandit.ScanResult:
    files = python_files(ctx)
    if not files:
        return bandit.ScanResult((), (), 0.0)
    return bandit.scan(ctx.root, files, tool_workspace(ctx.session, "bandit"), wall_s=WALL_S)


def bandit_not_scanned(result: bandit.ScanResult) -> tuple[NotScanned, ...]:
    return tuple(sorted({NotScanned(e.path, "bandit", e.message) for e in result.errors},
                        key=lambda n: (n.path, n.message)))


def secret_scan_files(ctx: CheckContext) -> tuple[list[str], list[str]]:
    """(files searched for secrets, files too large to read); secret files have a check of their own."""
    files = [f for f in scanned_files(ctx) if not is_secret_file(f)]
    return split_by_size(ctx, files, secret_rules().limits.max_file_bytes)


def detect_secrets_scan(ctx: CheckContext) -> detect_secrets.ScanResult:
    return ctx.session.memo(("scans", "detect-secrets"), lambda: _detect_secrets(ctx))


def _detect_secrets(ctx: CheckContext) -> detect_secrets.ScanResult:
    skipped = set(secret_rules().detect_secrets.skipped_files)
    files = [f for f in secret_scan_files(ctx)[0] if PurePosixPath(f).name not in skipped]
    if not files:
        return detect_secrets.ScanResult((), 0, 0.0)
    workspace = tool_workspace(ctx.session, "detect-secrets")
    return detect_secrets.scan(ctx.root, files, workspace, wall_s=WALL_S,
                               disabled_filters=secret_rules().detect_secrets.disabled_filters)


def text_scan(ctx: CheckContext) -> TextScan:
    """Content patterns and private key blocks in every tracked text file (secret files included)."""
    return ctx.session.memo(("scans", "text"), lambda: scan_text(ctx.root, scanned_files(ctx), secret_rules()))


def not_scanned_evidence(items: Sequence[NotScanned]) -> dict:
    """What a result's evidence says about the files it could not cover (bounded, with the total)."""
    if not items:
        return {}
    return {"not_scanned": [n.as_evidence() for n in items[:EVIDENCE_LIMIT]], "not_scanned_total": len(items)}
