"""Connect-style report entries (docs/connectors.md#report-entries)."""

from __future__ import annotations

import re

import pytest

from certifier.core.model import Outcome, Stage
from certifier.report.canonical import seal
from certifier.report.connect import GROUPS, connect_entries, created_at, entry_outcome

STEMS = [g.stem for g in GROUPS]
WORDS = ("succeeded", "failed", "skipped", "could not complete")


def entries(report, **kwargs):
    return connect_entries(seal(report), **kwargs)["entries"]


def find(items, stem, app=None):
    found = [e for e in items if e["title"].startswith(stem) and e.get("application") == app]
    assert len(found) == 1, (stem, app, items)
    return found[0]


def test_every_entry_has_the_shape_of_the_spec(report):
    items = entries(report)
    for entry in items:
        assert set(entry) <= {"type", "title", "message", "createdAt", "application"}
        assert entry["type"] in ("Information", "Warning", "Error")
        stem = next(s for s in STEMS if entry["title"].startswith(s))
        assert entry["title"][len(stem) + 1:] in WORDS
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entry["createdAt"])
    assert [next(i for i, s in enumerate(STEMS) if e["title"].startswith(s)) for e in items] == sorted(
        next(i for i, s in enumerate(STEMS) if e["title"].startswith(s)) for e in items)


def test_titles_types_and_applications_of_the_sample(report):
    items = entries(report)
    spec = "Connector specification file validation check"
    assert find(items, spec) == {
        "type": "Error", "title": f"{spec} failed", "createdAt": "2026-01-15T10:00:00.000Z",
        "message": "Blocking findings:\n- connect.yaml:7: endpoint must start with '/' [spec.endpoint]",
    }
    app_entry = find(items, spec, "hello-service")
    assert app_entry["type"] == "Error" and app_entry["title"] == f"{spec} failed"
    assert "hello-service/package.json:3: package.json has no start script" in app_entry["message"]
    mc_entry = find(items, spec, "mc-ui")
    assert (mc_entry["type"], mc_entry["title"]) == ("Information", f"{spec} succeeded")
    build = find(items, "Connector image build check", "hello-service")
    assert (build["type"], build["title"]) == ("Warning", "Connector image build check skipped")
    runtime = find(items, "Connector runtime security check")
    assert (runtime["type"], runtime["title"]) == ("Warning", "Connector runtime security check skipped")


def test_image_scan_is_always_a_skipped_warning(report):
    image = find(entries(report), "Image security analysis check")
    assert image["type"] == "Warning" and image["title"] == "Image security analysis check skipped"
    assert "no container image" in image["message"]
    assert "application" not in image


def test_a_group_with_an_error_could_not_complete_and_does_not_succeed(report):
    sast = find(entries(report), "SAST and SCA analysis check", "hello-service")
    assert sast["type"] == "Error"
    assert sast["title"] == "SAST and SCA analysis check could not complete"
    assert "semgrep timed out after 120 s" in sast["message"] and "not a connector failure" in sast["message"]


def test_a_definite_failure_outranks_an_error(make_result, make_finding, make_verdicts):
    failing = make_result("sec.sast", Stage.SECURITY, Outcome.FAIL, findings=[make_finding("eval()", path="a.js")])
    broken = make_result("deps.vulnerable-dependency", Stage.DEPENDENCIES, Outcome.ERROR, summary="no advisory DB")
    blocks = {v.fingerprint: v for v in make_verdicts([failing], blocking={failing.findings[0].fingerprint})}
    assert entry_outcome([failing, broken], blocks) == "failed"
    advisory = {v.fingerprint: v for v in make_verdicts([failing])}
    assert entry_outcome([failing, broken], advisory) == "could not complete"
    assert entry_outcome([broken], {}) == "could not complete"
    assert entry_outcome([], {}) == "skipped"
    assert entry_outcome([make_result("x.y", Stage.BUILD, Outcome.SKIP)], {}) == "skipped"
    assert entry_outcome([make_result("x.y", Stage.BUILD, Outcome.NOT_APPLICABLE)], {}) == "succeeded"
    assert entry_outcome([make_result("x.y", Stage.BUILD, Outcome.WARN)], {}) == "succeeded"


def test_waived_or_advisory_errors_do_not_fail_the_entry(make_report, make_results, make_verdicts):
    results = make_results()
    every = [f.fingerprint for r in results for f in r.findings]
    sealed = seal(make_report(results=results, verdicts=make_verdicts(results, waived=every[:1])))
    spec = find(connect_entries(sealed)["entries"], "Connector specification file validation check")
    assert spec["type"] == "Information" and spec["title"].endswith("succeeded")
    assert "non-blocking errors" in spec["message"]


def test_failing_findings_in_the_message_are_bounded(make_report, make_result, make_finding):
    findings = [make_finding(f"issue {n}", path="app/src/a.js", line=n) for n in range(1, 31)]
    report = make_report(results=[make_result("sec.sast", Stage.SECURITY, Outcome.FAIL, app="hello-service",
                                              findings=findings)])
    sast = find(entries(report), "SAST and SCA analysis check", "hello-service")
    assert sast["message"].count("\n- app/src/a.js:") == 10
    assert sast["message"].endswith("- and 20 more")


def test_no_results_at_all_gives_skipped_warnings_that_say_why(make_report):
    items = entries(make_report(results=[], stages=(), aborted="the tag does not exist"))
    assert [e["type"] for e in items] == ["Warning"] * len(GROUPS)
    assert all(e["title"].endswith(" skipped") and "application" not in e for e in items)
    assert "the tag does not exist" in find(items, "Connector image build check")["message"]
    assert "the tag does not exist" not in find(items, "Image security analysis check")["message"]


def test_hostile_text_is_inert_in_messages(hostile):
    for entry in entries(hostile):
        assert "\u202e" not in entry.get("message", "") and "\u202e" not in entry.get("application", "")


@pytest.mark.parametrize(
    "stamp, expected",
    [
        ("2026-01-15T10:00:00+00:00", "2026-01-15T10:00:00.000Z"),
        ("2026-01-15T10:00:00Z", "2026-01-15T10:00:00.000Z"),
        ("2026-01-15T12:30:05.123456+02:00", "2026-01-15T10:30:05.123Z"),
        ("2026-01-15T10:00:00", "2026-01-15T10:00:00.000Z"),
    ],
)
def test_created_at_is_iso_utc_with_z(stamp, expected):
    assert created_at(stamp) == expected


def test_created_at_comes_from_the_report_and_is_deterministic(make_report):
    report = make_report(created_at="2030-06-01T08:09:10.5+00:00")
    assert {e["createdAt"] for e in entries(report)} == {"2030-06-01T08:09:10.500Z"}
    assert entries(report) == entries(report)


def test_an_unparseable_created_at_is_a_clear_error():
    with pytest.raises(ValueError, match="not an ISO-8601 time"):
        created_at("yesterday")
