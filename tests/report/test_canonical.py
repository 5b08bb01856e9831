"""Canonical JSON, the SHA-256 seal, verification and loading of report.json."""

from __future__ import annotations

import hashlib
import json
import random

import pytest

from certifier.core.report import Report

from certifier.core.model import Severity, Stage
from certifier.report.canonical import (
    ReportError,
    canonical_bytes,
    digest_of,
    load_report,
    seal,
    verify,
)
from certifier.report.write import write_all

STAGES = list(Stage)


def shuffled(report: Report, seed: int) -> Report:
    rng = random.Random(seed)
    results = [r.model_copy(update={"findings": tuple(rng.sample(r.findings, len(r.findings)))}) for r in report.results]
    rng.shuffle(results)
    stages = list(report.stages)
    rng.shuffle(stages)
    return report.model_copy(update={"results": tuple(results), "stages": tuple(stages)})


def test_canonical_form_is_compact_sorted_utf8(report):
    raw = canonical_bytes(report)
    text = raw.decode("utf-8")  # strict: valid UTF-8
    data = json.loads(text)
    assert text == json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert b"\n" not in raw  # newlines inside strings are escaped; no whitespace between tokens


def test_non_ascii_text_is_written_as_utf8_not_escaped(make_report, make_result, make_finding):
    result = make_result("spec.schema", Stage.SPECIFICATION, "fail", findings=[make_finding("Größe ☃", path="a.js")])
    raw = canonical_bytes(make_report(results=[result]))
    assert "Größe ☃".encode("utf-8") in raw


@pytest.mark.parametrize("seed", range(6))
def test_shuffled_input_gives_the_same_bytes(report, seed):
    assert canonical_bytes(shuffled(report, seed)) == canonical_bytes(report)
    assert digest_of(shuffled(report, seed)) == digest_of(report)


def test_results_are_in_stage_then_check_then_app_order(report):
    results = json.loads(canonical_bytes(shuffled(report, 3)))["results"]
    keys = [(STAGES.index(Stage(r["stage"])), r["check_id"], r["app"] or "") for r in results]
    assert keys == sorted(keys)
    assert len(keys) == len(report.results)


def test_findings_are_re_sorted_by_location(make_report, make_result, make_finding):
    findings = [make_finding("b", path="z.js", line=1), make_finding("a", path="a.js", line=9),
                make_finding("c", path="a.js", line=2)]
    report = make_report(results=[make_result("sec.sast", Stage.SECURITY, "fail", findings=findings)])
    stored = json.loads(canonical_bytes(report))["results"][0]["findings"]
    assert [(f["location"]["path"], f["location"]["line"]) for f in stored] == [("a.js", 2), ("a.js", 9), ("z.js", 1)]


def test_seal_sets_the_sha256_of_the_canonical_form_without_digest(report):
    sealed = seal(report)
    expected = hashlib.sha256(canonical_bytes(sealed.model_copy(update={"digest": ""}))).hexdigest()
    assert sealed.digest == expected
    assert len(sealed.digest) == 64
    assert seal(sealed) == sealed  # idempotent


def test_seal_changes_when_content_changes(report):
    changed = report.model_copy(update={"run_id": "run-0002"})
    assert seal(changed).digest != seal(report).digest


def test_round_trip_through_report_json_is_exact(report, tmp_path):
    sealed = seal(report)
    paths = write_all(report, tmp_path)
    loaded = load_report(paths["json"])
    assert loaded == sealed
    assert loaded.digest == sealed.digest == digest_of(loaded)
    assert Report.model_validate(json.loads(paths["json"].read_bytes())) == sealed


def test_round_trip_with_odd_evidence_and_undecodable_path(make_report, make_result, make_finding, tmp_path):
    # A file name that was not valid UTF-8 (decoded with surrogateescape). Built without
    # Finding.with_fingerprint, which cannot hash lone surrogates (reported to the lead).
    odd = make_finding("bad name", path="app/x.js", properties={"raw": b"\xff\x00", "set": {3, 1}})
    odd = odd.model_copy(update={"location": odd.location.model_copy(update={"path": "app/\udcffname.js"})})
    result = make_result("sec.sast", Stage.SECURITY, "fail", findings=[odd],
                         evidence={"t": (1, 2), "nan": float("nan"), "obj": object(), "nested": {"b": b"ok"}},
                         duration_s=float("inf"))
    report = make_report(results=[result], timings={"total": float("nan")})
    sealed = seal(report)
    canonical_bytes(sealed).decode("utf-8")  # still valid UTF-8: the surrogate is a JSON \u escape
    assert load_report(write_all(report, tmp_path)["json"]) == sealed
    stored = sealed.results[0]
    assert stored.findings[0].location.path == "app/\udcffname.js"
    assert stored.evidence["t"] == [1, 2] and stored.evidence["nan"] is None
    assert stored.findings[0].properties["set"] == [1, 3]
    assert stored.duration_s == 0.0 and sealed.timings["total"] == 0.0


