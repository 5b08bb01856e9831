"""The delta against a baseline report: every finding new, unchanged, fixed or waived by its fingerprint; a
check that did not look again fixes nothing; merged fingerprints still match; the seal covers it; a 1.1.0
report (no delta) keeps its digest; a bad baseline is a usage error naming the file."""

from __future__ import annotations

import json

import pytest

from certifier.core.errors import ConfigError
from certifier.core.model import Outcome, Severity, Stage
from certifier.core.report import Provenance
from certifier.report.canonical import canonical_data, load_report, seal, verify
from certifier.report.delta import compute_delta, delta_line, load_baseline
from certifier.report.write import write_all

KINDS = ("new", "unchanged", "fixed", "waived")


@pytest.fixture
def build(make_report, make_result, make_finding, make_verdicts):
    """build(messages, waived=(), outcome=FAIL, app=None, check=...) -> (report, {message: fingerprint}): one
    result of `check` with a finding per message, every finding blocking unless waived."""
    def make(messages, *, waived=(), outcome=Outcome.FAIL, app=None, check="sec.sast", tag="v1.0.0"):
        findings = [make_finding(m, path="src/a.js", line=i + 1, check=check, app=app) for i, m in enumerate(messages)]
        if outcome is Outcome.FAIL and not findings:
            outcome = Outcome.PASS
        results = [make_result(check, Stage.SECURITY, outcome, app=app,
                               findings=findings if outcome in (Outcome.FAIL, Outcome.WARN) else ())]
        prints = {f.message: f.fingerprint for f in findings}
        waived_prints = {prints[m] for m in waived}
        verdicts = make_verdicts(results, set(prints.values()) - waived_prints, waived_prints)
        provenance = Provenance(source="https://example.invalid/acme/connector.git", tag=tag, commit="c" * 40)
        return make_report(results=results, verdicts=verdicts, provenance=provenance), prints
    return make


# --- the table of states ---------------------------------------------------------------------------

@pytest.mark.parametrize("before, after, waived_now, expected", [
    # nothing before, two now: both new
    ((), ("eval", "secret"), (), {"new": {"eval", "secret"}}),
    # the same two: unchanged
    (("eval", "secret"), ("eval", "secret"), (), {"unchanged": {"eval", "secret"}}),
    # one fixed, one unchanged, one new
    (("eval", "secret"), ("secret", "xss"), (), {"unchanged": {"secret"}, "new": {"xss"}, "fixed": {"eval"}}),
    # everything fixed
    (("eval",), (), (), {"fixed": {"eval"}}),
    # waived now: waived, whether the baseline had it or not
    (("eval",), ("eval", "xss"), ("eval", "xss"), {"waived": {"eval", "xss"}}),
    # no findings either side
    ((), (), (), {}),
])
def test_every_finding_gets_one_state(build, before, after, waived_now, expected):
    baseline, old = build(before, tag="v1.0.0")
    current, new = build(after, waived=waived_now, tag="v1.1.0")
    delta = compute_delta(current, baseline)
    prints = {**old, **new}
    wanted = {kind: tuple(sorted(prints[m] for m in expected.get(kind, ()))) for kind in KINDS}
    assert delta.fingerprints.model_dump() == wanted
    assert delta.counts.model_dump() == {kind: len(wanted[kind]) for kind in KINDS}
    assert delta.baseline.tag == "v1.0.0" and delta.baseline.report_id == baseline.run_id


def test_a_check_that_did_not_look_again_fixes_nothing(build):
    baseline, _ = build(("eval",))
    for outcome in (Outcome.ERROR, Outcome.SKIP):
        current, _ = build((), outcome=outcome)
        assert compute_delta(current, baseline).counts.fixed == 0, outcome
    left_out, _ = build((), check="other.check")  # --static-only
    assert compute_delta(left_out, baseline).counts.fixed == 0


def test_a_finding_of_an_app_that_is_gone_is_fixed(build):
    baseline, old = build(("eval",), app="old-app")
    current, _ = build((), app="hello-service")
    assert compute_delta(current, baseline).fingerprints.fixed == (old["eval"],)


