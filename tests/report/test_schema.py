"""rules/schema/report.schema.json: generated from the model, committed, and every report matches it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from certifier import REPORT_SCHEMA_VERSION
from certifier.report.canonical import canonical_data, seal
from certifier.report.schema import is_current, report_schema, schema_text, write_schema
from certifier.report.write import write_all

COMMITTED = Path(__file__).resolve().parents[2] / "rules" / "schema" / "report.schema.json"


@pytest.fixture(scope="module")
def committed_validator():
    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_committed_schema_is_up_to_date_with_the_model():
    assert COMMITTED.read_text(encoding="utf-8") == schema_text(), (
        "rules/schema/report.schema.json is stale: run `python -m certifier.report.schema`"
    )


def test_schema_names_its_dialect_and_version():
    schema = report_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert REPORT_SCHEMA_VERSION in schema["$id"]
    assert schema["properties"]["schema_version"]["enum"] == ["1.1.0", REPORT_SCHEMA_VERSION]


def test_a_stale_schema_file_is_detected(tmp_path):
    path = write_schema(tmp_path / "report.schema.json")
    assert is_current(path)
    path.write_text(path.read_text().replace('"Outcome"', '"Outcomes"', 1))
    assert not is_current(path)
    assert not is_current(tmp_path / "missing.json")


def test_sample_and_hostile_reports_validate(committed_validator, report, hostile):
    for each in (report, hostile):
        committed_validator.validate(canonical_data(seal(each)))


def test_written_report_json_validates(committed_validator, report, tmp_path):
    data = json.loads(write_all(report, tmp_path)["json"].read_bytes())
    committed_validator.validate(data)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d["results"][0].update(outcome="passed"),
        lambda d: d["results"][0].update(surprise=1),
        lambda d: d["decision"].update(verdict="Approved"),
        lambda d: d.update(schema_version="0.9.0"),
        lambda d: d.pop("provenance"),
        lambda d: next(r for r in d["results"] if r["findings"])["findings"][0].update(severity="critical"),
        lambda d: d["stages"][0].update(duration_s="1 s"),
    ],
)
def test_schema_rejects_malformed_reports(committed_validator, report, mutate):
    data = canonical_data(seal(report))
    mutate(data)
    assert list(committed_validator.iter_errors(data))
