"""Connect-style report entries: `{entries: [{type, title, message?, createdAt, application?}]}`.

One entry per check group (docs/connectors.md#report-entries) and target: connector-level results give an
entry without `application`, per-app results one entry per app with `application` set.

Outcome of an entry, first match wins (a definite connector Error outranks an infrastructure error):
  failed               (Error)        a `fail` result with an Error finding that blocks
                                      (per the decision's sealed verdicts; waived/advisory ones do not)
  could not complete   (Error)        some result is `error`: the check did not run, so the group
                                      neither succeeded nor failed. Error-typed so that nobody reads
                                      it as a pass; its title says it is not a connector failure.
  skipped              (Warning)      some result is `skip`, or the group has no result at all
                                      (the image scan always, unless the report has an image stage)
  succeeded            (Information)  everything else: pass, warn, not-applicable (section 5.1: an
                                      analysis with no eligible app counts as passed)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from certifier.core.model import CheckResult, Outcome, Severity

from certifier.core.decision import FindingStatus, FindingVerdict

from certifier.core.report import Report
from certifier.report.escape import safe_text
from certifier.report.templating import text_env
from certifier.report.view import app_order

Verdicts = dict[str, FindingVerdict]  # fingerprint -> the sealed verdict

MESSAGE_TEMPLATE = "connect/message.txt.j2"
MAX_LISTED = 10
MAX_MESSAGE = 4_000


@dataclass(frozen=True)
class CheckGroup:
    stem: str  # the title before the outcome word
    stages: tuple[str, ...]  # our stage ids whose results make up this platform check
    absent_reason: str  # message when the group has no result at all
    tells_abort: bool = True  # whether an aborted run explains the absence (not for the image scan)


GROUPS = (
    CheckGroup("Connector specification file validation check", ("specification", "structure"),
               "The specification and structure checks did not run."),
    CheckGroup("Connector image build check", ("build",), "The build stage did not run."),
    CheckGroup("Image security analysis check", ("image",),
               "The certifier builds no container image and no image-scan adapter is configured.", tells_abort=False),
    CheckGroup("SAST and SCA analysis check", ("security", "dependencies"),
               "The security and dependency analyses did not run."),
    CheckGroup("Connector runtime security check", ("preview",), "The preview deployment and probes did not run."),
)
ENTRY_TYPE = {"succeeded": "Information", "failed": "Error", "could not complete": "Error", "skipped": "Warning"}


def created_at(stamp: str) -> str:
    """ISO-8601 UTC with milliseconds and `Z`, e.g. 2026-01-15T10:00:00.000Z (naive times are UTC)."""
    try:
        moment = datetime.fromisoformat(stamp.strip())
    except ValueError:
        raise ValueError(f"report.created_at is not an ISO-8601 time: {stamp[:60]!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _blocks(fingerprint: str, verdicts: Verdicts) -> bool:
    verdict = verdicts.get(fingerprint)
    return verdict is not None and verdict.status is FindingStatus.BLOCKS


def failing_findings(results: list[CheckResult], verdicts: Verdicts) -> list:
    return [
        (r, f) for r in results if r.outcome is Outcome.FAIL
        for f in r.findings if f.severity is Severity.ERROR and _blocks(f.fingerprint, verdicts)
    ]


def entry_outcome(results: list[CheckResult], verdicts: Verdicts) -> str:
    outcomes = {r.outcome for r in results}
    bare_fail = any(r.outcome is Outcome.FAIL and not r.findings for r in results)
    if bare_fail or failing_findings(results, verdicts):
        return "failed"
    if Outcome.ERROR in outcomes:
        return "could not complete"
    if not results or Outcome.SKIP in outcomes:
        return "skipped"
    return "succeeded"


def _absence(group: CheckGroup, report: Report) -> list[str]:
    """Why a group has no result: its own reason, the summaries of its stage runs, an abort."""
    lines = [group.absent_reason]
    lines += [run.summary for run in report.stages if run.stage.value in group.stages and run.summary]
    if group.tells_abort and report.aborted:
        lines.append(f"The run stopped early: {report.aborted}")
    return lines


def _message(group: CheckGroup, outcome: str, results: list[CheckResult], report: Report,
             verdicts: Verdicts) -> str:
    failing = failing_findings(results, verdicts)
    text = text_env().get_template(MESSAGE_TEMPLATE).render(
        outcome=outcome,
        absence=_absence(group, report) if not results else [],
        failing=failing[:MAX_LISTED],
        more=max(0, len(failing) - MAX_LISTED),
        errored=[r for r in results if r.outcome is Outcome.ERROR][:MAX_LISTED],
        skipped=[r for r in results if r.outcome is Outcome.SKIP][:MAX_LISTED],
        not_applicable=[r for r in results if r.outcome is Outcome.NOT_APPLICABLE][:MAX_LISTED],
        counts={o.value: sum(r.outcome is o for r in results) for o in Outcome},
    )
    text = text.strip()
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + "\u2026"


def _entry(group: CheckGroup, results: list[CheckResult], report: Report, app: str | None,
           verdicts: Verdicts) -> dict[str, str]:
    outcome = entry_outcome(results, verdicts)
    entry = {"type": ENTRY_TYPE[outcome], "title": f"{group.stem} {outcome}"}
    message = _message(group, outcome, results, report, verdicts)
    if message:
        entry["message"] = message
    entry["createdAt"] = created_at(report.created_at)
    if app is not None:
        entry["application"] = safe_text(app, 256)
    return entry


def _group_entries(group: CheckGroup, report: Report, verdicts: Verdicts) -> list[dict]:
    mine = [r for r in report.results if r.stage.value in group.stages]
    entries = []
    for app in app_order(report):
        for_app = [r for r in mine if r.app == app]
        if for_app:
            entries.append(_entry(group, for_app, report, app, verdicts))
    return entries or [_entry(group, [], report, None, verdicts)]


def connect_entries(report: Report) -> dict[str, list[dict]]:
    """The Connect-style report of `report`, in group order, connector-level entry before app entries."""
    verdicts = report.decision.verdicts()
    return {"entries": [e for group in GROUPS for e in _group_entries(group, report, verdicts)]}
