"""The broken fixture connectors spec-*: each fails exactly the check tests/fixtures/connectors/README.md names."""

from __future__ import annotations

from pathlib import Path

import pytest

import harness
from certifier.checks.registry import load_all
from certifier.core.model import Outcome
from support import CONNECTORS

EXPECTED = {
    "minimal": {},
    "spec-invalid-yaml": {"spec.manifest-file": Outcome.FAIL},
    "spec-empty-manifest": {"spec.manifest-file": Outcome.FAIL},
    "spec-no-manifest": {"spec.manifest-file": Outcome.FAIL},
    "spec-unknown-key": {"spec.schema": Outcome.FAIL},
    "spec-missing-endpoint": {"spec.schema": Outcome.FAIL},
    "spec-bad-app-type": {"spec.schema": Outcome.FAIL},
    "spec-duplicate-app": {"spec.schema": Outcome.FAIL},
    "spec-missing-app-folder": {"spec.app-folder": Outcome.FAIL},
    "spec-app-folder-case": {"spec.app-folder": Outcome.FAIL, "spec.undeclared-app-folder": Outcome.WARN},
    "spec-secret-in-standard": {"spec.secret-config": Outcome.FAIL},
    "spec-mc-secured-config": {"spec.schema": Outcome.FAIL},
    "spec-html-injection": {"spec.schema": Outcome.FAIL},
    "spec-symlink-escape": {"spec.app-folder": Outcome.FAIL},
    "spec-dotdot-name": {"spec.schema": Outcome.FAIL, "spec.undeclared-app-folder": Outcome.WARN},
    "spec-forbidden-scope": {"spec.api-scopes": Outcome.FAIL},
    "spec-unclean-schedule": {"spec.job-schedule": Outcome.WARN},
}


def spec_results(root: Path):
    ctx = harness.context(root)
    return {cid: harness.results(spec, ctx)[0] for cid, spec in load_all().items() if cid.startswith("spec.")}


def test_every_spec_fixture_is_listed():
    assert {p.name for p in CONNECTORS.glob("spec-*")} == {name for name in EXPECTED if name != "minimal"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_fails_exactly_its_check(name):
    results = spec_results(CONNECTORS / name)
    flagged = {cid: r.outcome for cid, r in results.items() if r.outcome in (Outcome.FAIL, Outcome.WARN, Outcome.ERROR)}
    assert flagged == EXPECTED[name], {cid: r.summary for cid, r in results.items()}


def test_html_stays_verbatim_data(inventory_of):
    results = spec_results(CONNECTORS / "spec-html-injection")
    text = "\n".join(f.message for r in results.values() for f in r.findings)
    assert "<script>alert('name')</script>" in text
    assert "<img src=x onerror=alert(1)>" in text
    assert "&lt;" not in text and "&gt;" not in text
    model = inventory_of(CONNECTORS / "spec-html-injection").connector
    assert model.apps[0].config[0].description == '<script>alert("description")</script> region'


def test_dotdot_name_never_becomes_an_app(inventory_of):
    model = inventory_of(CONNECTORS / "spec-dotdot-name").connector
    assert model is not None and model.apps == ()


def test_symlink_escape_in_a_copy_still_fails(connector_copy, run_check):
    root = connector_copy("spec-symlink-escape")  # the relative link dangles in the copy
    assert run_check("spec.app-folder", root).outcome is Outcome.FAIL
