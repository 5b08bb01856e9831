"""Licence lists act in the policy: deps.license reports facts (SPDX ids, category, expression), and the
profile's allow/deny lists turn them into verdicts, naming the list's profile as the deciding rule."""

from __future__ import annotations

import pytest

from certifier.core.decision import DecisionKind, FindingStatus

from certifier.core.model import Finding, Severity
from certifier.policy.decide import decide
from certifier.policy.profiles import load_profile

from policy_builders import TODAY, baseline, result

BLOCKS, REVIEW, ADVISORY = FindingStatus.BLOCKS, FindingStatus.NEEDS_REVIEW, FindingStatus.ADVISORY


def package(name: str, expression: str | None, category: str, *, dev: bool = False, rule: str = "strong-copyleft",
            severity: str = "warning") -> Finding:
    """A per-package licence fact as deps.license reports it."""
    return Finding(message=f"{name}@1.0.0 is licensed {expression}", severity=Severity(severity), rule=rule,
                   needs_review=severity == "warning", key=f"{name}@1.0.0",
                   properties={"package": name, "version": "1.0.0", "license": expression, "category": category,
                               "spdx": [expression] if expression else [], "dev": dev, "direct": True})


def noted(*members: tuple[str, str, bool]) -> Finding:
    """The aggregate of other non-permissive licences (weak copyleft, development tools)."""
    return Finding(message="dependencies with licences that are not permissive", severity=Severity.INFO,
                   rule="license-noted", key="license-noted",
                   properties={"category": "strong-copyleft", "spdx": sorted({m[1] for m in members}),
                               "licenses": [{"package": f"{n}@1.0.0", "license": e, "dev": d} for n, e, d in members]})


def custom(tmp_path, lists: str, extends: str = "certification", name: str = "custom"):
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"id: {name}\nversion: 1.0.0\nstage: certification\ndescription: test\nextends: {extends}\n"
                    "verdicts: {positive: Listed and certified, negative: Certification failed, "
                    f"review: Certification in progress}}\nlicenses: {lists}\nrules: []\n")
    return load_profile(path)


# name -> (finding, expected status under preview, certification, and its rule under certification)
CASES = {
    "strong copyleft": (package("tinymce", "GPL-2.0-or-later", "strong-copyleft"),
                        (ADVISORY, BLOCKS), "certification:dependency-licenses"),
    "network copyleft is denied": (package("mongo-thing", "AGPL-3.0-only", "strong-copyleft"),
                                   (ADVISORY, BLOCKS), "certification:licenses.deny"),
    "a choice avoids the denied option": (noted(("dual", "LGPL-3.0-only OR AGPL-3.0-only", False)),
                                          (ADVISORY, ADVISORY), "certification:dependency-licenses"),
    "denied development tool": (noted(("agpl-tool", "AGPL-3.0-or-later", True), ("lgpl-lib", "LGPL-3.0-only", False)),
                                (ADVISORY, BLOCKS), "certification:licenses.deny"),
    "weak copyleft only noted": (noted(("lgpl-lib", "LGPL-3.0-only", False)), (ADVISORY, ADVISORY),
                                 "certification:dependency-licenses"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_builtin_licence_lists(profiles, name):
    finding, (in_preview, in_certification), rule = CASES[name]
    checked = result("deps.license", finding, app="svc")
    fingerprint = checked.findings[0].fingerprint
    preview = decide(profiles.preview, baseline() + [checked], today=TODAY).verdicts()[fingerprint]
    certification = decide(profiles.certification, baseline() + [checked], today=TODAY).verdicts()[fingerprint]
    assert (preview.status, certification.status, certification.rule) == (in_preview, in_certification, rule)


def test_a_denied_licence_is_named_in_the_verdict(profiles):
    checked = result("deps.license", noted(("agpl-tool", "AGPL-3.0-or-later", True)), app="svc")
    decision = decide(profiles.certification, baseline() + [checked], today=TODAY)
    verdict = decision.verdicts()[checked.findings[0].fingerprint]
    assert verdict.reason == "denied by the licence list: agpl-tool@1.0.0 (AGPL-3.0-or-later)"
    assert decision.kind is DecisionKind.NEGATIVE
    assert any(s.rule == "certification:licenses.deny" and s.effect is DecisionKind.NEGATIVE for s in decision.trace)


def test_an_allow_list_accepts_what_the_check_reported(tmp_path):
    checked = result("deps.license", package("tinymce", "GPL-2.0-or-later", "strong-copyleft"), app="svc")
    profile = custom(tmp_path, "{allow: [GPL-2.0-or-later]}")
    decision = decide(profile, baseline() + [checked], today=TODAY)
    verdict = decision.verdicts()[checked.findings[0].fingerprint]
    assert (verdict.status, verdict.rule) == (ADVISORY, "custom:licenses.allow")
    assert decision.kind is DecisionKind.POSITIVE  # nor does it go to review


def test_deny_lists_add_up_and_the_nearest_profile_names_the_rule(tmp_path):
    custom(tmp_path, "{deny: [LGPL-3.0-only]}", name="base")
    child = custom(tmp_path, "{deny: [MPL-2.0]}", extends="base.yaml", name="child")
    lgpl = result("deps.license", noted(("lgpl-lib", "LGPL-3.0-only", False)), app="svc")
    mpl = result("deps.license", noted(("mpl-lib", "MPL-2.0", False)), app="api")
    verdicts = decide(child, baseline() + [lgpl, mpl], today=TODAY).verdicts()
    assert verdicts[lgpl.findings[0].fingerprint].rule == "base:licenses.deny"
    assert verdicts[mpl.findings[0].fingerprint].rule == "child:licenses.deny"
    assert {v.status for v in verdicts.values() if v.check_id == "deps.license"} == {BLOCKS}


def test_findings_without_licence_facts_follow_the_ordinary_rules(profiles):
    unrecorded = Finding(message="yarn.lock records no licences", severity=Severity.INFO, rule="license-not-recorded",
                         needs_review=True, properties={"packages": ["a@1"]})
    checked = result("deps.license", unrecorded, app="svc")
    verdict = decide(profiles.certification, baseline() + [checked], today=TODAY).verdicts()[
        checked.findings[0].fingerprint]
    assert (verdict.status, verdict.rule) == (REVIEW, "certification:review_flagged_findings")
