"""Run one check on one target and turn what it yields (or raises) into a CheckResult."""

from __future__ import annotations

import logging
import time

from certifier.core.errors import CannotRun
from certifier.checks.registry import CheckSpec, Evidence, Scope, SkipCheck
from certifier.core.errors import NotApplicable
from certifier.collect.context import CheckContext
from certifier.core.model import CheckResult, Finding, Outcome, Severity

log = logging.getLogger(__name__)

MAX_FINDINGS_PER_RESULT = 500  # bound what one untrusted connector can make us store


def outcome_of(findings: tuple[Finding, ...]) -> Outcome:
    severities = {f.severity for f in findings}
    if Severity.ERROR in severities:
        return Outcome.FAIL
    if Severity.WARNING in severities:
        return Outcome.WARN
    return Outcome.PASS


def result(spec: CheckSpec, ctx: CheckContext, outcome: Outcome, summary: str = "", **extra) -> CheckResult:
    return CheckResult(
        check_id=spec.id,
        check_version=spec.version,
        stage=spec.stage,
        title=spec.title,
        app=ctx.app.name if ctx.app else None,
        outcome=outcome,
        summary=summary,
        **extra,
    )


def run_check(spec: CheckSpec, ctx: CheckContext) -> CheckResult:
    """Run `spec` on ctx (ctx.app set for per-app checks). Never raises for connector input."""
    app = ctx.app.name if ctx.app else None
    started = time.monotonic()
    try:
        produced = tuple(spec.func(ctx))
    except NotApplicable as reason:
        return result(spec, ctx, Outcome.NOT_APPLICABLE, str(reason), duration_s=_since(started))
    except SkipCheck as reason:
        return result(spec, ctx, Outcome.SKIP, str(reason), duration_s=_since(started))
    except CannotRun as reason:
        return result(spec, ctx, Outcome.ERROR, str(reason), duration_s=_since(started))
    except Exception as crash:  # a bug or unexpected input: explicit error, never "no findings"
        log.exception("check %s crashed", spec.id)
        summary = f"check crashed: {type(crash).__name__}: {crash}"[:500]
        return result(spec, ctx, Outcome.ERROR, summary, duration_s=_since(started))
    found = tuple(item for item in produced if not isinstance(item, Evidence))
    extra: dict = {}
    for item in produced:
        if isinstance(item, Evidence):
            extra.update(item)
    findings, dropped = _bounded(found)
    findings = tuple(
        sorted(
            (_completed(f, spec, app) for f in findings),
            key=lambda f: (f.location.path if f.location else "", f.location.line or 0 if f.location else 0,
                           f.manifest_path or "", f.message),
        )
    )
    outcome = outcome_of(findings)
    evidence = {**extra, **({"findings_dropped": dropped} if dropped else {})}
    return result(spec, ctx, outcome, summary_of(findings, evidence), findings=findings,
                  duration_s=_since(started), evidence=evidence)


def targets(spec: CheckSpec, ctx: CheckContext) -> list[CheckContext]:
    """The contexts a check runs in: the connector once, or each app it applies to."""
    if spec.scope is Scope.CONNECTOR:
        return [ctx]
    return [ctx.for_app(app) for app in ctx.connector.apps]


def not_applicable(spec: CheckSpec, target: CheckContext) -> CheckResult | None:
    """The not-applicable result of a per-app check on an app of another type, else None."""
    if target.app is None or spec.applies_to_type(target.app.type):
        return None
    kinds = ", ".join(sorted(spec.app_types or ()))
    return result(spec, target, Outcome.NOT_APPLICABLE, f"applies to {kinds} apps only")


def run_everywhere(spec: CheckSpec, ctx: CheckContext) -> list[CheckResult]:
    return [not_applicable(spec, target) or run_check(spec, target) for target in targets(spec, ctx)]


def _completed(finding: Finding, spec: CheckSpec, app: str | None) -> Finding:
    """Fingerprinted, and carrying the check's remediation when it has none of its own (reports stand alone)."""
    if not finding.remediation:
        finding = finding.model_copy(update={"remediation": spec.remediation})
    return finding.with_fingerprint(spec.id, app)


def _bounded(found: tuple[Finding, ...]) -> tuple[tuple[Finding, ...], int]:
    if len(found) <= MAX_FINDINGS_PER_RESULT:
        return found, 0
    ranked = sorted(found, key=lambda f: -f.severity.rank)
    return tuple(ranked[:MAX_FINDINGS_PER_RESULT]), len(found) - MAX_FINDINGS_PER_RESULT


def _summary(outcome: Outcome, findings: tuple[Finding, ...], dropped: int) -> str:
    if not findings:
        return "no findings"
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    text = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n)
    if dropped:
        text += f" ({dropped} more not stored)"
    return text


def summary_of(findings: tuple[Finding, ...], evidence: dict) -> str:
    """A result's one line: its findings by severity, findings not stored, files its scan did not cover."""
    dropped = evidence.get("findings_dropped", 0)
    return _summary(outcome_of(findings), findings, dropped) + _not_scanned(evidence.get("not_scanned_total"))


def _not_scanned(count: object) -> str:
    """A scan that covered all but some files says so on its summary line (evidence `not_scanned`)."""
    if not isinstance(count, int) or count <= 0:
        return ""
    return f"; {count} file{'s' if count != 1 else ''} not scanned"


def _since(started: float) -> float:
    return round(time.monotonic() - started, 4)
