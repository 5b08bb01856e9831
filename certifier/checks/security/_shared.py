"""The scans the security checks share, each run ONCE per run (ctx.session.memo), whichever check asks
first; the others wait for its result or its error. semgrep covers every JS/TS file of the checkout in
one invocation; per-app checks then keep the files their app owns.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from certifier.checks.registry import CheckCannotRun
from certifier.checks.security._scope import scanned_files, split_by_size
from certifier.checks.security._workspace import tool_workspace
from certifier.checks.security.rule_pack import RulePack, RulePackError, load_rule_pack
from certifier.collect.context import CheckContext
from certifier.core.secrets.files import is_secret_file
from certifier.core.secrets.rules import secret_rules
from certifier.collect.secrets.textscan import TextScan, scan_text
from certifier.tools import bandit, detect_secrets, semgrep

WALL_S = 240.0  # each scanner's budget; the checks' budgets are above it


@dataclass(frozen=True)
class SemgrepRun:
    result: semgrep.ScanResult
    pack: RulePack
    too_large: tuple[str, ...]


def rule_pack() -> RulePack:
    try:
        return load_rule_pack()
    except (RulePackError, OSError) as broken:
        raise CheckCannotRun(f"the semgrep rule pack cannot be loaded: {broken}") from broken


def semgrep_run(ctx: CheckContext) -> SemgrepRun:
    return ctx.session.memo(("security", "semgrep"), lambda: _semgrep(ctx))


def _semgrep(ctx: CheckContext) -> SemgrepRun:
    pack = rule_pack()
    targets = [f for f in scanned_files(ctx) if semgrep.is_target(f)]
    small, large = split_by_size(ctx, targets, semgrep.MAX_TARGET_BYTES)
    if not small:
        return SemgrepRun(semgrep.ScanResult((), (), (), 0, 0.0), pack, tuple(large))
    workspace = tool_workspace(ctx.session, "semgrep")
    return SemgrepRun(semgrep.scan(ctx.root, small, workspace, pack.files, wall_s=WALL_S), pack, tuple(large))


def secret_scan_files(ctx: CheckContext) -> tuple[list[str], list[str]]:
    """(files searched for secrets, files too large to read); secret files have a check of their own."""
    files = [f for f in scanned_files(ctx) if not is_secret_file(f)]
    return split_by_size(ctx, files, secret_rules().limits.max_file_bytes)


def detect_secrets_run(ctx: CheckContext) -> detect_secrets.ScanResult:
    return ctx.session.memo(("security", "detect-secrets"), lambda: _detect_secrets(ctx))


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
    return ctx.session.memo(("security", "text"), lambda: scan_text(ctx.root, scanned_files(ctx), secret_rules()))


def python_files(ctx: CheckContext) -> list[str]:
    return [f for f in scanned_files(ctx) if f.endswith(".py")]


def bandit_run(ctx: CheckContext) -> bandit.ScanResult:
    return ctx.session.memo(("security", "bandit"), lambda: _bandit(ctx))


def _bandit(ctx: CheckContext) -> bandit.ScanResult:
    files = python_files(ctx)
    if not files:
        return bandit.ScanResult((), (), 0.0)
    return bandit.scan(ctx.root, files, tool_workspace(ctx.session, "bandit"), wall_s=WALL_S)
