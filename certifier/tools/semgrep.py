"""semgrep (pinned 1.182.0): only our rule pack (rules/semgrep), offline, over an explicit list of files.

Facts this module is built on:
  * without SEMGREP_ENABLE_VERSION_CHECK=0 and --disable-version-check every call waits ~98 s on DNS;
    --metrics=off alone does not stop it. Registry packs and --validate need the network: never used.
  * exit 0 even with findings; JSON `extra.lines` reads "requires login", so callers take code from the
    files themselves (match offsets are exact).
  * directories are filtered by .gitignore/.semgrepignore (a connector could hide code with them) and
    node_modules is skipped; explicit file targets are scanned as given, so callers list the files.
  * `// nosemgrep` comments would let a connector silence our rules: --disable-nosem.
  * --experimental runs the native CLI of the same pinned release (osemgrep) instead of the Python
    wrapper: ~0.3 s to start instead of ~5 s, and ~35 % faster on 2,000 files, with the same matches
    (tests/security: the rule pack's fixtures, the tool tests). It ignores --output and writes the JSON
    report to stdout, so the report is redirected to a file in the tool workspace (not the runner's
    bounded, redacted capture).
  * a file it cannot (fully) parse is an entry of the report's `errors` with its `path`, e.g. JSX text with a
    bare `&`, which TypeScript accepts. The native CLI spells the type in CamelCase ("PartialParsing"),
    the Python wrapper in words ("Syntax error"): both are read as one kind. The rest of the scan is
    complete, so such a file is a fact about that file (not scanned), never a failed scan.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from certifier.core.errors import ToolError
from certifier.sandbox.runner import Limits, Workspace, run, tool_env
from certifier.core.secrets.redact import scrub
from certifier.core.locate import locate

EXTENSIONS = (".js", ".cjs", ".mjs", ".jsx", ".ts", ".cts", ".mts", ".tsx")
MAX_TARGET_BYTES = 1_000_000  # semgrep's own default: larger files would be skipped silently
MAX_OUTPUT_BYTES = 64 * 1024 * 1024  # JSON report read back from the workspace
ARGV_BUDGET = 100_000  # characters of file arguments per invocation (ARG_MAX is far above)
ENV = {"SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off", "SEMGREP_USER_AGENT_APPEND": "certifier"}
# errors about one target file (it was not, or not fully, analysed), in both spellings, compared without
# case, spaces or underscores; any other error is a tool failure
TARGET_ERROR_TYPES = frozenset({
    "syntaxerror", "lexicalerror", "partialparsing", "parseerror", "othersyntaxerror", "otherparseerror",
    "astbuildererror", "timeout", "outofmemory", "stackoverflow", "toomanymatches", "fixpointtimeout",
    "timeoutduringinterfile", "outofmemoryduringinterfile",
})
MAX_MESSAGE_CHARS = 300  # of a parser's message kept in a report


@dataclass(frozen=True)
class Match:
    rule_id: str
    path: str  # repository-relative, as given
    line: int
    column: int
    end_line: int
    end_column: int
    start_offset: int
    end_offset: int


@dataclass(frozen=True)
class TargetError:
    """A file semgrep could not (fully) analyse: its rules did not see all of it."""

    path: str
    kind: str  # semgrep's error type, e.g. "PartialParsing" or "Syntax error"
    line: int | None = None
    message: str = ""  # the parser's message, scrubbed and bounded (it may quote the file's code)


@dataclass(frozen=True)
class ScanResult:
    matches: tuple[Match, ...]
    errors: tuple[TargetError, ...]
    scanned: tuple[str, ...]
    invocations: int
    duration_s: float


def is_target(path: str) -> bool:
    return path.lower().endswith(EXTENSIONS)


def base_command(executable: Path, configs: Sequence[Path]) -> list[str]:
    config_args = [arg for file in configs for arg in ("--config", str(file))]
    return [str(executable), "scan", "--experimental", *config_args, "--metrics=off", "--disable-version-check",
            "--no-rewrite-rule-ids", "--disable-nosem", "--json", "--quiet", "--jobs", "2", "--timeout", "10",
            "--max-target-bytes", str(MAX_TARGET_BYTES)]


def to_file(argv: Sequence[str], report: Path) -> list[str]:
    """`argv` with its stdout sent to `report`; both are positional shell parameters, never shell code."""
    return ["/bin/sh", "-c", 'report="$1"; shift; exec "$@" > "$report"', "sh", str(report), *argv]


def chunks(files: Sequence[str], budget: int = ARGV_BUDGET) -> list[list[str]]:
    """Split file arguments so no command line gets too long; normally one chunk, i.e. one invocation."""
    out: list[list[str]] = [[]]
    used = 0
    for name in files:
        if out[-1] and used + len(name) + 3 > budget:
            out.append([])
            used = 0
        out[-1].append(name)
        used += len(name) + 3
    return [chunk for chunk in out if chunk]


def scan(root: Path, files: Sequence[str], workspace: Workspace, configs: Sequence[Path], *,
         wall_s: float = 240.0) -> ScanResult:
    """Run the rule files `configs` over `files` (repository-relative, under `root`). Raises ToolError
    when semgrep is missing, crashes, overruns its budget or writes no readable report."""
    executable = locate("semgrep")
    if executable is None:
        raise ToolError("semgrep is not installed (run `certifier tools install`, or `make tools` in a checkout, "
                        "or set CERTIFIER_SEMGREP)")
    if not configs:
        raise ToolError("no semgrep rule files to run")
    workspace.prepare()
    matches, errors, scanned, took = [], [], [], 0.0
    batches = chunks(sorted(files))
    for number, batch in enumerate(batches):
        report = workspace.tmp / f"semgrep-{number}.json"
        report.unlink(missing_ok=True)
        # "./" keeps a file named like an option ("-rf.js") a file
        argv = to_file([*base_command(executable, configs), *("./" + name for name in batch)], report)
        done = run(argv, cwd=root, workspace=workspace, env=tool_env(ENV), limits=Limits(wall_s=wall_s))
        took += done.duration_s
        if not done.ok:
            raise ToolError(_failure("semgrep", done))
        found, problems, seen = parse(_read_report(report))
        matches += found
        errors += problems
        scanned += seen
    return ScanResult(tuple(matches), tuple(errors), tuple(scanned), len(batches), round(took, 2))


def _failure(tool: str, done) -> str:
    if done.timed_out:
        return f"{tool} did not finish within its {done.duration_s:.0f}s budget"
    tail = scrub(done.stderr.strip()[-300:]) if done.stderr.strip() else "no output"
    return f"{tool} failed (exit {done.exit_code}): {tail}"


def _read_report(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size == 0:  # the redirect creates the file before semgrep runs
            raise ToolError("semgrep wrote no report")
        if size > MAX_OUTPUT_BYTES:
            raise ToolError(f"semgrep wrote a {size} byte report, more than the {MAX_OUTPUT_BYTES} byte limit")
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError as missing:
        raise ToolError("semgrep wrote no report") from missing


def parse(text: str) -> tuple[list[Match], list[TargetError], list[str]]:
    """Matches, per-file errors and scanned paths of a semgrep JSON report (pure)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as bad:
        raise ToolError(f"semgrep report is not JSON ({bad.msg})") from bad
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise ToolError("semgrep report has no results list")
    matches = [m for m in (_match(r) for r in data["results"]) if m is not None]
    errors = [_target_error(e) for e in data.get("errors") or [] if isinstance(e, dict)]
    scanned = [_path(p) for p in (data.get("paths") or {}).get("scanned") or [] if isinstance(p, str)]
    return matches, errors, scanned