def test_verify_accepts_a_written_report_file_and_its_parsed_data(report, tmp_path):
    raw = write_all(report, tmp_path)["json"].read_bytes()
    assert verify(raw).ok
    assert verify(json.loads(raw)).ok
    assert verify(raw).computed_digest == seal(report).digest


def test_verify_detects_a_one_character_tamper_and_names_the_digest(report, tmp_path):
    raw = write_all(report, tmp_path)["json"].read_bytes()
    tampered = raw.replace(b"endpoint must start", b"endpoint must stars", 1)
    assert tampered != raw
    outcome = verify(tampered)
    assert outcome.schema_ok and not outcome.digest_ok and not outcome.ok
    assert outcome.recorded_digest == seal(report).digest != outcome.computed_digest
    assert any(p.startswith("$.digest") and "changed after it was sealed" in p for p in outcome.problems)


def test_verify_names_the_field_that_breaks_the_schema(report, tmp_path):
    data = json.loads(write_all(report, tmp_path)["json"].read_bytes())
    data["results"][1]["outcome"] = "boom"
    outcome = verify(data)
    assert not outcome.schema_ok and not outcome.ok
    assert any(p.startswith("$.results[1].outcome") for p in outcome.problems)


def test_verify_says_when_a_report_was_never_sealed(report):
    outcome = verify(canonical_bytes(report))
    assert outcome.schema_ok and not outcome.digest_ok
    assert any("never sealed" in p for p in outcome.problems)


def test_verify_reports_invalid_json_instead_of_raising():
    outcome = verify(b"{not json")
    assert not outcome.ok and "not valid JSON" in outcome.problems[0]


def test_load_report_refuses_a_tampered_file_unless_asked_not_to_check(report, tmp_path):
    path = write_all(report, tmp_path)["json"]
    path.write_bytes(path.read_bytes().replace(b'"run-0001"', b'"run-0009"'))
    with pytest.raises(ReportError, match="changed after it was sealed"):
        load_report(path)
    assert load_report(path, check_digest=False).run_id == "run-0009"


def test_load_report_refuses_files_over_the_size_bound(report, tmp_path):
    path = write_all(report, tmp_path)["json"]
    with pytest.raises(ReportError, match="larger than 100 bytes"):
        load_report(path, max_bytes=100)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"{", "not valid JSON"),
        (b'{"a": 1, "a": 2}', "duplicate key 'a'"),
        (b'{"a": NaN}', "NaN is not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b"[]", "not a valid report"),
    ],
)
def test_load_report_gives_precise_errors(tmp_path, content, message):
    path = tmp_path / "report.json"
    path.write_bytes(content)
    with pytest.raises(ReportError, match=message):
        load_report(path)


def test_load_report_names_the_schema_path(report, tmp_path):
    path = write_all(report, tmp_path)["json"]
    data = json.loads(path.read_bytes())
    data["decision"]["verdict"] = "Approved"
    path.write_text(json.dumps(data))
    with pytest.raises(ReportError, match=r"\$\.decision\.verdict"):
        load_report(path)


def test_load_report_of_a_missing_file_is_a_report_error(tmp_path):
    with pytest.raises(ReportError, match="cannot read"):
        load_report(tmp_path / "absent.json")


def test_canonical_order_keeps_trace_order(report):
    reversed_trace = report.decision.model_copy(update={"trace": tuple(reversed(report.decision.trace))})
    assert digest_of(report.model_copy(update={"decision": reversed_trace})) != digest_of(report)


def test_severity_enum_is_stored_as_its_word(report):
    data = json.loads(canonical_bytes(report))
    words = {f["severity"] for r in data["results"] for f in r["findings"]}
    assert words <= {s.value for s in Severity}


def test_verify_result_has_a_one_line_message(report, tmp_path):
    raw = write_all(report, tmp_path)["json"].read_bytes()
    assert verify(raw).message == f"schema valid, digest {seal(report).digest} matches"
    bad = verify(raw.replace(b'"run-0001"', b'"run-0002"'))
    assert "changed after it was sealed" in bad.message and "\n" not in bad.message
