"""Where a SARIF rule's helpUri points: the check catalogue's real address (the package's "Check catalogue"
project URL, or CERTIFIER_CATALOGUE_URL), never a placeholder, and the same address for the same inputs."""

from __future__ import annotations

import json
import logging
import tomllib
from pathlib import Path

import pytest

from certifier.checks.registry import load_all
from certifier.core.model import Outcome, Severity, Stage
from certifier.core.report import CheckInfo
from certifier.report.sarif import render_sarif
from certifier.report.sarif_rules import CATALOGUE_ENV, CATALOGUE_LABEL, catalogue_url, packaged_catalogue_url

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def every_catalogue_check(make_result, make_finding, make_report):
    """A report with one failing result for every check of the catalogue, each with its catalogue entry."""
    specs = load_all()
    checks = {check_id: CheckInfo(title=spec.title, version=spec.version, severity=spec.severity,
                                  rationale=spec.rationale, remediation=spec.remediation, link=spec.link)
              for check_id, spec in specs.items()}
    results = [make_result(check_id, Stage.SECURITY, Outcome.FAIL,
                           findings=[make_finding(f"problem of {check_id}", severity=Severity.ERROR, path="a.js",
                                                  line=1, check=check_id)])
               for check_id in specs]
    return make_report(results=results, checks=checks)


def help_uris(log: dict) -> list[str]:
    return [rule["helpUri"] for run in log["runs"] for rule in run["tool"]["driver"]["rules"]]


def test_the_packaged_address_is_the_project_url_of_pyproject(monkeypatch):
    monkeypatch.delenv(CATALOGUE_ENV, raising=False)
    declared = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["urls"][CATALOGUE_LABEL]
    assert packaged_catalogue_url() == declared == catalogue_url()
    assert declared.startswith("https://") and declared.endswith("/docs/checks.md")


def test_no_rule_points_at_a_placeholder(make_result, make_finding, make_report, monkeypatch):
    monkeypatch.delenv(CATALOGUE_ENV, raising=False)
    uris = help_uris(render_sarif(every_catalogue_check(make_result, make_finding, make_report)))
    assert len(uris) >= len(load_all())  # every check of the catalogue has a rule
    assert not [uri for uri in uris if "OWNER" in uri], [uri for uri in uris if "OWNER" in uri][:3]
    assert all(uri.startswith(("https://", "http://")) for uri in uris), uris[:3]


def test_the_environment_names_another_catalogue_and_renders_stay_identical(make_result, make_finding, make_report,
                                                                            monkeypatch):
    published = "https://github.example/acme/certifier/blob/v1.4.0/docs/checks.md"
    monkeypatch.setenv(CATALOGUE_ENV, published)
    report = every_catalogue_check(make_result, make_finding, make_report)
    first, second = render_sarif(report), render_sarif(report)
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    own_links = {spec.link for spec in load_all().values() if spec.link}
    catalogue = [uri for uri in help_uris(first) if uri not in own_links]
    assert catalogue and all(uri.startswith(published + "#") for uri in catalogue), catalogue[:3]
    monkeypatch.delenv(CATALOGUE_ENV)
    assert help_uris(render_sarif(report)) != help_uris(first)  # the address really came from the variable


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "docs/checks.md", "https://x.example/checks.md#top",
                                 "file:///etc/passwd"])
def test_an_unusable_address_in_the_environment_is_ignored_with_a_warning(bad, monkeypatch, caplog):
    monkeypatch.setenv(CATALOGUE_ENV, bad)
    with caplog.at_level(logging.WARNING):
        assert catalogue_url() == packaged_catalogue_url()
    assert CATALOGUE_ENV in caplog.text
