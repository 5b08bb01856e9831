"""The authoritative JSON form of a report: canonical bytes, the SHA-256 seal, verification, loading.

Canonical form: the report as JSON data (pydantic "json" mode) with results in stage order, then
check id, then app; findings in location order; stage runs in stage order; object keys sorted; no
insignificant whitespace; UTF-8. Lone surrogates (file names that were not valid UTF-8) are written
as JSON `\\udXXX` escapes, so the bytes are always valid UTF-8 and read back to the same string.

The digest is SHA-256 over the canonical form with `digest` set to "". It is computed from the
*parsed* report, so the file on disk may be indented (report.json is, for people) and still verify.
Order of apps, trace steps and waivers is kept as given: it carries meaning (declaration order,
the order in which the decision was reached).
"""

from __future__ import annotations

import enum
import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from certifier.core.model import CheckResult, Finding, Stage

from certifier.core.report import Report
from certifier.report.schema import validator

MAX_REPORT_BYTES = 64 * 1024 * 1024
_STAGE_INDEX = {stage.value: index for index, stage in enumerate(Stage)}


class ReportError(ValueError):
    """A report file that cannot be used: too large, not JSON, not schema-valid, or tampered."""


# --- making data JSON-native --------------------------------------------------------------------

def plain(value: Any, depth: int = 64) -> Any:
    """Free-form evidence/properties as JSON-native data (what reading the JSON back would give)."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, str) or value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None  # the same choice pydantic makes for Any
    if depth <= 0:
        return "\u2026 (nested too deep)"
    if isinstance(value, BaseModel):
        return plain(value.model_dump(mode="json"), depth - 1)
    if isinstance(value, dict):
        return {str(k): plain(v, depth - 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v, depth - 1) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((plain(v, depth - 1) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="backslashreplace")
    if isinstance(value, Path):
        return value.as_posix()
    return repr(value)[:1000]


def _finite(number: float) -> float:
    return number if math.isfinite(number) else 0.0


def _finding_key(finding: Finding) -> tuple:
    loc = finding.location
    # The executor's order (path, line, manifest path, message), refined so that it is total.
    return (loc.path if loc else "", (loc.line or 0) if loc else 0, finding.manifest_path or "", finding.message,
            (loc.column or 0) if loc else 0, finding.rule or "", finding.severity.rank, finding.fingerprint)


def _result_key(result: CheckResult) -> tuple:
    # The full content breaks ties (the same check twice on one target), so any input order sorts alike.
    return (*result.sort_key, to_json_text(result.model_dump(mode="json")))


def _normalised_result(result: CheckResult) -> CheckResult:
    findings = tuple(
        sorted((f.model_copy(update={"properties": plain(f.properties)}) for f in result.findings), key=_finding_key)
    )
    return result.model_copy(
        update={"findings": findings, "evidence": plain(result.evidence), "duration_s": _finite(result.duration_s)}
    )


def normalised(report: Report) -> Report:
    """The same report with free-form data JSON-native and collections in canonical order."""
    results = sorted((_normalised_result(r) for r in report.results), key=_result_key)
    stages = sorted(
        (s.model_copy(update={"duration_s": _finite(s.duration_s)}) for s in report.stages),
        key=lambda s: (_STAGE_INDEX.get(s.stage.value, len(_STAGE_INDEX)), s.started_at or ""),
    )
    timings = {name: _finite(seconds) for name, seconds in report.timings.items()}
    return report.model_copy(update={"results": tuple(results), "stages": tuple(stages), "timings": timings})


# --- canonical bytes and the seal ------------------------------------------------------------------

def to_json_text(data: Any, *, indent: int | None = None) -> bytes:
    """JSON text of plain data: sorted keys, UTF-8, lone surrogates as \\u escapes."""
    separators = (",", ":") if indent is None else (",", ": ")
    text = json.dumps(data, sort_keys=True, separators=separators, indent=indent, ensure_ascii=False, allow_nan=False)
    return text.encode("utf-8", errors="backslashreplace")


def canonical_data(report: Report) -> dict[str, Any]:
    data = normalised(report).model_dump(mode="json")
    if data.get("delta") is None:  # absent without a baseline: a 1.1.0 report keeps its bytes and its digest
        data.pop("delta", None)
    return data


def canonical_bytes(report: Report) -> bytes:
    """The canonical form of `report` (including whatever `digest` it carries)."""
    return to_json_text(canonical_data(report))


def digest_of(report: Report) -> str:
    """SHA-256 hex of the canonical form with `digest` = ""."""
    return hashlib.sha256(canonical_bytes(report.model_copy(update={"digest": ""}))).hexdigest()


def seal(report: Report) -> Report:
    """A copy in canonical form (as reading report.json back would give) carrying its digest."""
    data = json.loads(to_json_text(canonical_data(report.model_copy(update={"digest": ""}))))
    unsealed = Report.model_validate(data)
    return unsealed.model_copy(update={"digest": digest_of(unsealed)})


# --- reading and verifying -------------------------------------------------------------------------

def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads would silently keep the last of two equal keys; a report must mean one thing.
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        duplicate = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise ReportError(f"duplicate key {duplicate[:80]!r} in a JSON object")
    return result


def _reject_constant(name: str) -> Any:
    raise ReportError(f"{name} is not valid JSON")


def parse_json(raw: bytes | str) -> Any:
    """Strict JSON: no duplicate keys, no NaN/Infinity, bounded nesting."""
    try:
        return json.loads(raw, object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant)
    except RecursionError:
        raise ReportError("JSON nested too deeply") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ReportError(f"not valid JSON: {error}") from None


def schema_errors(data: Any) -> list[str]:
    """Schema violations as '$.json.path: message', deepest path first (empty when valid)."""
    errors = sorted(validator().iter_errors(data), key=lambda e: (-len(e.absolute_path), e.json_path))
    return [f"{e.json_path}: {e.message[:300]}" for e in errors[:20]]


@dataclass(frozen=True)
class VerifyResult:
    """Whether a stored report is intact. `problems` name the field or JSON path that is wrong."""

    schema_ok: bool
    digest_ok: bool
    recorded_digest: str | None = None
    computed_digest: str | None = None
    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.schema_ok and self.digest_ok

    @property
    def message(self) -> str:
        """One line for a terminal: what is right, or everything that is wrong."""
        if self.ok:
            return f"schema valid, digest {self.computed_digest} matches"
        return "; ".join(self.problems) or "invalid"


def _check_digest(report: Report, recorded: str) -> tuple[bool, str, list[str]]:
    computed = digest_of(report)
    if not recorded:
        return False, computed, ["$.digest: empty: the report was never sealed"]
    if recorded != computed:
        return False, computed, [
            f"$.digest: recorded {recorded[:16]}\u2026 but the content hashes to {computed[:16]}\u2026: "
            "the report was changed after it was sealed"
        ]
    return True, computed, []


def verify(data: bytes | str | dict) -> VerifyResult:
    """Check a stored report (file bytes or parsed JSON): schema-valid, and digest matching its content."""
    try:
        parsed = data if isinstance(data, dict) else parse_json(data)
    except ReportError as error:
        return VerifyResult(schema_ok=False, digest_ok=False, problems=(f"$: {error}",))
    problems = schema_errors(parsed)
    recorded = parsed.get("digest") if isinstance(parsed, dict) else None
    try:
        report = Report.model_validate(parsed)
    except ValidationError as error:
        problems += [f"$.{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()[:20]]
        return VerifyResult(schema_ok=False, digest_ok=False, recorded_digest=recorded, problems=tuple(problems))
    digest_ok, computed, digest_problems = _check_digest(report, recorded if isinstance(recorded, str) else "")
    return VerifyResult(schema_ok=not problems, digest_ok=digest_ok, recorded_digest=recorded,
                        computed_digest=computed, problems=tuple(problems + digest_problems))


def load_report(path: str | Path, *, max_bytes: int = MAX_REPORT_BYTES, check_digest: bool = True) -> Report:
    """Read report.json: bounded size, strict JSON, schema-valid; with `check_digest`, a sealed
    report whose digest does not match its content is refused (an unsealed one, digest "", loads)."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as error:
        raise ReportError(f"{path}: cannot read: {error.strerror or error}") from None
    if len(raw) > max_bytes:
        raise ReportError(f"{path}: larger than {max_bytes} bytes; refusing to read it")
    try:
        data = parse_json(raw)
    except ReportError as error:
        raise ReportError(f"{path}: {error}") from None
    problems = schema_errors(data)
    if problems:
        raise ReportError(f"{path}: not a valid report: " + "; ".join(problems[:5]))
    try:
        report = Report.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        raise ReportError(f"{path}: not a valid report: $.{'.'.join(map(str, first['loc']))}: {first['msg']}") from None
    if check_digest and report.digest:
        ok, _, digest_problems = _check_digest(report, report.digest)
        if not ok:
            raise ReportError(f"{path}: " + digest_problems[0])
    return report
