"""Profiles: the built-in data, validation errors that name the field, `extends` chains and strictness."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from certifier.core.decision import DecisionKind, Verdict
from certifier.core.paths import rules_dir
from certifier.policy.decide import decide
from certifier.policy.licenses import license_lists
from certifier.policy.profiles import BlockAt, ProfileError, builtin_profiles, load_profile

from policy_builders import TODAY, baseline, finding, result

HEAD = "version: 1.0.0\ndescription: a reviewer's profile\n"
PREVIEW_LABELS = "verdicts: {positive: Accepted, negative: Rejected}\n"
PUBLISH_LABELS = "verdicts: {positive: Published, negative: Publish failed}\n"


def _profile(directory: Path, name: str, body: str) -> Path:
    path = directory / f"{name}.yaml"
    path.write_text(f"id: {name}\n{HEAD}{body}")
    return path


def _error(path) -> str:
    with pytest.raises(ProfileError) as error:
        load_profile(path)
    assert error.value.exit_code == 2
    return str(error.value)


def test_builtin_profiles_chain_and_labels():
    assert builtin_profiles() == ["certification", "preview", "publish"]
    certification = load_profile("certification")
    assert [p.id for p in certification.chain()] == ["certification", "publish", "preview"]
    assert certification.verdicts.review is Verdict.IN_PROGRESS
    assert load_profile("preview").verdicts.positive is Verdict.ACCEPTED
    assert load_profile("publish").verdicts.negative is Verdict.PUBLISH_FAILED
    assert load_profile("publish").source == "rules/profiles/publish.yaml"
    assert len(certification.digest()) == 64 and certification.digest() != load_profile("publish").digest()


def test_builtin_profile_files_explain_their_semantics():
    for path in (rules_dir() / "profiles").glob("*.yaml"):
        head = path.read_text().split("\nid:")[0]
        assert head.startswith("# Decision profile:") and "strictest" in head.lower(), path


def test_error_names_the_exact_field_of_a_builtin_profile(tmp_path, monkeypatch):
    rules = tmp_path / "rules"
    shutil.copytree(rules_dir(), rules)
    publish = rules / "profiles" / "publish.yaml"
    text = publish.read_text()
    assert "\nrules:\n  - id:" in text, "the test inserts its rules at the head of the rules list"
    publish.write_text(text.replace(
        "\nrules:\n",
        "\nrules:\n  - {id: a, check: spec.a, block_at: error}\n  - {id: b, check: spec.b, block_at: error}\n"
        "  - {id: c, check: spec.c, block_at: sometimes}\n", 1))
    monkeypatch.setenv("CERTIFIER_RULES_DIR", str(rules))
    assert _error("publish") == (
        "rules/profiles/publish.yaml: rules[2].block_at: 'sometimes' is not one of ['error', 'warning', 'never']")


@pytest.mark.parametrize(
    "body, expected",
    [
        ("stage: preview\n" + PREVIEW_LABELS, "<top level>: 'rules' is a required property"),
        ("stage: preview\n" + PREVIEW_LABELS + "rules: [{id: a, block_at: error}]",
         "rules[0]: 'check' is a required property"),
        ("stage: preview\n" + PREVIEW_LABELS + "rules: [{id: a, check: 'Spec.X', block_at: error}]",
         "rules[0].check: 'Spec.X' does not match"),
        ("stage: preview\n" + PREVIEW_LABELS + "rules: [{id: a, check: x, blok_at: error}]",
         "rules[0]: Additional properties are not allowed ('blok_at' was unexpected)"),
        ("stage: preview\n" + PREVIEW_LABELS + "rules: [{id: a, check: x, block_at: error, app_types: [lambda]}]",
         "rules[0].app_types[0]: 'lambda' is not one of"),
        ("stage: preview\n" + PREVIEW_LABELS + "unlisted_block_at: never\nrules: []",
         "unlisted_block_at: 'never' is not one of ['error', 'warning']"),
        ("stage: preview\n" + PUBLISH_LABELS + "rules: []", "verdicts.positive: 'Accepted' was expected"),
        ("stage: publish\nverdicts: {positive: Published, negative: Rejected}\nrules: []",
         "verdicts.negative: 'Publish failed' was expected"),
        ("stage: publish\n" + PUBLISH_LABELS + "rules: []\nreview: [{id: r, check: x}]", "review: [{"),
        ("stage: preview\n" + PREVIEW_LABELS + "review_flagged_findings: true\nrules: []",
         "review_flagged_findings: False was expected"),
        ("stage: certification\nverdicts: {positive: Listed and certified, negative: Certification failed}\n"
         "rules: []", "verdicts: 'review' is a required property"),
        ("stage: preview\n" + PREVIEW_LABELS + "rules: [{id: a, check: x, block_at: error}, "
         "{id: a, check: y, block_at: never}]", "rules[1].id: duplicate rule id 'a' (also rules[0].id)"),
        ("stage: staging\n" + PREVIEW_LABELS + "rules: []", "stage: 'staging' is not one of"),
    ],
)
def test_invalid_profiles_are_reported_by_field(tmp_path, body, expected):
    path = _profile(tmp_path, "custom", body)
    assert f"{path}: {expected}" in _error(path)


def test_version_must_be_semver(tmp_path):
    path = tmp_path / "v.yaml"
    path.write_text("id: v\nversion: '1.0'\ndescription: d\nstage: preview\n" + PREVIEW_LABELS + "rules: []\n")
    assert f"{path}: version: '1.0' does not match" in _error(path)


def test_extends_cycle_is_rejected(tmp_path):
    _profile(tmp_path, "a", "stage: preview\nextends: ./b.yaml\n" + PREVIEW_LABELS + "rules: []\n")
    _profile(tmp_path, "b", "stage: preview\nextends: ./a.yaml\n" + PREVIEW_LABELS + "rules: []\n")
    message = _error(tmp_path / "a.yaml")
    assert "extends: cycle" in message and "a.yaml -> " in message and "b.yaml -> " in message
    _profile(tmp_path, "self", "stage: preview\nextends: self.yaml\n" + PREVIEW_LABELS + "rules: []\n")
    assert "extends: cycle" in _error(tmp_path / "self.yaml")


def test_an_earlier_stage_cannot_extend_a_later_one(tmp_path):
    path = _profile(tmp_path, "back", "stage: preview\nextends: certification\n" + PREVIEW_LABELS + "rules: []\n")
    assert "extends: a preview profile cannot extend rules/profiles/certification.yaml" in _error(path)


def test_unknown_profiles_are_named(tmp_path):
    assert "unknown profile (built-in profiles: certification, preview, publish)" in _error("staging")
    path = _profile(tmp_path, "orphan", "stage: publish\nextends: nowhere\n" + PUBLISH_LABELS + "rules: []\n")
    assert "nowhere: unknown profile" in _error(path)
    assert "cannot be read" in _error(tmp_path / "missing.yaml")


def test_a_child_can_tighten_but_never_loosen(tmp_path):
    path = _profile(tmp_path, "custom", "stage: publish\nextends: preview\n" + PUBLISH_LABELS + (
        "rules:\n"
        "  - {id: loosen-spec, check: 'spec.*', block_at: never}\n"
        "  - {id: strict-lockfile, check: struct.lockfile, block_at: warning}\n"))
    profile = load_profile(path)
    spec_error = baseline() + [result("spec.schema", finding("error"))]
    decision = decide(profile, spec_error, today=TODAY)
    assert decision.kind is DecisionKind.NEGATIVE
    assert next(s for s in decision.trace if s.effect is DecisionKind.NEGATIVE).rule == "preview:platform-schema"
    lockfile_warning = baseline() + [result("struct.lockfile", finding("warning"), app="svc")]
    assert decide(load_profile("publish"), lockfile_warning, today=TODAY).kind is DecisionKind.POSITIVE
    decision = decide(profile, lockfile_warning, today=TODAY)
    assert decision.kind is DecisionKind.NEGATIVE and "custom:strict-lockfile" in {s.rule for s in decision.trace}


def test_certification_turns_certification_only_rules_back_on():
    from certifier.policy.rules import gate, threshold

    preview, certification = load_profile("preview"), load_profile("certification")
    assert threshold(preview, "struct.test-script", "no-op", None).block_at is BlockAt.NEVER
    assert threshold(preview, "struct.test-script", "other", None).block_at is BlockAt.ERROR
    assert threshold(certification, "struct.test-script", "no-op", None).rule == "certification:test-script"
    assert gate(preview, "struct.readme", None).block_at is BlockAt.NEVER
    assert gate(certification, "struct.readme", None).block_at is BlockAt.ERROR
    assert gate(preview, "struct.test-script", None).block_at is BlockAt.ERROR  # other rules still gate
    assert gate(certification, "sec.console-log", "service").block_at is BlockAt.WARNING


def _custom(tmp_path, name: str, body: str, extends: str | None = None) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"id: {name}\nversion: 1.0.0\nstage: certification\ndescription: test\n"
                    + (f"extends: {extends}\n" if extends else "")
                    + "verdicts: {positive: Listed and certified, negative: Certification failed, "
                    "review: Certification in progress}\n" + body + "rules: []\n")
    return path


def test_licence_lists_merge_along_the_chain(tmp_path):
    _custom(tmp_path, "base", "licenses: {allow: [MIT], deny: [GPL-3.0-only]}\n", extends="certification")
    child = _custom(tmp_path, "child", "licenses: {deny: [LicenseRef-Acme]}\n", extends="base.yaml")
    lists = license_lists(load_profile(child))
    assert (lists.allow, lists.allow_from) == (("MIT",), "base")  # the nearest allow list
    assert {"GPL-3.0-only": "base", "LicenseRef-Acme": "child", "AGPL-3.0-only": "certification"}.items() <= (
        lists.deny_from.items())  # deny lists add up, each id named by the profile that denies it
    narrowed = _custom(tmp_path, "narrowed", "licenses: {allow: []}\n", extends="base.yaml")
    assert license_lists(load_profile(narrowed)).allow == ()


def test_a_builtin_profile_without_licence_lists_keeps_the_defaults():
    preview = license_lists(load_profile("preview"))
    assert (preview.allow, preview.deny_from) == (None, {})
    assert "AGPL-3.0-only" in license_lists(load_profile("certification")).deny_from


def test_a_deny_list_cannot_name_a_permissive_licence(tmp_path):
    path = _custom(tmp_path, "deny-mit", "licenses: {deny: [GPL-3.0-only, MIT]}\n")
    with pytest.raises(ProfileError) as error:
        load_profile(path)
    assert "licenses.deny[1]: 'MIT' is a permissive licence" in str(error.value)


def test_an_unknown_licence_id_names_its_field(tmp_path):
    path = _custom(tmp_path, "typo", "licenses: {deny: [GPL-3.0-only, GPL3]}\n")
    with pytest.raises(ProfileError) as error:
        load_profile(path)
    assert "licenses.deny[1]: 'GPL3' is not an SPDX licence id" in str(error.value)
