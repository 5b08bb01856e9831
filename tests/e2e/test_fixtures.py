"""Each fixture connector, fetched at a tag and certified by the pipeline, gets the expected verdict for
the expected reason (tests/fixtures/connectors/expectations.d/*.yaml, one file per area).

A fixture is certified once; both verdicts come from that one run through the pure `decide()`.
- `slow: true` fixtures (they build or run connector code) get a full run, judged by the real profiles.
- the others have static defects: only the static stages run, and the verdict is that of the profile's
  gates alone (`static_gates`): the stages that did not run are not required. The real profiles give
  such a partial run "Could not decide" unless a gate already failed (tests/policy covers that).
An expectation may set `env` (e.g. a short test budget for a fixture whose tests hang), `stages` (the
static stages a fixture runs) and `exactly: <stage>` (in that stage the flagged checks are the only
results that are neither pass nor not-applicable, and each carries evidence)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from dataclasses import replace
from datetime import date

from certifier.checks.registry import load_all
from certifier.core.model import Outcome, Stage
from certifier.policy.decide import decide
from certifier.policy.profiles import Profile, load_profile
from certifier.certify import RunRequest, certify
from support import CONNECTORS, load_expectations, make_tagged_repo

EXPECTATION_FILES = sorted((CONNECTORS / "expectations.d").glob("*.yaml"))


EXPECTATIONS = load_expectations()


def _case(name: str):
    marks = [pytest.mark.slow] if EXPECTATIONS[name].get("slow") else []
    return pytest.param(name, marks=marks, id=name)


STATIC = frozenset({Stage.SPECIFICATION, Stage.STRUCTURE, Stage.SECURITY, Stage.DEPENDENCIES})


def static_gates(profile: Profile) -> Profile:
    """The profile without required stages: what its gates say about the stages that did run."""
    parent = static_gates(profile.parent) if profile.parent else None
    return replace(profile, requires_stages=frozenset(), parent=parent)


def certified(tmp_path: Path, fixture: str, stage: str = "preview", out: Path | None = None, full: bool = False,
              stages: frozenset[Stage] = STATIC):
    repo = tmp_path / "repo"
    if not repo.exists():
        make_tagged_repo(CONNECTORS / fixture, repo)
    request = RunRequest(source=str(repo), tag="v1.0.0", stage=stage, out_dir=out, stages=None if full else stages)
    return certify(request).report


def verdict(report, stage: str, full: bool) -> str:
    profile = load_profile(stage) if full else static_gates(load_profile(stage))
    app_types = {app.name: app.type for app in report.apps}
    return decide(profile, report.results, today=date.today(), app_types=app_types).verdict.value


def test_every_fixture_folder_has_expectations():
    folders = {p.name for p in CONNECTORS.iterdir() if p.is_dir() and p.name != "expectations.d"}
    assert folders == set(EXPECTATIONS)


@pytest.mark.parametrize("fixture", [_case(name) for name in sorted(EXPECTATIONS)])
def test_fixture_is_flagged_by_the_right_check_and_decided(tmp_path, fixture, monkeypatch):
    expected = EXPECTATIONS[fixture]
    full = bool(expected.get("slow"))
    for name, value in (expected.get("env") or {}).items():
        monkeypatch.setenv(name, str(value))
    stages = frozenset(Stage(name) for name in expected.get("stages", [s.value for s in STATIC]))
    preview = certified(tmp_path, fixture, full=full, stages=stages)
    if "exactly" in expected:
        assert_only_flagged(preview, Stage(expected["exactly"]), expected["flagged"])
    for check_id, want in expected["flagged"].items():
        results = [r for r in preview.results if r.check_id == check_id]
        assert any(r.outcome.value == want["outcome"] for r in results), (check_id, [r.summary for r in results])
        if "rule" in want:
            rules = {f.rule for r in results for f in r.findings}
            assert any(want["rule"] in (rule or "") for rule in rules), (check_id, rules)
    assert verdict(preview, "preview", full) == expected["preview"], preview.decision.summary
    assert verdict(preview, "certification", full) == expected["certification"]


def assert_only_flagged(report, stage: Stage, flagged: dict) -> None:
    stage_of = {spec.id: spec.stage for spec in load_all().values()}
    others = [r for r in report.results if stage_of.get(r.check_id) is stage
              and r.outcome not in (Outcome.PASS, Outcome.NOT_APPLICABLE)]
    assert {r.check_id for r in others} == set(flagged), [(r.check_id, r.app, r.summary) for r in others]
    assert all(r.evidence for r in others), "a flagged result carries its transcript or script runs as evidence"


def test_valid_fixture_fails_and_errors_nothing_in_the_static_stages(tmp_path):
    report = certified(tmp_path, "minimal")
    bad = [(r.check_id, r.app, r.outcome.value, r.summary) for r in report.results
           if r.outcome in (Outcome.FAIL, Outcome.WARN, Outcome.ERROR, Outcome.SKIP)]
    assert bad == []


def test_blocking_findings_name_file_line_and_remediation(tmp_path):
    report = certified(tmp_path, "spec-missing-endpoint")
    finding = next(f for r in report.results if r.check_id == "spec.schema" for f in r.findings)
    assert finding.location.path == "connect.yaml" and finding.location.line
    assert finding.manifest_path == "deployAs.0.endpoint" and finding.remediation


class _ActiveContent(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "img"):
            self.found.append(tag)
        self.found += [name for name, _ in attrs if name.startswith("on")]


def test_hostile_manifest_text_is_inert_in_every_report(tmp_path):
    out = tmp_path / "out"
    report = certified(tmp_path, "spec-html-injection", out=out)
    assert report.decision.verdict.value == "Rejected"
    parser = _ActiveContent()
    parser.feed((out / "report.html").read_text())
    assert parser.found == []
    assert "<script" not in (out / "summary.md").read_text().lower()


def test_every_check_is_exercised_by_some_test():
    """Each registered check id is named in a test file or a fixture expectation (minimal passes it, above)."""
    from certifier.checks import registry

    tests_text = "\n".join(p.read_text() for p in Path(__file__).parents[1].rglob("test_*.py"))
    tests_text += "\n".join(path.read_text() for path in EXPECTATION_FILES)
    missing = [cid for cid in registry.load_all() if cid not in tests_text]
    assert missing == []