def _path(raw: str) -> str:
    """Repository-relative path of a reported file (the tool may echo our "./" prefix, even twice)."""
    while raw.startswith("./"):
        raw = raw[2:]
    return raw


def _match(raw: Any) -> Match | None:
    try:
        start, end = raw["start"], raw["end"]
        return Match(str(raw["check_id"]), _path(str(raw["path"])), int(start["line"]), int(start["col"]),
                     int(end["line"]), int(end["col"]), int(start["offset"]), int(end["offset"]))
    except (KeyError, TypeError, ValueError):
        return None


def is_target_error(kind: str) -> bool:
    """Whether an error type is about one target file (both spellings of the pinned release)."""
    return "".join(c for c in kind.lower() if c.isalpha()) in TARGET_ERROR_TYPES


def _target_error(raw: dict) -> TargetError:
    kind = str(raw.get("type") if not isinstance(raw.get("type"), list) else raw["type"][0])
    path = raw.get("path")
    message = " ".join(scrub(str(raw.get("message") or kind)).split())[:MAX_MESSAGE_CHARS]
    if not isinstance(path, str) or not is_target_error(kind):
        # a broken rule or an internal error: the scan as a whole cannot be trusted
        raise ToolError(f"semgrep reported an error: {message}")
    spans = raw.get("spans") or []
    line = spans[0].get("start", {}).get("line") if spans and isinstance(spans[0], dict) else None
    return TargetError(_path(path), kind, line if isinstance(line, int) else None, _without_path(message, path))


def _without_path(message: str, path: str) -> str:
    """The parser's words without the file name it repeats ("Syntax error at line ./a.tsx:3: ...")."""
    for prefix in (path, "./" + _path(path), _path(path)):
        message = message.replace(f"at line {prefix}:", "at line ")
    return message
