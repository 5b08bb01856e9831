"""The JSON Schema of report.json, generated from the pydantic `Report` model.

`python -m certifier.report.schema` rewrites rules/schema/report.schema.json; with `--check` it only
says whether the committed file is current (exit 1 when stale). Validation in code uses the schema
generated in memory, which a test keeps identical to the committed file.
"""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from certifier import REPORT_SCHEMA_VERSION
from certifier.core.report import Report
from certifier.core.paths import rules_dir

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FILE_NAME = "report.schema.json"
# Versions whose reports this schema validates: 1.2.0 added the optional `delta` and nothing else, and the
# canonical form leaves an absent delta out, so a 1.1.0 report keeps its digest.
READABLE_VERSIONS = ("1.1.0", REPORT_SCHEMA_VERSION)


def schema_id(version: str = REPORT_SCHEMA_VERSION) -> str:
    return f"urn:certifier:report:{version}"


def report_schema() -> dict[str, Any]:
    """The schema: the model's own, plus dialect, id, and the schema version it describes."""
    schema = Report.model_json_schema()
    schema["properties"]["schema_version"] = {
        "enum": list(READABLE_VERSIONS),
        "description": "version of the schema the report was written with; each version listed only added "
                       "optional fields, so this schema reads them all",
        "title": "Schema Version",
    }
    return {"$schema": SCHEMA_DIALECT, "$id": schema_id(), **schema, "title": "certifier report"}


def schema_text() -> str:
    return json.dumps(report_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def committed_schema_path() -> Path:
    return rules_dir() / "schema" / SCHEMA_FILE_NAME


def write_schema(path: Path | None = None) -> Path:
    target = path or committed_schema_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(schema_text(), encoding="utf-8")
    return target


def is_current(path: Path | None = None) -> bool:
    target = path or committed_schema_path()
    return target.is_file() and target.read_text(encoding="utf-8") == schema_text()


@lru_cache(maxsize=1)
def validator() -> jsonschema.Draft202012Validator:
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--check"]:
        current = is_current()
        print(f"{committed_schema_path()}: {'up to date' if current else 'OUT OF DATE (run python -m certifier.report.schema)'}")
        return 0 if current else 1
    print(f"wrote {write_schema()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
