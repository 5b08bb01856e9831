"""The npm version comparator: semver 2.0.0 precedence, checked by example and against python-semver."""

from __future__ import annotations

import semver as reference
from hypothesis import given, settings
from hypothesis import strategies as st

from certifier.collect.advisories import semver

SPEC_ORDER = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
              "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0-0", "2.0.0", "10.0.0"]


def test_the_precedence_example_of_the_semver_specification():
    assert sorted(reversed(SPEC_ORDER), key=semver.key) == SPEC_ORDER


def test_build_metadata_is_ignored_and_prefixes_tolerated():
    assert semver.compare("1.2.3+build.5", "1.2.3") == 0
    assert semver.compare("v1.2.3", "=1.2.3") == 0
    assert semver.compare("1.2.3-alpha+x", "1.2.3-alpha+y") == 0


def test_numeric_identifiers_compare_as_numbers_and_before_words():
    assert semver.compare("1.0.0-2", "1.0.0-10") == -1
    assert semver.compare("1.0.0-10", "1.0.0-a") == -1
    assert semver.compare("1.0.0-rc.9", "1.0.0-rc.10") == -1


def test_invalid_versions_are_refused():
    for text in ["1.2", "01.2.3", "1.2.3-", "1.2.3-01", "1.2.3+", "latest", "", "1.2.3.4", "x" * 300]:
        assert not semver.is_valid(text), text


_ident = st.one_of(st.integers(min_value=0, max_value=30).map(str),
                   st.text(alphabet="abcxyz-", min_size=1, max_size=3).filter(lambda s: not s.isdigit()))
_core = st.tuples(*(st.integers(min_value=0, max_value=12) for _ in range(3)))
_version = st.builds(
    lambda core, pre, build: ".".join(map(str, core)) + ("-" + ".".join(pre) if pre else "")
    + ("+" + ".".join(build) if build else ""),
    _core, st.lists(_ident, max_size=3), st.lists(st.sampled_from(["b1", "exp", "007"]), max_size=2))


@settings(max_examples=400, deadline=None)
@given(_version, _version)
def test_order_agrees_with_python_semver(a, b):
    assert semver.compare(a, b) == reference.Version.parse(a).compare(reference.Version.parse(b))


@settings(max_examples=200, deadline=None)
@given(_version, _version, _version)
def test_order_is_total_and_transitive(a, b, c):
    assert semver.compare(a, b) == -semver.compare(b, a)
    if semver.compare(a, b) <= 0 and semver.compare(b, c) <= 0:
        assert semver.compare(a, c) <= 0


@given(_core, st.lists(_ident, min_size=1, max_size=3))
def test_a_prerelease_sorts_before_its_release(core, pre):
    release = ".".join(map(str, core))
    assert semver.compare(f"{release}-{'.'.join(pre)}", release) == -1


@given(_version)
def test_parse_round_trips(text):
    assert str(semver.parse(text)) == text
