"""decide(): verdicts per stage, precedence, certification-only rules, trace and determinism."""

from __future__ import annotations

import random

import pytest

from certifier.core.decision import DecisionKind, FindingStatus, Verdict

from certifier.core.model import Outcome
from certifier.policy.decide import decide
from certifier.policy.profiles import load_profile

from policy_builders import TODAY, baseline, finding, result, waiver

POS, NEG, UND, REV = DecisionKind.POSITIVE, DecisionKind.NEGATIVE, DecisionKind.UNDECIDED, DecisionKind.REVIEW

# name -> (extra results on top of a clean baseline, expected kind for preview, publish, certification)
CASES = {
    "clean run": ([], (POS, POS, POS)),
    "spec error": ([result("spec.schema", finding("error"))], (NEG, NEG, NEG)),
    "warning below block_at": ([result("struct.lockfile", finding("warning"), app="svc")], (POS, POS, POS)),
    "info never blocks": ([result("struct.node-engine", finding("info"), app="svc")], (POS, POS, POS)),
    "unlisted check blocks at error": ([result("build.brand-new", finding("error"), app="svc")], (NEG, NEG, NEG)),
    "error outcome of gating check": ([result("sec.sast", outcome=Outcome.ERROR, summary="semgrep crashed")],
                                      (UND, UND, UND)),
    "skip of gating check": ([result("build.install", outcome=Outcome.SKIP, app="svc", summary="--no-build")],
                             (UND, UND, UND)),
    "error in certification-only check": ([result("struct.readme", outcome=Outcome.ERROR, summary="unreadable")],
                                          (POS, POS, UND)),
    "fail beats error": ([result("spec.schema", finding("error")),
                          result("sec.sast", outcome=Outcome.ERROR, summary="timeout")], (NEG, NEG, NEG)),
    "no-op test script": ([result("struct.test-script", finding("error", rule="no-op"), app="svc")],
                          (POS, POS, NEG)),
    "test script missing": ([result("struct.test-script", finding("warning", rule="missing"), app="svc")],
                            (POS, POS, NEG)),
    "other test-script problem": ([result("struct.test-script", finding("error", rule="unparsable"), app="svc")],
                                  (NEG, NEG, NEG)),
    "README missing": ([result("struct.readme", finding("error", "no README"))], (POS, POS, NEG)),
    "README thin": ([result("struct.readme", finding("warning", "no configuration table", rule="thin"))],
                    (POS, POS, REV)),
    "config key undocumented": ([result("struct.readme", finding("error", rule="undocumented-key"))],
                                (POS, POS, NEG)),
    "postDeploy without preUndeploy": ([result("struct.lifecycle-scripts", finding(
        "warning", rule="no-pre-undeploy", needs_review=True), app="svc")], (POS, POS, REV)),
    "LICENSE missing": ([result("struct.license", finding("error"))], (POS, POS, NEG)),
    "tests missing": ([result("struct.tests-present", finding("error"), app="svc")], (POS, POS, NEG)),
    "manage_project scope": ([result("spec.api-scopes", finding("error", rule="forbidden-scope"))],
                             (POS, POS, NEG)),
    "other scope error": ([result("spec.api-scopes", finding("error", rule="invalid"))], (NEG, NEG, NEG)),
    "duplicate scope is only a warning": ([result("spec.api-scopes", finding("warning", rule="duplicate-scope"))],
                                         (POS, POS, POS)),
    "broad scope needs justification": ([result("spec.api-scopes", finding("warning", rule="broad-scope"))],
                                        (POS, POS, REV)),
    "console.log": ([result("sec.console-log", finding("warning"), app="svc")], (POS, POS, NEG)),
    "console.log as SAST rule": ([result("sec.sast", finding("warning", rule="no-console-log"), app="svc")],
                                 (POS, POS, NEG)),
    "finding flagged for review": ([result("sec.stateless", finding("warning", needs_review=True), app="svc")],
                                   (POS, POS, REV)),
    "flagged error still blocks": ([result("spec.secret-config", finding("error", needs_review=True))],
                                   (NEG, NEG, NEG)),
    "review waits for undecided": ([result("struct.readme", finding("warning")),
                                    result("sec.sast", outcome=Outcome.ERROR)], (UND, UND, UND)),
    "negative beats review": ([result("struct.readme", finding("warning")),
                               result("spec.schema", finding("error"))], (NEG, NEG, NEG)),
    "fail without findings": ([result("spec.app-folder", outcome=Outcome.FAIL)], (UND, UND, UND)),
    "not applicable": ([result("struct.java-app", outcome=Outcome.NOT_APPLICABLE, app="svc")], (POS, POS, POS)),
    "image scan skipped": ([result("sec.image-scan", outcome=Outcome.SKIP)], (POS, POS, POS)),
}

