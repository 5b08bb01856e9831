"""Waivers: applied, expired, unused, scoped; never for an error outcome; validated; refused in the connector."""

from __future__ import annotations

import datetime as dt

import pytest

from certifier.core.decision import DecisionKind, FindingStatus

from certifier.core.model import Outcome
from certifier.policy.decide import decide
from certifier.policy.waivers import REFUSED, WaiverError, WaiverRefused, load_waivers

from policy_builders import TODAY, baseline, finding, result, waiver

POS, NEG, UND, REV = DecisionKind.POSITIVE, DecisionKind.NEGATIVE, DecisionKind.UNDECIDED, DecisionKind.REVIEW


def _uses(decision):
    return {use.waiver_id: use for use in decision.waivers}


def test_a_waived_finding_no_longer_blocks_but_stays_visible(profiles):
    bad = result("spec.endpoint-path", finding("error", "endpoint without slash"), app="svc")
    waivers = [waiver("legacy-endpoint", check="spec.endpoint-path")]
    decision = decide(profiles.preview, baseline() + [bad], waivers, today=TODAY)
    assert decision.kind is POS
    assert "1 finding waived" in decision.summary
    use = _uses(decision)["legacy-endpoint"]
    assert use.status == "applied" and use.fingerprints == (bad.findings[0].fingerprint,)
    assert use.approver == "reviewer@example.com" and use.expires == "2030-01-01"
    step = next(s for s in decision.trace if s.rule == "waiver:legacy-endpoint")
    assert step.effect is None and step.fingerprints == use.fingerprints
    verdict = decision.verdicts()[bad.findings[0].fingerprint]
    assert verdict.status is FindingStatus.WAIVED and verdict.waivers == ("legacy-endpoint",)


def test_an_expired_waiver_is_reported_and_ignored(profiles):
    bad = result("spec.schema", finding("error"))
    old = waiver("old", check="spec.schema", expires=TODAY - dt.timedelta(days=1))
    decision = decide(profiles.preview, baseline() + [bad], [old], today=TODAY)
    assert decision.kind is NEG
    use = _uses(decision)["old"]
    assert use.status == "expired" and use.fingerprints == (bad.findings[0].fingerprint,)
    assert any(s.rule == "waiver:old" and "expired on" in s.message for s in decision.trace)


def test_a_waiver_is_valid_through_its_expiry_day(profiles):
    bad = result("spec.schema", finding("error"))
    decision = decide(profiles.preview, baseline() + [bad], [waiver(check="spec.schema", expires=TODAY)], today=TODAY)
    assert decision.kind is POS


def test_a_waiver_that_matches_nothing_is_unused(profiles):
    decision = decide(profiles.preview, baseline(), [waiver("nothing", check="sec.sast")], today=TODAY)
    assert decision.kind is POS and _uses(decision)["nothing"].status == "unused"


def test_a_waiver_cannot_waive_an_error_outcome(profiles):
    broken = result("sec.sast", outcome=Outcome.ERROR, summary="semgrep crashed")
    decision = decide(profiles.preview, baseline() + [broken], [waiver(check="sec.sast")], today=TODAY)
    assert decision.kind is UND
    assert _uses(decision)["w1"].status == "unused"


def test_a_waiver_cannot_waive_a_skipped_check(profiles):
    skipped = result("build.install", outcome=Outcome.SKIP, app="svc", summary="not run")
    assert decide(profiles.preview, baseline() + [skipped], [waiver(check="build.*")], today=TODAY).kind is UND


def test_partial_waiver_leaves_the_other_blocking_finding(profiles):
    bad = result("spec.schema", finding("error", "a", rule="required"), finding("error", "b", rule="type"))
    decision = decide(profiles.preview, baseline() + [bad], [waiver(check="spec.schema", rule="required")],
                      today=TODAY)
    assert decision.kind is NEG and "1 blocking finding in spec.schema" in decision.summary


@pytest.mark.parametrize(
    "scope, waived",
    [
        ({"app": "svc"}, {"svc-src", "svc-test"}),
        ({"app": "a*"}, {"api-src"}),
        ({"path": "svc/src/*"}, {"svc-src"}),
        ({"path": "*/test/*"}, {"svc-test"}),
        ({"app": "svc", "path": "*.spec.js"}, {"svc-test"}),
        ({}, {"svc-src", "svc-test", "api-src", "connector"}),
    ],
)
def test_scope_by_app_and_path(profiles, scope, waived):
    run = baseline() + [
        result("sec.sast", finding("error", "svc-src", path="svc/src/a.js"),
               finding("error", "svc-test", path="svc/test/a.spec.js"), app="svc"),
        result("sec.sast", finding("error", "api-src", path="api/src/b.js"), app="api"),
        result("sec.sast", finding("error", "connector", path="connect.yaml")),
    ]
    marks = decide(profiles.preview, run, [waiver(check="sec.sast", **scope)], today=TODAY).verdicts()
    got = {f.message for r in run for f in r.findings if marks[f.fingerprint].status is FindingStatus.WAIVED}
    assert got == waived


def test_scope_by_fingerprint_waives_exactly_one_finding(profiles):
    bad = result("spec.schema", finding("error", "a"), finding("error", "b"))
    target = bad.findings[0].fingerprint
    marks = decide(profiles.preview, [bad], [waiver(check="spec.*", fingerprint=target)], today=TODAY).verdicts()
    assert [marks[f.fingerprint].status for f in bad.findings] == [FindingStatus.WAIVED, FindingStatus.BLOCKS]