def test_a_problem_now_seen_by_another_tool_is_unchanged(build, make_report, make_result, make_finding):
    baseline, old = build(("secret by tool A",))
    other = make_finding("secret by tool B", path="src/a.js", line=1, check="sec.sast",
                         properties={"merged_fingerprints": [old["secret by tool A"]]})
    results = [make_result("sec.sast", Stage.SECURITY, Outcome.FAIL, findings=[other])]
    current = make_report(results=results)
    delta = compute_delta(current, baseline)
    assert delta.fingerprints.unchanged == (other.fingerprint,) and delta.counts.fixed == 0


def test_delta_is_sealed_and_round_trips(build, tmp_path):
    baseline, _ = build(("eval",))
    current, _ = build(("xss",))
    sealed = seal(current.model_copy(update={"delta": compute_delta(current, baseline)}))
    data = json.loads(write_all(sealed, tmp_path)["json"].read_bytes())
    assert set(data["delta"]) == {"baseline", "counts", "fingerprints"}
    assert data["delta"]["counts"] == {"new": 1, "unchanged": 0, "fixed": 1, "waived": 0}
    assert set(data["delta"]["baseline"]) == {"tag", "commit", "report_id"}
    assert verify(json.dumps(data)).ok and load_report(tmp_path / "report.json").delta == sealed.delta
    data["delta"]["counts"]["new"] = 0  # the seal covers the delta
    assert not verify(json.dumps(data)).digest_ok


def test_without_a_baseline_there_is_no_delta_key(report, tmp_path):
    data = json.loads(write_all(report, tmp_path)["json"].read_bytes())
    assert "delta" not in data and "delta" not in canonical_data(report)


def test_a_1_1_0_report_still_verifies_and_loads(report, tmp_path):
    old = json.loads(json.dumps(canonical_data(report.model_copy(update={"schema_version": "1.1.0"}))))
    old.pop("delta", None)
    sealed = seal(report.model_copy(update={"schema_version": "1.1.0"}))
    old["digest"] = sealed.digest
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old))
    assert verify(path.read_bytes()).ok
    assert load_baseline(path).schema_version == "1.1.0"


@pytest.mark.parametrize("content, problem", [
    (b"{not json", "not valid JSON"),
    (b'{"schema_version": "1.2.0"}', "not a valid report"),
    (b"[]", "not a valid report"),
])
def test_a_bad_baseline_is_a_usage_error_naming_the_file(tmp_path, content, problem):
    path = tmp_path / "previous.json"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match=problem) as raised:
        load_baseline(path)
    assert str(path) in str(raised.value) and "--baseline" in str(raised.value)


def test_a_missing_tampered_or_unsealed_baseline_is_refused(report, tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_baseline(tmp_path / "absent.json")
    data = json.loads(write_all(report, tmp_path)["json"].read_bytes())
    data["run_id"] = "forged"
    (tmp_path / "tampered.json").write_text(json.dumps(data))
    with pytest.raises(ConfigError, match="changed after it was sealed"):
        load_baseline(tmp_path / "tampered.json")
    data["digest"] = ""
    (tmp_path / "unsealed.json").write_text(json.dumps(data))
    with pytest.raises(ConfigError, match="never sealed"):
        load_baseline(tmp_path / "unsealed.json")


def test_delta_line_is_short_and_inert(build):
    baseline, _ = build(("eval",), tag="v1.0.0\u202e\x1b[31m")
    current, _ = build(("eval", "xss"))
    line = delta_line(compute_delta(current, baseline))
    assert line.startswith("since v1.0.0") and line.endswith("1 new, 1 unchanged, 0 fixed, 0 waived")
    assert "\u202e" not in line and "\x1b" not in line


def test_severity_does_not_change_identity(build, make_report, make_result, make_finding):
    # the fingerprint ignores severity and line: a finding that moved and got worse is unchanged
    baseline, old = build(("eval",))
    moved = make_finding("eval", Severity.WARNING, path="src/a.js", line=40, check="sec.sast")
    current = make_report(results=[make_result("sec.sast", Stage.SECURITY, Outcome.WARN, findings=[moved])],
                          verdicts=())
    assert compute_delta(current, baseline).fingerprints.unchanged == (old["eval"],)