LABELS = {
    "preview": {POS: Verdict.ACCEPTED, NEG: Verdict.REJECTED},
    "publish": {POS: Verdict.PUBLISHED, NEG: Verdict.PUBLISH_FAILED},
    "certification": {POS: Verdict.LISTED, NEG: Verdict.CERTIFICATION_FAILED, REV: Verdict.IN_PROGRESS},
}
EXIT = {POS: 0, NEG: 1, UND: 3, REV: 4}


@pytest.mark.parametrize("stage_index, stage", list(enumerate(["preview", "publish", "certification"])))
@pytest.mark.parametrize("name", sorted(CASES))
def test_decision_table(profiles, name, stage_index, stage):
    extra, expected = CASES[name]
    want = expected[stage_index]
    decision = decide(getattr(profiles, stage), baseline() + extra, today=TODAY)
    assert decision.kind is want, decision.summary
    assert decision.verdict is LABELS[stage].get(want, Verdict.UNDECIDED)
    assert decision.exit_code == EXIT[want]
    assert decision.stage == stage and decision.profile == stage and decision.profile_version == getattr(profiles, stage).version
    assert decision.summary.startswith(decision.verdict.value)
    assert decision.trace[-1].rule == "precedence" and decision.trace[-1].effect is want


def test_nothing_checked_is_never_positive(profiles):
    for profile in vars(profiles).values():
        decision = decide(profile, [], today=TODAY)
        assert decision.kind is UND and decision.exit_code == 3
        assert "nothing was checked" in decision.summary


def test_a_required_stage_without_results_is_not_audited(profiles):
    decision = decide(profiles.preview, [result("spec.schema")], today=TODAY)
    assert decision.kind is UND
    assert any(s.rule == "preview:requires_stages" and "structure" in s.message for s in decision.trace)


def test_trace_names_rule_check_app_and_fingerprints(profiles):
    bad = result("struct.test-script", finding("error", "test is `exit 0`", rule="no-op"), app="svc")
    decision = decide(profiles.certification, baseline() + [bad], today=TODAY)
    step = next(s for s in decision.trace if s.effect is NEG)
    assert step.rule == "certification:test-script"
    assert (step.check_id, step.app) == ("struct.test-script", "svc")
    assert step.fingerprints == (bad.findings[0].fingerprint,)
    assert "struct.test-script (svc)" in decision.summary


def test_error_in_a_non_gating_check_is_traced_but_ignored(profiles):
    broken = result("struct.readme", outcome=Outcome.ERROR, summary="cannot read")
    decision = decide(profiles.preview, baseline() + [broken], today=TODAY)
    assert decision.kind is POS
    step = next(s for s in decision.trace if s.check_id == "struct.readme")
    assert step.effect is None and "ignored" in step.message and step.rule == "preview:cert-readme"


def test_undecided_summary_says_which_check_could_not_run(profiles):
    broken = result("deps.vulnerable-dependency", outcome=Outcome.ERROR, app="svc", summary="advisory DB missing")
    decision = decide(profiles.publish, baseline() + [broken], today=TODAY)
    assert decision.summary == "Could not decide: deps.vulnerable-dependency (svc) could not run: advisory DB missing"


def test_app_type_rules_match_only_known_app_types(tmp_path):
    custom = tmp_path / "mc.yaml"
    custom.write_text(
        "id: mc-lenient\nversion: 1.0.0\nstage: preview\ndescription: d\n"
        "verdicts: {positive: Accepted, negative: Rejected}\n"
        "rules:\n  - {id: mc-sast, check: sec.sast, app_types: [merchant-center-custom-application], block_at: never}\n"
    )
    profile = load_profile(custom)
    run = baseline() + [result("sec.sast", finding("error"), app="ui")]
    assert decide(profile, run, today=TODAY, app_types={"ui": "merchant-center-custom-application"}).kind is POS
    assert decide(profile, run, today=TODAY, app_types={"ui": "service"}).kind is NEG
    assert decide(profile, run, today=TODAY).kind is NEG  # unknown type: the lenient rule does not apply


