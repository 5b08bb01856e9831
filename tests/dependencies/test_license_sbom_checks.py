"""deps.license and deps.sbom on fixture connectors, and the SBOM kept beside the reports of a run."""

from __future__ import annotations

import json
from pathlib import Path

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from certifier.core.model import Outcome, Severity, Stage
from support import CONNECTORS

GOODS_STORE = Path(__file__).parents[2] / "examples" / "goods-store"


def by_rule(result) -> dict:
    return {f.rule: f for f in result.findings}


def test_goods_store_licences_pass(run_deps):
    for app in ("free-sample-product-service", "new-category-cleanup-job", "new-product-event-app"):
        assert run_deps(GOODS_STORE, "deps.license", app=app).outcome is Outcome.PASS


def test_strong_copyleft_dependency_warns_for_review(run_deps):
    result = run_deps(CONNECTORS / "deps-gpl-license", "deps.license")
    finding = by_rule(result)["strong-copyleft"]
    assert result.outcome is Outcome.WARN and finding.needs_review
    assert "tinymce@7.0.0" in finding.message and finding.properties["spdx"] == ["GPL-2.0-or-later"]
    assert finding.location.path == "hello-service/package-lock.json" and finding.location.line == 17


def test_unknown_licence_of_a_direct_dependency_warns(run_deps):
    result = run_deps(CONNECTORS / "deps-unknown-license", "deps.license")
    assert result.outcome is Outcome.WARN and set(by_rule(result)) == {"unknown-license"}
    assert "https://www.highcharts.com/license" in by_rule(result)["unknown-license"].message


def test_dev_dependencies_do_not_ship_and_are_reported_as_facts(copy_connector, run_deps):
    """No Warning for a development tool; its licence is still reported, for a profile's deny list to judge."""
    root = copy_connector("deps-gpl-license")
    lock = json.loads((root / "hello-service" / "package-lock.json").read_text())
    lock["packages"]["node_modules/tinymce"]["dev"] = True
    (root / "hello-service" / "package-lock.json").write_text(json.dumps(lock, indent=2))
    result = run_deps(root, "deps.license")
    noted = by_rule(result)["license-noted"]
    assert result.outcome is Outcome.PASS and set(by_rule(result)) == {"license-noted"}
    assert noted.severity is Severity.INFO and noted.properties["category"] == "strong-copyleft"
    assert noted.properties["licenses"] == [{"package": "tinymce@7.0.0", "license": "GPL-2.0-or-later",
                                             "spdx": ["GPL-2.0-or-later"], "category": "strong-copyleft", "dev": True}]


def test_formats_without_licences_ask_a_human(run_deps):
    result = run_deps(CONNECTORS / "deps-yarn-classic", "deps.license")
    finding = by_rule(result)["license-not-recorded"]
    assert result.outcome is Outcome.PASS and finding.severity is Severity.INFO and finding.needs_review
    assert "minimist@1.2.5" in finding.message


def test_installed_package_metadata_fills_a_missing_licence(copy_connector, run_deps):
    root = copy_connector("deps-unknown-license")
    installed = root / "hello-service" / "node_modules" / "highcharts"
    installed.mkdir(parents=True)
    lock = json.loads((root / "hello-service" / "package-lock.json").read_text())
    del lock["packages"]["node_modules/highcharts"]["license"]
    (root / "hello-service" / "package-lock.json").write_text(json.dumps(lock, indent=2))
    (installed / "package.json").write_text(json.dumps({"name": "highcharts", "license": "MIT"}))
    assert run_deps(root, "deps.license").outcome is Outcome.PASS


def test_license_check_errors_when_nothing_can_be_read(copy_connector, run_deps):
    root = copy_connector("deps-gpl-license")
    (root / "hello-service" / "package-lock.json").write_text("{")
    assert run_deps(root, "deps.license").outcome is Outcome.ERROR


def test_sbom_check_writes_and_registers_a_valid_artifact(run_deps):
    result = run_deps(GOODS_STORE, "deps.sbom", app=None)
    assert result.outcome is Outcome.PASS
    path = run_deps.session.artifacts()["sbom.cdx.json"]
    text = path.read_text()
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    assert result.findings[0].properties["components"] == 8 == len(json.loads(text)["components"])


def test_sbom_check_warns_about_a_lockfile_it_could_not_read(copy_connector, run_deps):
    root = copy_connector("deps-fixable-high")
    (root / "tools").mkdir()
    (root / "tools" / "yarn.lock").write_text("# yarn lockfile v1\n\nbroken\n")
    result = run_deps(root, "deps.sbom", app=None)
    assert result.outcome is Outcome.WARN and by_rule(result)["incomplete"].location.path == "tools/yarn.lock"


