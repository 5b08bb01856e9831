"""sec.secrets: credentials committed anywhere in the tree (detect-secrets, our value patterns and the
semgrep secret rules), one finding per secret whatever found it and wherever it is repeated, the value
never shown. Each candidate is judged by its value and the kind of file it sits in
(certifier.core.secrets.judge): the finding carries that confidence and its reason."""

from __future__ import annotations

from collections.abc import Iterator

from certifier.checks.registry import Evidence, Scope, check
from certifier.checks.security._secret_candidates import (RANK, REMEDIATION, Candidate, Files, from_detect_secrets,
                                                           from_semgrep, from_text)
from certifier.checks.security._shared import secret_scan_files, text_scan
from certifier.collect.context import CheckContext
from certifier.core.model import FileKind, Finding, Location, Severity, Stage

# which tool's rule names a merged finding: the most specific first
TOOL_ORDER = {"semgrep": 0, "certifier": 1, "detect-secrets": 2}
MAX_PLACES = 20  # other places of one secret listed in a finding


@check(
    id="sec.secrets",
    version="1.1.0",
    stage=Stage.SECURITY,
    title="No secrets in the repository",
    rationale="A secret committed to the repository is readable by everyone with access to it, its forks and "
    "its history. Connect provides securedConfiguration for secrets; certification requires it. A value "
    "counts by what it is (a known credential format, a random value given a secret's name) and where it "
    "is: placeholders, identifiers and dummies are no finding, and values in tests, examples, docs and "
    "generated files are findings of lower confidence.",
    remediation=REMEDIATION,
    severity=Severity.ERROR,
    scope=Scope.CONNECTOR,
    budget_s=300.0,
)
def secrets(ctx: CheckContext) -> Iterator[Finding | Evidence]:
    files = Files(ctx.root)
    # detect-secrets first: it then runs while the per-app SAST checks run the shared semgrep scan
    detections, dismissed = from_detect_secrets(ctx, files)
    texts = text_scan(ctx)
    matched, unmatched = from_semgrep(ctx, files)
    found = [*detections, *from_text(texts.hits), *matched]
    yield from findings_from(found)
    _files, too_large = secret_scan_files(ctx)
    yield Evidence(secrets={"candidates": len(found), "dismissed_placeholders": dismissed + texts.dismissed + unmatched,
                            "not_read": sorted({*too_large, *texts.unread})[:50]})


def findings_from(candidates: list[Candidate]) -> Iterator[Finding]:
    """One finding per secret (its SHA-1), however many tools and places reported it: located where it is
    most certain. An Error, or in test code a Warning a reviewer confirms (pure)."""
    groups: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        groups.setdefault(candidate.sha1, []).append(candidate)
    leads = {sha1: _lead(group) for sha1, group in groups.items()}
    for sha1, group in sorted(groups.items(), key=lambda item: (leads[item[0]].path, leads[item[0]].line, item[0])):
        lead = leads[sha1]
        test = lead.kind is FileKind.TEST
        lines = sorted({c.line for c in group if c.path == lead.path})
        places = sorted({(c.path, c.line) for c in group} - {(lead.path, line) for line in lines})
        tools = sorted({c.tool for c in group})
        yield Finding(
            message=f"Possible secret ({lead.name}) in {lead.path} line {lines[0]}: {lead.shown}"
            + (" (in test code: check it is a dummy value)" if test else ""),
            severity=Severity.WARNING if test else Severity.ERROR,
            location=Location(path=lead.path, line=lines[0]),
            rule=lead.rule,
            tool=lead.tool,
            key=f"secret:{sha1}",
            remediation=lead.remediation,
            needs_review=test,
            confidence=lead.confidence,
            confidence_reason=lead.reason,
            file_kind=lead.kind,
            also_at=tuple(Location(path=path, line=line) for path, line in places[:MAX_PLACES]),
            seen_by=tuple(tools) if len(tools) > 1 else (),
            properties={"tools": tools, "secret_sha1": sha1, "lines": lines[:MAX_PLACES],
                        "snippet": next((c.snippet for c in group if c.path == lead.path and c.snippet), "")},
        )


def _lead(group: list[Candidate]) -> Candidate:
    """Where a secret counts most: its most certain place, then the most specific tool."""
    return min(group, key=lambda c: (-RANK[c.confidence], c.path, TOOL_ORDER.get(c.tool, 9), c.line, c.rule))
