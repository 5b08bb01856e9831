"""The npm range reader behind struct.node-engine."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certifier.checks.structure.node_range import RangeError, parse_range, parse_version


@pytest.mark.parametrize(
    ("text", "admitted", "refused"),
    [
        (">=18", ["18.0.0", "22.1.0"], ["17.9.9"]),
        ("18.x", ["18.0.0", "18.20.4"], ["17.0.0", "19.0.0"]),
        ("18.X", ["18.3.0"], ["19.0.0"]),
        ("^20.0.0", ["20.0.0", "20.99.1"], ["19.9.9", "21.0.0"]),
        ("20", ["20.11.1"], ["21.0.0", "19.0.0"]),
        ("v20.11.1", ["20.11.1"], ["20.11.2"]),
        (">=16 <21", ["16.0.0", "20.9.9"], ["15.9.9", "21.0.0"]),
        (">= 16 < 21", ["16.0.0"], ["21.0.0"]),
        ("<16 || >=18", ["14.0.0", "18.0.0"], ["16.0.0", "17.5.0"]),
        ("14.x || 16.x", ["14.1.0", "16.2.0"], ["15.0.0", "17.0.0"]),
        (">14", ["15.0.0"], ["14.9.9"]),
        (">14.17.0", ["14.17.1"], ["14.17.0"]),
        ("<=14", ["14.99.0"], ["15.0.0"]),
        ("<=14.17.0", ["14.17.0"], ["14.17.1"]),
        ("~14.17.0", ["14.17.9"], ["14.18.0"]),
        ("~14", ["14.9.0"], ["15.0.0"]),
        ("^0.2.3", ["0.2.9"], ["0.3.0"]),
        ("^0.0.3", ["0.0.3"], ["0.0.4"]),
        ("14 - 16", ["14.0.0", "16.9.9"], ["17.0.0"]),
        ("14.1 - 16.2.3", ["16.2.3"], ["16.2.4", "14.0.9"]),
        ("*", ["0.0.0", "99.0.0"], []),
        ("", ["20.0.0"], []),
        (">=16.0.0-0", ["16.0.0"], ["15.0.0"]),
        ("=20.1.0", ["20.1.0"], ["20.1.1"]),
    ],
)
def test_range_admits_what_npm_admits(text, admitted, refused):
    parsed = parse_range(text)
    for version in admitted:
        assert parsed.admits(parse_version(version)), (text, version)
    for version in refused:
        assert not parsed.admits(parse_version(version)), (text, version)


@pytest.mark.parametrize(
    ("text", "supported"),
    [
        (">=18", True),
        ("14.x", False),
        ("<16", False),
        ("<=15", False),
        ("<16.5", True),
        (">=12", True),
        ("14.x || 16.x", True),
        ("^14 || ^15", False),
        ("*", True),
        ("12 - 14", False),
        ("~16.0", True),
    ],
)
def test_admits_node_16_or_later(text, supported):
    assert parse_range(text).admits_major_at_least(16) is supported


def test_unsatisfiable_range_admits_nothing():
    parsed = parse_range(">=18 <16")
    assert not parsed.satisfiable
    assert not parsed.admits_major_at_least(0)


@pytest.mark.parametrize("text", ["lts/*", "node", "garbage", ">=", "18.x.y.z", "=> 18", ">=18 -", "x" * 300])
def test_invalid_ranges_raise(text):
    with pytest.raises(RangeError):
        parse_range(text)


def test_version_rejects_ranges():
    with pytest.raises(RangeError):
        parse_version(">=20")
    with pytest.raises(RangeError):
        parse_version("20.x")
    assert parse_version("v20") == (20, 0, 0)


@given(st.integers(0, 40), st.integers(0, 30), st.integers(0, 30))
def test_caret_matches_its_definition(major, minor, patch):
    parsed = parse_range(f"^{major}.{minor}.{patch}")
    assert parsed.admits((major, minor, patch))
    if major:
        assert parsed.admits((major, minor + 1, 0)) and not parsed.admits((major + 1, 0, 0))


@given(st.text(max_size=60))
def test_arbitrary_text_parses_or_raises_range_error(text):
    try:
        parsed = parse_range(text)
    except RangeError:
        return
    assert all(not interval.empty for interval in parsed.intervals)


def test_overlaps():
    assert parse_range(">=18").overlaps(parse_range("*"))
    assert parse_range(">=18").overlaps(parse_range("20"))
    assert not parse_range(">=18").overlaps(parse_range("14"))
    assert not parse_range("<16").overlaps(parse_range("16.x || 18.x"))
