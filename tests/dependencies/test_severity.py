"""Severity: GHSA levels win, else the CVSS base score (computed by the `cvss` library) gives the level."""

from __future__ import annotations

import pytest

from certifier.collect.advisories.severity import UNKNOWN, base_score, level_of_score, rate


@pytest.mark.parametrize("vector, score", [
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),   # e.g. CVE-2021-44906
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H", 9.1),   # CVE-2019-10744
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5),
    ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H", 7.4),   # CVE-2020-8203
    ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L", 5.3),
    ("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N", 6.1),   # CVE-2023-32681
    ("CVSS:3.0/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 7.2),
])
def test_cvss3_base_scores_of_known_vectors(vector, score):
    assert base_score("CVSS_V3", vector) == score


def test_cvss4_and_broken_vectors():
    assert base_score("CVSS_V4", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N") == 9.3
    assert base_score("CVSS_V3", "CVSS:3.1/AV:X/garbage") is None
    assert base_score("UNKNOWN_KIND", "x") is None


def test_score_boundaries_follow_the_cvss_rating_scale():
    assert [level_of_score(s) for s in (0.0, 0.1, 3.9, 4.0, 6.9, 7.0, 8.9, 9.0, 10.0)] == [
        None, "LOW", "LOW", "MODERATE", "MODERATE", "HIGH", "HIGH", "CRITICAL", "CRITICAL"]


def test_the_ghsa_level_wins_over_the_score():
    record = {"database_specific": {"severity": "moderate"},
              "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]}
    rating = rate(record)
    assert (rating.level, rating.score, rating.source) == ("MODERATE", 9.8, "database_specific")


def test_medium_is_moderate_and_nothing_is_unknown():
    assert rate({"database_specific": {"severity": "MEDIUM"}}).level == "MODERATE"
    assert rate({}).level == UNKNOWN
    assert rate({"severity": [{"type": "CVSS_V3", "score": "not a vector"}]}).level == UNKNOWN


def test_without_a_level_the_cvss_score_decides():
    record = {"severity": [{"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"},
                           {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}]}
    rating = rate(record)
    assert (rating.level, rating.score, rating.source) == ("HIGH", 7.5, "CVSS_V3")