def test_the_decision_seals_a_verdict_for_every_finding(profiles):
    readme = result("struct.readme", finding("error", "no README"))
    schema = result("spec.schema", finding("error", "bad key"), finding("warning", "odd key"))
    waived = result("spec.endpoint-path", finding("error", "no leading slash"), app="svc")
    decision = decide(profiles.preview, baseline() + [readme, schema, waived],
                      [waiver(check="spec.endpoint-path")], today=TODAY)
    verdicts = decision.verdicts()
    by_message = {f.message: verdicts[f.fingerprint].status for r in (readme, schema, waived) for f in r.findings}
    assert by_message == {"no README": FindingStatus.ADVISORY, "bad key": FindingStatus.BLOCKS,
                          "odd key": FindingStatus.ADVISORY, "no leading slash": FindingStatus.WAIVED}
    assert verdicts[readme.findings[0].fingerprint].rule == "preview:cert-readme"
    assert verdicts[schema.findings[0].fingerprint].rule == "preview:platform-schema"
    assert verdicts[waived.findings[0].fingerprint].waivers == ("w1",)
    assert (verdicts[waived.findings[0].fingerprint].check_id, verdicts[waived.findings[0].fingerprint].app) == (
        "spec.endpoint-path", "svc")
    assert len(decision.findings) == 4


def test_two_findings_with_one_fingerprint_keep_the_heavier_verdict(profiles):
    same = [finding("error", "dup"), finding("warning", "dup")]
    decision = decide(profiles.preview, baseline() + [result("sec.sast", *same, app="svc")], today=TODAY)
    [verdict] = [v for v in decision.findings if v.check_id == "sec.sast"]
    assert verdict.status is FindingStatus.BLOCKS


def test_findings_without_fingerprint_get_the_runner_fingerprint(profiles):
    raw = result("spec.schema").model_copy(update={"findings": (finding("error", "bad"),), "outcome": Outcome.FAIL})
    decision = decide(profiles.preview, baseline() + [raw], today=TODAY)
    expected = finding("error", "bad").with_fingerprint("spec.schema", None).fingerprint
    assert next(s for s in decision.trace if s.effect is NEG).fingerprints == (expected,)


def _shuffled(results, rng):
    out = [r.model_copy(update={"findings": tuple(rng.sample(r.findings, len(r.findings)))}) for r in results]
    rng.shuffle(out)
    return out


@pytest.mark.parametrize("seed", range(5))
def test_same_input_in_any_order_gives_the_identical_decision(profiles, seed):
    run = baseline() + [
        result("spec.schema", finding("error", "a"), finding("warning", "b"), finding("error", "c")),
        result("struct.readme", finding("warning", "thin")),
        result("struct.test-script", finding("error", rule="no-op"), app="svc"),
        result("struct.test-script", finding("error", rule="no-op"), app="api"),
        result("sec.sast", outcome=Outcome.ERROR, summary="crash", app="svc"),
        result("sec.stateless", finding("warning", needs_review=True), app="api"),
    ]
    waivers = [waiver("w-b", check="spec.schema"), waiver("w-a", check="struct.test-script", app="api")]
    rng = random.Random(seed)
    for profile in vars(profiles).values():
        first = decide(profile, run, waivers, today=TODAY)
        again = decide(profile, _shuffled(run, rng), list(reversed(waivers)), today=TODAY)
        assert again == first
        assert again.model_dump_json() == first.model_dump_json()


@pytest.mark.parametrize("stage, kind", [("preview", UND), ("publish", UND), ("certification", UND)])
def test_static_stages_alone_never_give_a_positive_verdict(profiles, stage, kind):
    static_only = [result("spec.schema"), result("struct.package-json", app="svc")]
    decision = decide(getattr(profiles, stage), static_only, today=TODAY)
    assert decision.kind is kind, decision.summary
    if kind is UND:
        assert any("not audited" in step.message for step in decision.trace)