def test_a_waived_review_finding_no_longer_needs_review(profiles):
    thin = result("struct.readme", finding("warning", "no configuration table"))
    assert decide(profiles.certification, baseline() + [thin], today=TODAY).kind is REV
    decision = decide(profiles.certification, baseline() + [thin], [waiver(check="struct.readme")], today=TODAY)
    assert decision.kind is POS


# ---- loading -------------------------------------------------------------------------------------

VALID = """\
waivers:
  - id: legacy-endpoint
    check: spec.endpoint-path
    app: svc
    reason: the platform accepts it; fixed in 2.0
    approver: jane@example.com
    expires: 2025-12-31
    created: 2025-01-01
  - id: sast-fp
    check: sec.sast
    fingerprint: 0123456789abcdef0123456789abcdef
    reason: false positive
    approver: joe@example.com
    expires: 2026-01-31
"""


def _write(tmp_path, text, name="waivers.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_load_a_valid_waiver_file(tmp_path):
    waivers = load_waivers(_write(tmp_path, VALID), connector_root=None)
    assert [w.id for w in waivers] == ["legacy-endpoint", "sast-fp"]
    assert waivers[0].expires == dt.date(2025, 12, 31) and waivers[0].created == dt.date(2025, 1, 1)
    assert waivers[0].app == "svc" and waivers[1].fingerprint.startswith("0123")


def test_a_bare_list_is_accepted(tmp_path):
    text = "- {id: a, check: spec.schema, reason: r, approver: x, expires: 2030-01-01}\n"
    assert [w.id for w in load_waivers(_write(tmp_path, text), connector_root=None)] == ["a"]


@pytest.mark.parametrize(
    "edit, expected",
    [
        (("    expires: 2026-01-31\n", ""), "waivers[1]: 'expires' is a required property"),
        (("    reason: false positive\n", "    reason: '  '\n"), "waivers[1].reason: '  ' does not match"),
        (("    approver: joe@example.com\n", ""), "waivers[1]: 'approver' is a required property"),
        (("2026-01-31", "2026-13-31"), "waivers[1].expires: '2026-13-31' is not a 'date'"),
        (("2026-01-31", "2026-01-31T10:00:00"), "waivers[1].expires: '2026-01-31T10:00:00' does not match"),
        (("    check: sec.sast\n", ""), "waivers[1]: 'check' is a required property"),
        (("    app: svc\n", "    apps: svc\n"),
         "waivers[0]: Additional properties are not allowed ('apps' was unexpected)"),
        (("id: sast-fp", "id: legacy-endpoint"), "waivers[1].id: duplicate id 'legacy-endpoint' (also waivers[0])"),
        (("created: 2025-01-01", "created: 2026-01-01"),
         "waivers[0].created: 2026-01-01 is after expires 2025-12-31"),
        (("0123456789abcdef", "not-a-fingerprint"), "waivers[1].fingerprint: "),
    ],
)
def test_invalid_waivers_are_reported_by_field(tmp_path, edit, expected):
    path = _write(tmp_path, VALID.replace(*edit))
    with pytest.raises(WaiverError) as error:
        load_waivers(path, connector_root=None)
    assert f"{path}: {expected}" in str(error.value)
    assert error.value.exit_code == 2


def test_broken_yaml_is_reported_with_its_line(tmp_path):
    with pytest.raises(WaiverError, match=r"waivers.yaml: line \d+, column \d+: invalid YAML"):
        load_waivers(_write(tmp_path, "waivers:\n  - id: a\n  - : : [\n"), connector_root=None)
    with pytest.raises(WaiverError, match="duplicate key"):
        load_waivers(_write(tmp_path, "waivers: []\nwaivers: []\n"), connector_root=None)


def test_an_empty_or_huge_file_is_refused(tmp_path):
    with pytest.raises(WaiverError, match="<top level>: None is not of type 'object'"):
        load_waivers(_write(tmp_path, ""), connector_root=None)
    with pytest.raises(WaiverError, match="larger than"):
        load_waivers(_write(tmp_path, "#" * 1_000_001), connector_root=None)


def test_a_waiver_file_inside_the_connector_is_refused(tmp_path):
    connector = tmp_path / "connector"
    (connector / "docs").mkdir(parents=True)
    inside = _write(connector / "docs", VALID)
    with pytest.raises(WaiverRefused) as error:
        load_waivers(inside, connector_root=connector)
    assert REFUSED in str(error.value) and error.value.exit_code == 2
    with pytest.raises(WaiverRefused):  # a '..' detour or a symlink from outside does not help
        load_waivers(connector / "docs" / ".." / "docs" / "waivers.yaml", connector_root=connector)
    link = tmp_path / "outside.yaml"
    link.symlink_to(inside)
    with pytest.raises(WaiverRefused):
        load_waivers(link, connector_root=[tmp_path / "elsewhere", connector])


def test_a_waiver_file_outside_the_connector_is_read(tmp_path):
    connector = tmp_path / "connector"
    connector.mkdir()
    reviewer = tmp_path / "reviewer"
    reviewer.mkdir()
    assert len(load_waivers(_write(reviewer, VALID), connector_root=connector)) == 2
