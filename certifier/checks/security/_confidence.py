"""How sure a code finding is, and the findings for files a scanner could not cover (shared by sec.sast and
sec.python-sast)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from certifier.collect.scans import NotScanned
from certifier.core.file_kinds import deployed, file_kind
from certifier.core.model import Confidence, FileKind, Finding, Location, Severity

LEVELS = {"HIGH": Confidence.HIGH, "MEDIUM": Confidence.MEDIUM, "LOW": Confidence.LOW}
NOT_SCANNED = "not-scanned"
MAX_NOT_SCANNED_FINDINGS = 20  # files named one by one; the rest are counted (the evidence lists 50)


def confidence_of(level: str | None, kind: FileKind, reason: str) -> tuple[Confidence, str]:
    """A tool's or rule's confidence (HIGH/MEDIUM/LOW, medium when unknown) with its reason; at most low in
    a file that is not deployed (tests, docs, generated, examples, templates): a pattern there harms no one."""
    if not deployed(kind):
        return Confidence.LOW, f"in a {kind.value} file, which is not deployed"
    return LEVELS.get((level or "").upper(), Confidence.MEDIUM), reason


def not_scanned_findings(items: Iterable[NotScanned], remediation: str, *, advisory: bool) -> Iterator[Finding]:
    """One Info per file a scanner could not cover, with its message: never a silent pass, never a failure
    of the connector (the file may be valid for its compiler; the parser is ours). A deployed source file
    that was not analysed needs a reviewer's look before certification."""
    items = list(items)
    for item in items[:MAX_NOT_SCANNED_FINDINGS]:
        kind = file_kind(item.path)
        yield Finding(
            message=f"{item.path} was not scanned by {item.tool} ({item.message}); the rest of the scan counts",
            severity=Severity.INFO,
            location=Location(path=item.path, line=item.line),
            rule=NOT_SCANNED,
            tool=item.tool,
            key=f"{NOT_SCANNED}:{item.tool}",
            remediation=remediation,
            needs_review=deployed(kind) and not advisory,
            confidence_reason=f"{item.tool} reported it could not analyse the file",
            file_kind=kind,
            properties={"not_scanned": item.as_evidence()},
        )
    if len(items) > MAX_NOT_SCANNED_FINDINGS:
        rest = items[MAX_NOT_SCANNED_FINDINGS:]
        yield Finding(
            message=f"{len(rest)} more files were not scanned by {', '.join(sorted({n.tool for n in rest}))} "
            "(listed in the result's evidence up to its limit)",
            severity=Severity.INFO, rule=NOT_SCANNED, key=f"{NOT_SCANNED}:more", remediation=remediation,
            needs_review=not advisory and any(deployed(file_kind(n.path)) for n in rest),
        )
