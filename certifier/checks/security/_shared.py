"""The scan facts the security checks read (certifier.collect.scans, run once per run), with the rule pack
semgrep ran: a match means something only through its rule (severity, category, confidence)."""

from __future__ import annotations

from dataclasses import dataclass

from certifier.checks.registry import CheckCannotRun
from certifier.checks.security.rule_pack import RulePack, RulePackError, load_rule_pack
from certifier.collect.context import CheckContext
from certifier.collect.scans import (NotScanned, bandit_scan as bandit_run, detect_secrets_scan as detect_secrets_run,
                                     python_files, secret_scan_files, semgrep_scan, text_scan)
from certifier.tools import semgrep

__all__ = ["SemgrepRun", "bandit_run", "detect_secrets_run", "python_files", "rule_pack", "secret_scan_files",
           "semgrep_run", "text_scan"]


@dataclass(frozen=True)
class SemgrepRun:
    result: semgrep.ScanResult
    pack: RulePack
    not_scanned: tuple[NotScanned, ...]


def rule_pack() -> RulePack:
    try:
        return load_rule_pack()
    except (RulePackError, OSError) as broken:
        raise CheckCannotRun(f"the semgrep rule pack cannot be loaded: {broken}") from broken


def semgrep_run(ctx: CheckContext) -> SemgrepRun:
    pack = rule_pack()
    scan = semgrep_scan(ctx, pack.files)
    return SemgrepRun(scan.result, pack, scan.not_scanned)
