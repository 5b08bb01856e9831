"""Write every rendering of a report into one directory.

report.json is the sealed report, indented for people (keys sorted); its digest is over the
canonical compact form, which `verify` recomputes from the parsed data, so indentation does not
matter. The other files are renderings of that same sealed report. Files are written under fixed
names through a temporary file and an atomic rename, so nothing is written outside `out_dir` even
if one of the names is a symlink planted there (the rename replaces the link, never its target).
"""

from __future__ import annotations

import json
from pathlib import Path

from certifier.core.atomic import write_atomic
from certifier.core.report import Report
from certifier.report.canonical import canonical_data, seal, to_json_text
from certifier.report.connect import connect_entries
from certifier.report.html import render_html
from certifier.report.junit import render_junit
from certifier.report.markdown import render_markdown
from certifier.report.sarif import render_sarif

FILE_NAMES = {
    "json": "report.json",
    "html": "report.html",
    "markdown": "summary.md",
    "connect": "connect-report.json",
    "sarif": "report.sarif",
    "junit": "junit.xml",
}


def _utf8(text: str) -> bytes:
    # Rendered text is inert (no lone surrogates survive safe_text); backslashreplace is a last guard.
    return text.encode("utf-8", errors="backslashreplace")


def write_all(report: Report, out_dir: str | Path) -> dict[str, Path]:
    """Seal `report` and write report.json, report.html, summary.md, connect-report.json, report.sarif
    and junit.xml into `out_dir` (created if needed). Returns {kind: path} for the kinds of FILE_NAMES.
    report.json is written first, so the authoritative record exists even if a rendering fails. The
    renderings read only the sealed report: rendering a stored report.json gives the same bytes."""
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    sealed = seal(report)
    written = {"json": write_atomic(directory / FILE_NAMES["json"], to_json_text(canonical_data(sealed), indent=2) + b"\n")}
    renderings = {
        "html": lambda: _utf8(render_html(sealed)),
        "markdown": lambda: _utf8(render_markdown(sealed)),
        "connect": lambda: _utf8(json.dumps(connect_entries(sealed), indent=2, ensure_ascii=False) + "\n"),
        "sarif": lambda: _utf8(json.dumps(render_sarif(sealed), indent=2, ensure_ascii=False) + "\n"),
        "junit": lambda: _utf8(render_junit(sealed)),
    }
    for kind, render in renderings.items():
        written[kind] = write_atomic(directory / FILE_NAMES[kind], render())
    return written