def test_sbom_check_needs_a_run_session(copy_connector, context_of):
    from certifier.checks.execute import run_check
    from certifier.checks.registry import load_all

    result = run_check(load_all()["deps.sbom"], context_of(copy_connector("minimal")))
    assert result.outcome is Outcome.ERROR and "no run session" in result.summary


def test_a_pipeline_run_keeps_the_sbom_beside_the_reports(tmp_path):
    from certifier.certify import RunRequest, certify

    out = tmp_path / "out"
    outcome = certify(RunRequest(source=str(CONNECTORS / "deps-fixable-high"), out_dir=out, use_cache=False,
                                 stages=frozenset({Stage.SPECIFICATION, Stage.DEPENDENCIES})))
    artifact = outcome.report.artifacts["sbom.cdx.json"]
    assert (out / artifact.file).is_file() and len(artifact.sha256) == 64
    results = {(r.check_id, r.app): r.outcome for r in outcome.report.results}
    assert results[("deps.vulnerable-dependency", "hello-service")] is Outcome.FAIL


def _licence_verdicts(tmp_path, profile_text: str) -> tuple[list, list]:
    from certifier.certify import RunRequest, certify

    profile = tmp_path / "licences.yaml"
    profile.write_text(profile_text)
    outcome = certify(RunRequest(source=str(CONNECTORS / "deps-gpl-license"), stage="certification",
                                 profile=str(profile), stages=frozenset({Stage.SPECIFICATION, Stage.DEPENDENCIES})))
    findings = [f for r in outcome.report.results if r.check_id == "deps.license" for f in r.findings]
    verdicts = outcome.report.decision.verdicts()
    return findings, [(verdicts[f.fingerprint].status.value, verdicts[f.fingerprint].rule) for f in findings]


CUSTOM = ("id: custom\nversion: 1.0.0\nstage: certification\ndescription: test\nextends: {parent}\n"
          "verdicts: {{positive: Listed and certified, negative: Certification failed, review: Certification "
          "in progress}}\nlicenses: {lists}\nrules: []\n")


def test_the_profile_lists_judge_the_same_licence_facts_of_a_run(tmp_path):
    """tinymce is GPL-2.0-or-later: the same fact under every profile; each profile's lists decide."""
    plain, plain_verdicts = _licence_verdicts(tmp_path, CUSTOM.format(parent="certification", lists="{}"))
    assert [f.rule for f in plain] == ["strong-copyleft"]
    assert plain_verdicts == [("blocks", "certification:dependency-licenses")]
    allowed, allowed_verdicts = _licence_verdicts(
        tmp_path, CUSTOM.format(parent="certification", lists="{allow: [GPL-2.0-or-later]}"))
    assert allowed == plain and allowed_verdicts == [("advisory", "custom:licenses.allow")]
    denied, denied_verdicts = _licence_verdicts(
        tmp_path, CUSTOM.format(parent="certification", lists="{deny: [GPL-2.0-or-later]}"))
    assert denied == plain and denied_verdicts == [("blocks", "custom:licenses.deny")]


def test_a_warm_run_of_the_same_commit_reuses_the_sbom_and_no_cache_renders_it(tmp_path, tagged_repo, monkeypatch):
    from certifier.checks.dependencies import sbom as sbom_check
    from certifier.certify import RunRequest, certify

    rendered = []
    real = sbom_check.render
    monkeypatch.setattr(sbom_check, "render", lambda bom: rendered.append(1) or real(bom))
    monkeypatch.setenv("CERTIFIER_RESULT_CACHE_DIR", str(tmp_path / "cache"))
    repo = tagged_repo("deps-fixable-high")
    stages = frozenset({Stage.SPECIFICATION, Stage.DEPENDENCIES})

    def sbom_of(run: str, use_cache: bool = True) -> bytes:
        outcome = certify(RunRequest(source=str(repo), tag="v1.0.0", out_dir=tmp_path / run, use_cache=use_cache,
                                     stages=stages))
        return (tmp_path / run / outcome.report.artifacts["sbom.cdx.json"].file).read_bytes()

    first = sbom_of("cold")
    assert len(rendered) == 1
    assert sbom_of("warm") == first and len(rendered) == 1  # the same document, not rendered again
    assert json.loads(sbom_of("no-cache", use_cache=False))["components"] == json.loads(first)["components"]
    assert len(rendered) == 2
