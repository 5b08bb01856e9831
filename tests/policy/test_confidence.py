"""Confidence gating, per profile: facts (findings with their confidence) in, verdicts out.

Preview and publish block only on high-confidence findings; certification sends medium-confidence findings
its gates would block to a reviewer and keeps low-confidence ones advisory. The platform's own gates
(schema, build and tests, fixable HIGH/CRITICAL advisories) block whatever our confidence.
"""

from __future__ import annotations

import pytest

from certifier.core.model import Confidence, Finding, Severity

from certifier.core.decision import DecisionKind, FindingStatus
from certifier.policy.decide import decide
from certifier.policy.profiles import ProfileError, load_profile

from policy_builders import TODAY, baseline, result

BLOCKS, REVIEW, WAIVED, ADVISORY = (FindingStatus.BLOCKS, FindingStatus.NEEDS_REVIEW, FindingStatus.WAIVED,
                                    FindingStatus.ADVISORY)
HIGH, MEDIUM, LOW = Confidence.HIGH, Confidence.MEDIUM, Confidence.LOW


def fact(severity: str, confidence: Confidence, rule: str | None = None) -> Finding:
    return Finding(message=f"{severity} {confidence.value} {rule or ''}", severity=Severity(severity),
                   confidence=confidence, rule=rule, confidence_reason="table test")


# name -> (check id, finding, app, expected status for preview, publish, certification)
CASES = {
    "secret, high confidence": ("sec.secrets", fact("error", HIGH), "svc", (BLOCKS, BLOCKS, BLOCKS)),
    "secret, medium confidence": ("sec.secrets", fact("error", MEDIUM), "svc", (ADVISORY, ADVISORY, REVIEW)),
    "secret, low confidence": ("sec.secrets", fact("error", LOW), "svc", (ADVISORY, ADVISORY, ADVISORY)),
    "SAST, medium confidence": ("sec.sast", fact("error", MEDIUM, "ssrf"), "svc", (ADVISORY, ADVISORY, REVIEW)),
    "warning below every gate": ("struct.lockfile", fact("warning", MEDIUM), "svc", (ADVISORY, ADVISORY, ADVISORY)),
    "certification-only gate, medium": ("struct.license", fact("error", MEDIUM), None,
                                        (ADVISORY, ADVISORY, REVIEW)),
    "schema, low confidence": ("spec.schema", fact("error", LOW), None, (BLOCKS, BLOCKS, BLOCKS)),
    "manifest unreadable, medium": ("spec.manifest-file", fact("error", MEDIUM), None, (BLOCKS, BLOCKS, BLOCKS)),
    "build fails, medium": ("build.compile", fact("error", MEDIUM, "build-failed"), "svc", (BLOCKS, BLOCKS, BLOCKS)),
    "tests fail, low": ("build.test", fact("error", LOW, "tests-failed"), "svc", (BLOCKS, BLOCKS, BLOCKS)),
    "fixable critical advisory, medium": ("deps.vulnerable-dependency", fact("error", MEDIUM, "fixable-critical"),
                                          "svc", (ADVISORY, BLOCKS, BLOCKS)),
    "unfixable critical advisory, medium": ("deps.vulnerable-dependency", fact("error", MEDIUM, "unfixable-critical"),
                                            "svc", (ADVISORY, ADVISORY, REVIEW)),
    "flagged for review, low": ("sec.stateless", Finding(message="timer", severity=Severity.WARNING, confidence=LOW,
                                                         needs_review=True), "svc", (ADVISORY, ADVISORY, ADVISORY)),
    "flagged for review, medium": ("sec.stateless", Finding(message="timer", severity=Severity.WARNING,
                                                            confidence=MEDIUM, needs_review=True), "svc",
                                   (ADVISORY, ADVISORY, REVIEW)),
}
KIND = {BLOCKS: DecisionKind.NEGATIVE, REVIEW: DecisionKind.REVIEW, ADVISORY: DecisionKind.POSITIVE}


