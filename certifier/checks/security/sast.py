"""sec.sast: the semgrep rule pack over each app's JavaScript/TypeScript (and its common modules)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from certifier.checks.registry import CheckCannotRun, Evidence, Scope, check
from certifier.checks.security._code import matched_code
from certifier.checks.security._confidence import confidence_of, not_scanned_findings
from certifier.checks.security._scope import AppScope, app_scope, weighed
from certifier.checks.security._shared import SemgrepRun, semgrep_run
from certifier.checks.security.rule_pack import Rule
from certifier.collect.context import CheckContext
from certifier.collect.scans import not_scanned_evidence, scanned_files
from certifier.connector.files import read_file
from certifier.core.app_types import APP_TYPES
from certifier.core.dedup import code_key
from certifier.core.errors import NotApplicable
from certifier.core.file_kinds import HEADER_LINES, file_kind
from certifier.core.model import FileKind, Finding, Location, Severity, Stage
from certifier.tools.semgrep import MAX_TARGET_BYTES, Match, is_target

REMEDIATION_NOT_SCANNED = ("Nothing to fix if the file builds: the analyser's parser does not accept it. Keep "
                           "generated or minified bundles out of the repository; a reviewer reads the file.")


@check(
    id="sec.sast",
    version="1.1.0",
    stage=Stage.SECURITY,
    title="Static analysis (semgrep rule pack)",
    rationale="Connect runs a static analyzer over each app's src/ and common modules and refuses the "
    "connector on a blocking issue; certification also forbids console.log and unsafe patterns such as "
    "dynamic code evaluation, shell injection, disabled TLS verification, SSRF and prototype pollution. "
    "Each finding carries its rule's confidence; one in a test, docs, generated or example file is low "
    "confidence. A file the analyser cannot parse is listed as not scanned (with the parser's message) "
    "while the rest of the scan still counts.",
    remediation="Fix the code at the reported line as the finding's remediation says; reviewers can waive "
    "a false positive by fingerprint.",
    severity=Severity.ERROR,
    scope=Scope.APP,
    app_types=APP_TYPES,
    budget_s=300.0,
)
def sast(ctx: CheckContext) -> Iterator[Finding | Evidence]:
    scope = app_scope(ctx, ctx.app)
    if scope is None:
        raise NotApplicable(f"app folder {ctx.app.folder!r} is missing or unsafe (reported by the specification stage)")
    if not any(is_target(f) and scope.owns(f) for f in scanned_files(ctx)):
        raise NotApplicable(f"{scope.name} has no JavaScript or TypeScript files")
    run = semgrep_run(ctx)
    yield from findings_from(ctx.root, scope, run)
    missed = [n for n in run.not_scanned if scope.owns(n.path)]
    yield from not_scanned_findings(missed, REMEDIATION_NOT_SCANNED, advisory=scope.advisory)
    scanned = sum(1 for f in run.result.scanned if scope.owns(f))
    yield Evidence(semgrep={"files_scanned": scanned, "rules": len(run.pack.rules),
                            "invocations": run.result.invocations, "duration_s": run.result.duration_s,
                            "modules": list(scope.modules)}, **not_scanned_evidence(missed))


def findings_from(root: Path, scope: AppScope, run: SemgrepRun) -> Iterator[Finding]:
    """One finding per match of a non-secret rule in the app's files (secret rules are sec.secrets')."""
    occurrences: Counter[tuple[str, str, str]] = Counter()
    kinds: dict[str, FileKind] = {}
    for match in sorted(run.result.matches, key=lambda m: (m.path, m.start_offset, m.rule_id)):
        rule = run.pack.get(match.rule_id)
        if rule is None:
            raise CheckCannotRun(f"semgrep reported rule {match.rule_id!r}, which is not in the rule pack")
        if rule.is_secret or not scope.owns(match.path):
            continue
        if match.path not in kinds:
            kinds[match.path] = kind_of(root, match.path)
        code, shown = matched_code(root, match)
        seen = (rule.id, match.path, " ".join(code.split()))
        key = code_key(rule.id, match.path, code, occurrence=occurrences[seen])
        occurrences[seen] += 1
        yield finding(rule, match, scope, kinds[match.path], shown, key)


def kind_of(root: Path, path: str) -> FileKind:
    """The file's kind, its first lines included (a generator's banner marks a generated file anywhere)."""
    text = read_file(root, path, MAX_TARGET_BYTES).text
    return file_kind(path, "\n".join(text.splitlines()[:HEADER_LINES]) if text else None)


def finding(rule: Rule, match: Match, scope: AppScope, kind: FileKind, snippet: str, key: str) -> Finding:
    test, in_src = kind is FileKind.TEST, scope.in_src(match.path)
    severity = weighed(rule.severity, test=test, in_src=in_src, advisory=scope.advisory)
    where = "test code" if test else "src/" if in_src else "outside src/"
    confidence, reason = confidence_of(rule.confidence, kind, rule.confidence_reason or
                                       f"semgrep rule {rule.id} is rated {rule.confidence.lower()} confidence")
    properties = {"cwe": rule.cwe, "category": rule.category, "rule_severity": rule.severity.value,
                  "where": where, "snippet": snippet}
    if scope.advisory:
        properties["advisory"] = True
    return Finding(
        message=f"{rule.message}{_note(rule.severity, severity, test, in_src, scope.advisory)}",
        severity=severity,
        location=Location(path=match.path, line=match.line, column=match.column, end_line=match.end_line),
        rule=rule.id,
        tool="semgrep",
        key=key,
        remediation=rule.remediation,
        confidence=confidence,
        confidence_reason=reason,
        file_kind=kind,
        properties=properties,
    )


def _note(original: Severity, severity: Severity, test: bool, in_src: bool, advisory: bool) -> str:
    if severity is original:
        return ""
    if test:
        return " (in test code: reported as Info)"
    if advisory:
        return " (Merchant Center app: advisory, the platform's gate excludes it)"
    return " (outside src/: reported as Warning)" if not in_src else ""
