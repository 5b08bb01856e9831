"""sec.secrets: credentials committed anywhere in the tree (detect-secrets, our value patterns and the
semgrep secret rules), one finding per secret and file, the value never shown."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from certifier.connector.files import read_file
from certifier.checks.registry import Evidence, Scope, check
from certifier.checks.security._code import secret_value
from certifier.checks.security._scope import is_test_code
from certifier.checks.security._shared import detect_secrets_run, secret_scan_files, semgrep_run, text_scan
from certifier.collect.context import CheckContext
from certifier.core.model import Finding, Location, Severity, Stage
from certifier.core.secrets.files import is_secret_file
from certifier.core.secrets.redact import describe, secret_hash, snippet
from certifier.core.secrets.rules import secret_rules
from certifier.collect.secrets.textscan import ENCRYPTED_PRIVATE_KEY, PRIVATE_KEY
from certifier.core.secrets.values import described_by_context, locate, plausible

REMEDIATION = ("Remove the secret from the repository and rotate it (it stays in the git history). Read it "
               "from process.env at run time and declare the key in securedConfiguration of connect.yaml.")
# which tool's rule names a merged finding: the most specific first
TOOL_ORDER = {"semgrep": 0, "certifier": 1, "detect-secrets": 2}


@dataclass
class Candidate:
    path: str
    line: int
    sha1: str
    shown: str
    snippet: str
    tool: str
    rule: str
    name: str
    remediation: str = REMEDIATION


@check(
    id="sec.secrets",
    version="1.0.0",
    stage=Stage.SECURITY,
    title="No secrets in the repository",
    rationale="A secret committed to the repository is readable by everyone with access to it, its forks and "
    "its history. Connect provides securedConfiguration for secrets; certification requires it.",
    remediation=REMEDIATION,
    severity=Severity.ERROR,
    scope=Scope.CONNECTOR,
    budget_s=300.0,
)
def secrets(ctx: CheckContext) -> Iterator[Finding | Evidence]:
    # detect-secrets first: it then runs while the per-app SAST checks run the shared semgrep scan
    detections, dismissed = from_detect_secrets(ctx)
    texts = text_scan(ctx)
    found = [*detections, *from_text(texts.hits), *from_semgrep(ctx)]
    yield from decide(found)
    _files, too_large = secret_scan_files(ctx)
    yield Evidence(secrets={"candidates": len(found), "dismissed_placeholders": dismissed + texts.dismissed,
                            "not_read": sorted({*too_large, *texts.unread})[:50]})


def from_detect_secrets(ctx: CheckContext) -> tuple[list[Candidate], int]:
    owned = set(secret_rules().detect_secrets.owned_elsewhere)
    out, dismissed = [], 0
    for hit in detect_secrets_run(ctx).detections:
        if hit.type in owned or is_secret_file(hit.path):
            continue
        line = _line(ctx, hit.path, hit.line)
        span = locate(line, hit.hashed_secret) if line is not None else None
        value = line[span[0]:span[1]] if span else None
        if value is not None and (not plausible(value) or described_by_context(line, span)):
            dismissed += 1
            continue
        shown = describe(value) if value is not None else "(value not shown)"
        shown_line = snippet(line, [span] if span else []) if line is not None and span else ""
        out.append(Candidate(hit.path, hit.line, hit.hashed_secret, shown, shown_line, "detect-secrets",
                             "detect-secrets/" + hit.type.lower().replace(" ", "-"), hit.type.lower()))
    return out, dismissed


def from_text(hits: Iterable) -> list[Candidate]:
    """Our value patterns; private keys and secret files are sec.secret-files' (never reported twice)."""
    return [Candidate(h.path, h.line, h.sha1, h.shown, h.snippet, "certifier", h.rule, h.name)
            for h in hits if h.rule not in (PRIVATE_KEY, ENCRYPTED_PRIVATE_KEY) and not is_secret_file(h.path)]


def from_semgrep(ctx: CheckContext) -> list[Candidate]:
    run = semgrep_run(ctx)
    out = []
    for match in run.result.matches:
        rule = run.pack.get(match.rule_id)
        if rule is None or not rule.is_secret:
            continue
        value = secret_value(ctx.root, match) or ""
        line = _line(ctx, match.path, match.line) or ""
        # the rules match the literal itself: mask it from its column to its end (or the line's end)
        start = match.column - 1
        end = start + match.end_offset - match.start_offset if match.line == match.end_line else len(line)
        out.append(Candidate(match.path, match.line, secret_hash(value), describe(value) if value else "(value not shown)",
                             snippet(line, [(start, end)]), "semgrep", rule.id, rule.id.replace("-", " "),
                             rule.remediation))
    return out


def _line(ctx: CheckContext, path: str, number: int) -> str | None:
    try:
        info = (ctx.root / path).stat()
    except OSError:
        return None
    lines = _lines(ctx.root, path, info.st_mtime_ns, info.st_size)
    return lines[number - 1] if lines is not None and 0 < number <= len(lines) else None


@lru_cache(maxsize=64)
def _lines(root: Path, path: str, _mtime_ns: int, _size: int) -> tuple[str, ...] | None:
    """A file's lines, read once however many detections it has (keyed by its version)."""
    read = read_file(root, path, secret_rules().limits.max_file_bytes)
    return tuple(read.text.splitlines()) if read.text is not None else None


def decide(candidates: list[Candidate]) -> Iterator[Finding]:
    """One Error per (file, secret) whatever found it; test code only a Warning that needs review (pure)."""
    groups: dict[tuple[str, str], list[Candidate]] = {}
    for candidate in candidates:
        groups.setdefault((candidate.path, candidate.sha1), []).append(candidate)
    for (path, sha1), group in sorted(groups.items()):
        lead = min(group, key=lambda c: (TOOL_ORDER.get(c.tool, 9), c.line, c.rule))
        test = is_test_code(path)
        lines = sorted({c.line for c in group})
        yield Finding(
            message=f"Possible secret ({lead.name}) in {path} line {lines[0]}: {lead.shown}"
            + (" (in test code: check it is a dummy value)" if test else ""),
            severity=Severity.WARNING if test else Severity.ERROR,
            location=Location(path=path, line=lines[0]),
            rule=lead.rule,
            tool=lead.tool,
            key=f"secret:{sha1}",
            remediation=lead.remediation,
            needs_review=test,
            properties={"tools": sorted({c.tool for c in group}), "secret_sha1": sha1, "lines": lines[:20],
                        "snippet": next((c.snippet for c in group if c.snippet), "")},
        )
