"""bandit (1.9.4): `-f json` over an explicit list of Python files.

Facts this module is built on: exit 1 when there are findings (normal: the JSON is
read); `# nosec` comments would let a connector silence it, so --ignore-nosec. The report's `code` and,
for the hard-coded password tests, `issue_text` contain source text (possibly a secret): neither is kept;
callers read the line themselves and redact it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from certifier.core.errors import ToolError
from certifier.sandbox.runner import Limits, ProcessResult, Workspace, run, tool_env
from certifier.core.secrets.redact import scrub
from certifier.core.locate import locate

MAX_OUTPUT_BYTES = 32 * 1024 * 1024
MAX_MESSAGE_CHARS = 300  # of bandit's reason for a file it could not analyse
# tests whose issue_text quotes the matched string (a hard-coded password)
QUOTING_TESTS = frozenset({"B105", "B106", "B107"})


@dataclass(frozen=True)
class Issue:
    path: str
    line: int
    test_id: str  # e.g. B602
    test_name: str  # e.g. subprocess_popen_with_shell_equals_true
    severity: str  # LOW | MEDIUM | HIGH
    confidence: str  # LOW | MEDIUM | HIGH
    text: str  # issue_text, scrubbed; generic for the quoting tests
    cwe: str | None


@dataclass(frozen=True)
class FileError:
    """A file bandit could not analyse (not valid Python 3, unreadable): the other files still count."""

    path: str
    message: str  # bandit's reason, scrubbed and bounded


@dataclass(frozen=True)
class ScanResult:
    issues: tuple[Issue, ...]
    errors: tuple[FileError, ...]
    duration_s: float


def scan(root: Path, files: Sequence[str], workspace: Workspace, *, wall_s: float = 240.0) -> ScanResult:
    """bandit's issues in `files` (repository-relative, under `root`); ToolError when it cannot run."""
    executable = locate("bandit")
    if executable is None:
        raise ToolError("bandit is not installed (run `certifier tools install`, or `make tools` in a checkout, "
                        "or set CERTIFIER_BANDIT)")
    workspace.prepare()
    report = workspace.tmp / "bandit.json"
    report.unlink(missing_ok=True)
    argv = [str(executable), "-f", "json", "-q", "--ignore-nosec", "-o", str(report), "--",
            *("./" + name for name in sorted(files))]
    done = run(argv, cwd=root, workspace=workspace, env=tool_env(), limits=Limits(wall_s=wall_s))
    if done.timed_out or done.exit_code not in (0, 1):
        raise ToolError(_failure(done))
    try:
        if report.stat().st_size > MAX_OUTPUT_BYTES:
            raise ToolError("bandit wrote a report larger than the limit")
        text = report.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError as missing:
        raise ToolError("bandit wrote no report") from missing
    issues, errors = parse(text)
    return ScanResult(tuple(issues), tuple(errors), round(done.duration_s, 2))


def parse(text: str) -> tuple[list[Issue], list[FileError]]:
    """Issues and unanalysed files of a bandit JSON report (pure)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as bad:
        raise ToolError(f"bandit report is not JSON ({bad.msg})") from bad
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise ToolError("bandit report has no results list")
    issues = [issue for issue in (_issue(raw) for raw in data["results"]) if issue is not None]
    errors = [_file_error(e) for e in data.get("errors") or [] if isinstance(e, dict)]
    return issues, errors


def _file_error(raw: dict) -> FileError:
    reason = " ".join(scrub(str(raw.get("reason") or "could not be analysed")).split())
    return FileError(_path(str(raw.get("filename"))), reason[:MAX_MESSAGE_CHARS])


def _path(raw: str) -> str:
    """Repository-relative path of a reported file (the tool may echo our "./" prefix, even twice)."""
    while raw.startswith("./"):
        raw = raw[2:]
    return raw


def _issue(raw: object) -> Issue | None:
    if not isinstance(raw, dict):
        return None
    try:
        test_id = str(raw["test_id"])
        cwe = raw.get("issue_cwe") or {}
        text = "Possible hard-coded password" if test_id in QUOTING_TESTS else scrub(str(raw["issue_text"]))[:300]
        return Issue(_path(str(raw["filename"])), int(raw["line_number"]), test_id, str(raw["test_name"]),
                     str(raw["issue_severity"]).upper(), str(raw["issue_confidence"]).upper(), text,
                     f"CWE-{cwe['id']}" if isinstance(cwe, dict) and cwe.get("id") else None)
    except (KeyError, TypeError, ValueError):
        return None


def _failure(done: ProcessResult) -> str:
    if done.timed_out:
        return f"bandit did not finish within its {done.duration_s:.0f}s budget"
    tail = scrub(done.stderr.strip()[-300:]) if done.stderr.strip() else "no output"
    return f"bandit failed (exit {done.exit_code}): {tail}"
