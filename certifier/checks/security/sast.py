"""sec.sast: the semgrep rule pack over each app's JavaScript/TypeScript (and its common modules)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from certifier.checks.registry import CheckCannotRun, Evidence, Scope, check

from certifier.core.app_types import APP_TYPES

from certifier.core.errors import NotApplicable
from certifier.checks.security._code import matched_code
from certifier.checks.security._scope import AppScope, app_scope, is_test_code, scanned_files, weighed
from certifier.checks.security._shared import SemgrepRun, semgrep_run
from certifier.checks.security.rule_pack import Rule
from certifier.collect.context import CheckContext
from certifier.core.dedup import code_key
from certifier.core.model import Finding, Location, Severity, Stage
from certifier.tools.semgrep import Match, is_target

NOT_ANALYSED = "not-analysed"


@check(
    id="sec.sast",
    version="1.0.0",
    stage=Stage.SECURITY,
    title="Static analysis (semgrep rule pack)",
    rationale="Connect runs a static analyzer over each app's src/ and common modules and refuses the "
    "connector on a blocking issue; certification also forbids console.log and unsafe patterns such as "
    "dynamic code evaluation, shell injection, disabled TLS verification, SSRF and prototype pollution.",
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
    yield from findings(ctx, scope, run)
    scanned = sum(1 for f in run.result.scanned if scope.owns(f))
    yield Evidence(semgrep={"files_scanned": scanned, "rules": len(run.pack.rules),
                            "invocations": run.result.invocations, "duration_s": run.result.duration_s,
                            "modules": list(scope.modules)})


def findings(ctx: CheckContext, scope: AppScope, run: SemgrepRun) -> Iterator[Finding]:
    occurrences: Counter[tuple[str, str, str]] = Counter()
    for match in sorted(run.result.matches, key=lambda m: (m.path, m.start_offset, m.rule_id)):
        rule = run.pack.get(match.rule_id)
        if rule is None:
            raise CheckCannotRun(f"semgrep reported rule {match.rule_id!r}, which is not in the rule pack")
        if rule.is_secret or not scope.owns(match.path):
            continue  # secret rules are reported by sec.secrets, which never shows the value
        code, shown = matched_code(ctx.root, match)
        seen = (rule.id, match.path, " ".join(code.split()))
        yield finding(rule, match, scope, shown, code_key(rule.id, match.path, code, occurrence=occurrences[seen]))
        occurrences[seen] += 1
    yield from not_analysed(scope, run)


def finding(rule: Rule, match: Match, scope: AppScope, snippet: str, key: str) -> Finding:
    test, in_src = is_test_code(match.path), scope.in_src(match.path)
    severity = weighed(rule.severity, test=test, in_src=in_src, advisory=scope.advisory)
    where = "test code" if test else "src/" if in_src else "outside src/"
    properties = {"cwe": rule.cwe, "category": rule.category, "confidence": rule.confidence,
                  "rule_severity": rule.severity.value, "where": where, "snippet": snippet}
    if scope.advisory:
        properties["advisory"] = True
    note = _note(rule.severity, severity, test, in_src, scope.advisory)
    return Finding(
        message=f"{rule.message}{note}",
        severity=severity,
        location=Location(path=match.path, line=match.line, column=match.column, end_line=match.end_line),
        rule=rule.id,
        tool="semgrep",
        key=key,
        remediation=rule.remediation,
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


def not_analysed(scope: AppScope, run: SemgrepRun) -> Iterator[Finding]:
    """Files the rules did not (fully) cover: never a silent pass."""
    problems = [(e.path, e.line, e.kind) for e in run.result.errors if scope.owns(e.path)]
    problems += [(path, None, "larger than semgrep's 1 MB limit") for path in run.too_large if scope.owns(path)]
    for path, line, kind in sorted(problems, key=lambda p: (p[0], p[1] or 0, p[2])):
        yield Finding(
            message=f"{path} was not fully analysed by the SAST rules ({kind}); it may hide issues",
            severity=Severity.INFO if is_test_code(path) else Severity.WARNING,
            location=Location(path=path, line=line),
            rule=NOT_ANALYSED,
            tool="semgrep",
            key=f"{NOT_ANALYSED}:{kind}",
            remediation="Make the file valid JavaScript/TypeScript (or split it); do not commit generated or "
            "minified bundles.",
        )