@pytest.mark.parametrize("index, stage", list(enumerate(["preview", "publish", "certification"])))
@pytest.mark.parametrize("name", sorted(CASES))
def test_confidence_table(profiles, name, index, stage):
    check_id, finding, app, expected = CASES[name]
    checked = result(check_id, finding, app=app)
    decision = decide(getattr(profiles, stage), baseline() + [checked], today=TODAY)
    verdict = decision.verdicts()[checked.findings[0].fingerprint]
    assert verdict.status is expected[index], verdict
    assert decision.kind is KIND[expected[index]], decision.summary
    assert (verdict.check_id, verdict.app) == (check_id, app)


def test_a_demoted_finding_names_the_confidence_rule_and_is_traced(profiles):
    secret = result("sec.secrets", fact("error", MEDIUM), app="svc")
    fingerprint = secret.findings[0].fingerprint
    publish = decide(profiles.publish, baseline() + [secret], today=TODAY)
    verdict = publish.verdicts()[fingerprint]
    assert verdict.rule == "preview:confidence.block" and "medium confidence" in verdict.reason
    step = next(s for s in publish.trace if fingerprint in s.fingerprints)
    assert step.effect is None and step.rule == "preview:confidence.block"
    certification = decide(profiles.certification, baseline() + [secret], today=TODAY)
    assert certification.verdicts()[fingerprint].rule == "certification:confidence.review"
    assert certification.verdict.value == "Certification in progress" and certification.exit_code == 4


def test_a_waiver_covers_a_finding_sent_to_review_by_its_confidence(profiles):
    from policy_builders import waiver

    secret = result("sec.secrets", fact("error", MEDIUM), app="svc")
    decision = decide(profiles.certification, baseline() + [secret], [waiver(check="sec.secrets")], today=TODAY)
    assert decision.verdicts()[secret.findings[0].fingerprint].status is WAIVED
    assert decision.kind is DecisionKind.POSITIVE


def _custom(tmp_path, name: str, stage: str, extends: str, body: str):
    labels = {"publish": "{positive: Published, negative: Publish failed}",
              "certification": "{positive: Listed and certified, negative: Certification failed, "
                               "review: Certification in progress}"}[stage]
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"id: {name}\nversion: 1.0.0\nstage: {stage}\ndescription: test\nextends: {extends}\n"
                    f"verdicts: {labels}\n{body}rules: []\n")
    return path


def test_along_extends_the_strictest_bar_wins(tmp_path):
    stricter = load_profile(_custom(tmp_path, "stricter", "publish", "publish", "confidence: {block: medium}\n"))
    looser = load_profile(_custom(tmp_path, "looser", "publish", "publish", "confidence: {block: high}\n"))
    secret = result("sec.secrets", fact("error", MEDIUM), app="svc")
    assert decide(stricter, baseline() + [secret], today=TODAY).kind is DecisionKind.NEGATIVE
    assert decide(looser, baseline() + [secret], today=TODAY).kind is DecisionKind.POSITIVE
    low = result("sec.secrets", fact("error", LOW), app="svc")
    reviews_low = load_profile(_custom(tmp_path, "low", "certification", "certification",
                                       "confidence: {review: low}\n"))
    assert decide(reviews_low, baseline() + [low], today=TODAY).kind is DecisionKind.REVIEW


def test_a_review_bar_must_be_below_the_blocking_bar(tmp_path):
    path = _custom(tmp_path, "pointless", "certification", "certification", "confidence: {block: medium}\n")
    with pytest.raises(ProfileError) as error:
        load_profile(path)
    assert "confidence.review: medium is not below confidence.block (medium" in str(error.value)


def test_preview_and_publish_cannot_send_findings_to_review(tmp_path):
    path = _custom(tmp_path, "reviewing", "publish", "publish", "confidence: {review: medium}\n")
    with pytest.raises(ProfileError) as error:
        load_profile(path)
    assert "confidence" in str(error.value)
