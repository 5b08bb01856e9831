"""OSV matching on the fixture database: SEMVER and ECOSYSTEM ranges, last_affected, limit, explicit
version lists, withdrawn records, pre-releases, PEP 440 ordering, and what cannot be ordered."""

from __future__ import annotations

import pytest

from certifier.collect.advisories.matching import lowest_common_fix, match_packages
from certifier.collect.advisories.model import NPM, PYPI, Package
from certifier.collect.advisories.osv import Advisory, InvalidRecord, check_record, parse_record
from certifier.collect.advisories.store import open_db


def pkg(name: str, version: str, ecosystem: str = NPM, **extra) -> Package:
    return Package(ecosystem, name, version, extra.pop("dev", False), extra.pop("direct", True), "lock",
                   f"node_modules/{name}", **extra)


@pytest.fixture
def matches(fixture_db):
    db = open_db()

    def run(*packages: Package) -> dict[str, str | None]:
        report = match_packages(db.index_for(packages), packages)
        return {m.advisory.id: m.fixed for m in report.matches}

    return run


@pytest.mark.parametrize("version, expected", [
    ("0.0.1", {"FIXT-NPM-0001": "1.2.4"}),
    ("1.2.3", {"FIXT-NPM-0001": "1.2.4"}),
    ("1.2.4", {}),
    ("1.9.9", {}),
    ("2.0.0", {"FIXT-NPM-0001": "2.3.1"}),
    ("2.3.0", {"FIXT-NPM-0001": "2.3.1"}),
    ("2.3.1", {}),
    ("2.4.0", {"FIXT-NPM-0002": None}),
    ("2.5.0", {"FIXT-NPM-0002": None}),
    ("2.5.1", {}),
    ("9.9.9", {}),  # FIXT-NPM-0005 (introduced 0, no end) is withdrawn
])
def test_semver_ranges_with_fixed_and_last_affected(matches, version, expected):
    assert matches(pkg("fixture-proto", version)) == expected


@pytest.mark.parametrize("version, expected", [
    ("3.0.0-alpha.1", {}),
    ("3.0.0-alpha.2", {"FIXT-NPM-0003": "3.0.0-rc.1"}),
    ("3.0.0-alpha.10", {"FIXT-NPM-0003": "3.0.0-rc.1"}),
    ("3.0.0-beta", {"FIXT-NPM-0003": "3.0.0-rc.1"}),
    ("3.0.0-rc.1", {}),
    ("3.0.0", {}),
])
def test_prerelease_ranges(matches, version, expected):
    assert matches(pkg("fixture-pre", version)) == expected


def test_explicit_versions_match_exactly_and_name_no_fix(matches):
    assert matches(pkg("fixture-listed", "1.0.1")) == {"FIXT-NPM-0004": None}
    assert matches(pkg("fixture-listed", "1.0.1+build")) == {"FIXT-NPM-0004": None}
    assert matches(pkg("fixture-listed", "1.0.2")) == {}


def test_limit_caps_a_range(matches):
    assert matches(pkg("@fixture/scoped", "4.9.9")) == {"FIXT-NPM-0006": None}
    assert matches(pkg("@fixture/scoped", "5.0.0")) == {}


@pytest.mark.parametrize("name, version, expected", [
    ("fixture-py", "1.4.9", {"FIXT-PYPI-0001": "1.4.10"}),  # 1.4.9 < 1.4.10 numerically, not as text
    ("Fixture.Py", "1.4.10", {}),
    ("fixture_py", "0.9", {}),
    ("fixture-py", "2.0.0rc2", {"FIXT-PYPI-0002": "2.0.1"}),
    ("fixture-py", "2.0", {"FIXT-PYPI-0002": "2.0.1"}),  # PEP 440: 2.0 == 2.0.0
    ("fixture-py", "2.0.1", {}),
])
def test_pypi_names_are_normalised_and_versions_ordered_by_pep440(matches, name, expected, version):
    assert matches(pkg(name, version, PYPI)) == expected


def test_same_name_in_another_ecosystem_does_not_match(matches):
    assert matches(pkg("fixture-proto", "1.0.0", PYPI)) == {}
    assert matches(pkg("org.example:fixture", "0.5", "Maven")) == {}


def test_non_registry_packages_are_not_matched(matches):
    assert matches(pkg("fixture-proto", "1.0.0", registry=False)) == {}


