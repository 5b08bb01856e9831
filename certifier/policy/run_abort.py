"""The decision of a run that stopped before any check: the source could not be fetched.

An input error (missing tag, empty repository, tag on a tree, oversize) is a definite negative with
exit code 2; an infrastructure error (unreachable host, timeout) is "Could not decide", exit code 3.
"""

from __future__ import annotations

from certifier.core.decision import EXIT_CODES, Decision, DecisionKind, TraceStep, Verdict
from certifier.policy.profiles import Profile
from certifier.source.checkout import SourceError


def aborted_decision(profile: Profile, error: SourceError) -> Decision:
    infrastructure = error.exit_code == EXIT_CODES[DecisionKind.UNDECIDED]
    kind = DecisionKind.UNDECIDED if infrastructure else DecisionKind.NEGATIVE
    verdict = Verdict.UNDECIDED if infrastructure else profile.verdicts.negative
    cause = "the repository could not be reached" if infrastructure else "the requested source is not certifiable"
    return Decision(
        stage=profile.stage,
        profile=profile.id,
        profile_version=profile.version,
        kind=kind,
        verdict=verdict,
        exit_code=error.exit_code,
        summary=f"{cause}: {error}",
        trace=(TraceStep(rule="source.fetch", effect=kind, message=str(error)),),
    )
