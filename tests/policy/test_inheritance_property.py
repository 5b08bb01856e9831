"""Property: each later stage includes every gate of the earlier ones (hypothesis over random runs)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from certifier.core.decision import DecisionKind

from certifier.core.model import Outcome
from certifier.policy.decide import decide
from certifier.policy.profiles import load_profile

from policy_builders import TODAY, baseline, finding, result, waiver

PROFILES = [load_profile(name) for name in ("preview", "publish", "certification")]
# how bad a decision is: a stricter stage can only move a run to the right
BADNESS = {DecisionKind.POSITIVE: 0, DecisionKind.REVIEW: 1, DecisionKind.UNDECIDED: 2, DecisionKind.NEGATIVE: 3}

CHECKS = [
    "spec.schema", "spec.api-scopes", "spec.secret-config", "struct.readme", "struct.license",
    "struct.support-contact", "struct.tests-present", "struct.test-script", "struct.lockfile",
    "sec.sast", "sec.console-log", "sec.stateless", "sec.image-scan", "deps.vulnerable-dependency",
    "build.install", "probe.postdeploy-idempotent", "probe.health",
]
RULES = [None, "no-op", "missing", "forbidden-scope", "broad-scope", "thin", "no-console-log", "other"]

findings = st.builds(
    finding,
    st.sampled_from(["info", "warning", "error"]),
    st.sampled_from(["a", "b", "c"]),
    rule=st.sampled_from(RULES),
    path=st.sampled_from([None, "svc/src/index.js", "README.md"]),
    needs_review=st.booleans(),
)


@st.composite
def results(draw, min_findings=0):
    check = draw(st.sampled_from(CHECKS))
    app = draw(st.sampled_from([None, "svc", "api"]))
    outcome = draw(st.sampled_from([None, None, None, Outcome.ERROR, Outcome.SKIP, Outcome.NOT_APPLICABLE]))
    found = draw(st.lists(findings, min_size=min_findings, max_size=3)) if outcome is None else []
    return result(check, *found, outcome=outcome, app=app)


waivers = st.lists(
    st.builds(
        waiver,
        st.uuids().map(str),
        st.sampled_from(["*", "spec.*", "struct.readme", "sec.sast", "struct.test-script"]),
        expires=st.sampled_from([TODAY - dt.timedelta(days=1), TODAY, TODAY + dt.timedelta(days=30)]),
    ),
    max_size=2,
    unique_by=lambda w: w.id,
)


def _assert_monotone(run, waived):
    preview, publish, certification = kinds = [decide(p, run, waived, today=TODAY).kind for p in PROFILES]
    assert BADNESS[preview] <= BADNESS[publish] <= BADNESS[certification], kinds
    if publish is DecisionKind.NEGATIVE:
        assert certification is DecisionKind.NEGATIVE
    if publish is not DecisionKind.POSITIVE:
        assert certification is not DecisionKind.POSITIVE


@settings(max_examples=600, deadline=None, database=None)
@given(results(min_findings=1), waivers)
def test_one_result_never_passes_a_later_stage_that_an_earlier_one_stops(one, waived):
    # a single result on a clean baseline: no other finding can mask a loosened rule
    _assert_monotone(baseline() + [one], waived)


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(results(), max_size=8), waivers, st.booleans())
def test_a_later_stage_is_never_more_lenient(extra, waived, with_baseline):
    _assert_monotone((baseline() if with_baseline else []) + extra, waived)