def test_an_unorderable_installed_version_is_not_audited(fixture_db):
    db = open_db()
    package = pkg("fixture-proto", "latest")
    report = match_packages(db.index_for([package]), [package])
    assert report.matches == [] and "fixture-proto@latest" in report.unaudited[0]


def test_each_distinct_version_is_evaluated_once_but_every_path_reported(fixture_db):
    db = open_db()
    packages = [pkg("fixture-proto", "1.0.0"), Package(NPM, "fixture-proto", "1.0.0", False, False, "lock",
                                                       "node_modules/a/node_modules/fixture-proto")]
    report = match_packages(db.index_for(packages), packages)
    assert [m.package.path_in_lock for m in report.matches] == [p.path_in_lock for p in packages]


def test_severity_of_fixture_records(fixture_db):
    ratings = {a.id: a.rating for (a, _) in
               [c for name in ("fixture-proto", "@fixture/scoped") for c in open_db().index.candidates(NPM, name)]}
    assert (ratings["FIXT-NPM-0001"].level, ratings["FIXT-NPM-0001"].score) == ("HIGH", 7.5)
    assert (ratings["FIXT-NPM-0002"].level, ratings["FIXT-NPM-0002"].source) == ("CRITICAL", "CVSS_V3")
    assert ratings["FIXT-NPM-0006"].level == "UNKNOWN"
    py = open_db().index.candidates(PYPI, "fixture-py")
    assert {a.id: a.rating.level for a, _ in py} == {"FIXT-PYPI-0001": "CRITICAL", "FIXT-PYPI-0002": "CRITICAL"}


@pytest.mark.parametrize("record, problem", [
    ({"id": "X-1"}, "modified"),
    ({"id": "bad id!", "modified": "2026-01-01T00:00:00Z"}, "id"),
    ({"id": "X-1", "modified": "2026-01-01T00:00:00Z", "affected": [{"ranges": [{"type": "SEMVER",
      "events": [{"introduced": "0", "fixed": "1.0.0"}]}]}]}, "events"),
    ({"id": "X-1", "modified": "2026-01-01T00:00:00Z", "affected": [{"package": {"name": "x"}}]}, "ecosystem"),
    ([], "object"),
])
def test_records_are_validated_minimally(record, problem):
    with pytest.raises(InvalidRecord, match=problem):
        check_record(record)


def test_withdrawn_and_foreign_records_parse_to_nothing():
    base = {"id": "X-1", "modified": "2026-01-01T00:00:00Z"}
    npm = {"package": {"ecosystem": "npm", "name": "a"}, "versions": ["1.0.0"]}
    assert parse_record({**base, "affected": [npm], "withdrawn": "2026-01-02T00:00:00Z"}) is None
    assert parse_record({**base, "affected": [{**npm, "package": {"ecosystem": "Go", "name": "a"}}]}) is None
    assert parse_record({**base, "affected": [npm]}).affected[0].versions == ("1.0.0",)


def advisory(ident: str, *intervals: tuple[str, str | None]) -> Advisory:
    """An npm advisory on `pkg` affecting [introduced, fixed) for each interval (fixed None: open)."""
    events = [e for start, end in intervals
              for e in ({"introduced": start}, *([{"fixed": end}] if end else []))]
    return parse_record({"id": ident, "modified": "2026-01-01T00:00:00Z", "affected": [
        {"package": {"ecosystem": "npm", "name": "pkg"}, "ranges": [{"type": "SEMVER", "events": events}]}]})


@pytest.mark.parametrize("advisories, fixes, expected", [
    ([advisory("A", ("0", "1.2.0"))], ["1.2.0"], "1.2.0"),
    # the highest fix fixes both
    ([advisory("A", ("0", "1.2.0")), advisory("B", ("0", "1.4.0"))], ["1.2.0", "1.4.0"], "1.4.0"),
    # A is fixed in 1.2.0 but broken again from 1.3.0 to 1.5.0: B's fix 1.4.0 is not enough
    ([advisory("A", ("0", "1.2.0"), ("1.3.0", "1.5.0")), advisory("B", ("0", "1.4.0"))], ["1.2.0", "1.4.0"], "1.5.0"),
    # the highest fix falls in an interval that no release closes
    ([advisory("A", ("0", "1.2.0"), ("1.3.0", None)), advisory("B", ("0", "1.4.0"))], ["1.2.0", "1.4.0"], None),
    ([advisory("A", ("0", "1.2.0"))], [], None),
])
def test_the_lowest_release_that_fixes_every_advisory(advisories, fixes, expected):
    assert lowest_common_fix(NPM, "pkg", advisories, fixes) == expected
