"""What changed since a baseline report: every finding new, unchanged, fixed or waived, by fingerprint.

A finding is known by its fingerprint and by the fingerprints merged into it (one problem seen by two
tools keeps one fingerprint and lists the others in `properties.merged_fingerprints`), so a problem that
is now reported by the other tool still matches. In this run:

  waived     the decision waived it (whether or not the baseline had it);
  unchanged  not waived, and the baseline had it;
  new        not waived, and the baseline did not have it;
  fixed      the baseline had it, this run does not, and the check that found it ran again on the same
             app (or the app is gone). A finding of a check that errored, was skipped or was left out of
             this run (`--static-only`) is not called fixed: nobody looked again.

The delta informs: decide() never reads it, and every blocking finding still counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from certifier.core.decision import FindingStatus
from certifier.core.errors import ConfigError
from certifier.core.model import CheckResult, Finding
from certifier.core.report import Delta, DeltaBaseline, DeltaCounts, DeltaFingerprints, Report
from certifier.report.canonical import ReportError, load_report
from certifier.report.escape import safe_text


@dataclass(frozen=True)
class _Seen:
    fingerprint: str
    identities: frozenset[str]
    check_id: str
    app: str | None


def load_baseline(path: str | Path) -> Report:
    """A sealed, intact report.json to compare with; anything else is a usage error naming the file."""
    try:
        report = load_report(path, check_digest=True)
    except ReportError as error:
        raise ConfigError(f"--baseline: {error}") from None
    if not report.digest:
        raise ConfigError(f"--baseline: {path}: the report was never sealed (empty digest); use the report.json "
                          "a certifier run wrote")
    return report


def _identities(finding: Finding) -> frozenset[str]:
    merged = finding.properties.get("merged_fingerprints", ())
    extra = {m for m in merged if isinstance(m, str) and m} if isinstance(merged, (list, tuple)) else set()
    return frozenset({finding.fingerprint, *extra})


def _seen(results: Iterable[CheckResult]) -> list[_Seen]:
    """Every finding with a fingerprint, once per fingerprint, in report order."""
    seen: dict[str, _Seen] = {}
    for result in results:
        for finding in result.findings:
            if finding.fingerprint and finding.fingerprint not in seen:
                seen[finding.fingerprint] = _Seen(finding.fingerprint, _identities(finding), result.check_id,
                                                  result.app)
    return list(seen.values())


def _looked_again(report: Report):
    """Whether this run's check looked again at (check id, app): it ran there, or the app is gone."""
    looked = {(r.check_id, r.app) for r in report.results if r.outcome.looked}
    apps = {app.name for app in report.apps}
    ran = {r.check_id for r in report.results if r.outcome.looked}

    def again(check_id: str, app: str | None) -> bool:
        if (check_id, app) in looked:
            return True
        return app is not None and app not in apps and check_id in ran
    return again


def compute_delta(report: Report, baseline: Report) -> Delta:
    """`report`'s findings against `baseline`'s (both decided reports). Lists are sorted fingerprints."""
    waived = {v.fingerprint for v in report.decision.findings if v.status is FindingStatus.WAIVED}
    now = _seen(report.results)
    before = _seen(baseline.results)
    known_before = frozenset().union(*(b.identities for b in before))
    known_now = frozenset().union(*(n.identities for n in now))
    groups: dict[str, set[str]] = {"new": set(), "unchanged": set(), "fixed": set(), "waived": set()}
    for finding in now:
        kind = "waived" if finding.fingerprint in waived else \
            "unchanged" if finding.identities & known_before else "new"
        groups[kind].add(finding.fingerprint)
    again = _looked_again(report)
    for finding in before:
        if not finding.identities & known_now and again(finding.check_id, finding.app):
            groups["fixed"].add(finding.fingerprint)
    lists = {kind: tuple(sorted(prints)) for kind, prints in groups.items()}
    return Delta(
        baseline=DeltaBaseline(tag=baseline.provenance.tag, commit=baseline.provenance.commit,
                               report_id=baseline.run_id or None),
        counts=DeltaCounts(**{kind: len(prints) for kind, prints in lists.items()}),
        fingerprints=DeltaFingerprints(**lists),
    )


def delta_line(delta: Delta) -> str:
    """One line for a terminal: 'since v1.0.0: 2 new, 3 unchanged, 1 fixed, 0 waived'."""
    since = safe_text(delta.baseline.tag or (delta.baseline.commit or "")[:12] or "the baseline", 80)
    counts = delta.counts
    return f"since {since}: {counts.new} new, {counts.unchanged} unchanged, {counts.fixed} fixed, {counts.waived} waived"
