#!/usr/bin/env python3
"""Step of action.yml: certify the tag with the installed `certifier`, then publish the results to
GitHub: SARIF file, job summary (summary.md), step outputs. Exits 0 whenever a decision was made
(the last step of the action fails the job on a negative one), non-zero when certifier could not run.

Reads INPUT_* (stage, path, tag, static-only, profile, output-dir) and the runner's GITHUB_* variables.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

STAGES = ("preview", "publish", "certification")


def main() -> int:
    env = os.environ
    workspace = Path(env["GITHUB_WORKSPACE"]).resolve()
    tag = env.get("INPUT_TAG") or (env.get("GITHUB_REF_NAME") if env.get("GITHUB_REF_TYPE", "tag") == "tag" else "")
    stage = env.get("INPUT_STAGE") or "preview"
    if not tag:
        return fail("no tag to certify: run the action on tag pushes (on: push: tags: [...]) or set the 'tag' input")
    if stage not in STAGES:
        return fail(f"stage {stage!r} is not one of {', '.join(STAGES)}")
    source = (workspace / (env.get("INPUT_PATH") or ".")).resolve()
    if source != workspace and workspace not in source.parents:
        return fail(f"path {env.get('INPUT_PATH')!r} is outside the workspace")
    out = Path(env.get("INPUT_OUTPUT_DIR") or Path(env.get("RUNNER_TEMP") or workspace) / "certifier-report")
    argv = ["certifier", "run", str(source), "--tag", tag, "--stage", stage, "--out", str(out)]
    if (env.get("INPUT_STATIC_ONLY") or "").lower() == "true":
        argv.append("--static-only")
    if env.get("INPUT_PROFILE"):
        argv += ["--profile", env["INPUT_PROFILE"]]
    code = subprocess.run(argv, check=False).returncode
    report_path = out / "report.json"
    if not report_path.is_file():
        write_outputs({"exit-code": str(code), "decision": "", "report-path": "", "sarif-path": ""})
        return fail(f"certifier wrote no report (exit code {code})", code or 2)
    publish(report_path, out, code)
    return 0


def publish(report_path: Path, out: Path, code: int) -> None:
    decision = json.loads(report_path.read_text(encoding="utf-8"))["decision"]
    sarif = sarif_file(report_path, out)
    summary = out / "summary.md"
    if summary.is_file() and os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as handle:
            handle.write(summary.read_text(encoding="utf-8").rstrip("\n") + "\n")
    write_outputs({"decision": decision["verdict"], "decision-kind": decision["kind"], "exit-code": str(code),
                   "report-path": str(report_path), "report-dir": str(out), "sarif-path": str(sarif or "")})
    print(f"certifier: {decision['verdict']} (exit code {code}); reports in {out}")


def sarif_file(report_path: Path, out: Path) -> Path | None:
    """report.sarif as written by certifier, else rendered by certifier's SARIF renderer, else None."""
    target = out / "report.sarif"
    if target.is_file():
        return target
    try:
        from certifier.report.canonical import load_report
        from certifier.report.sarif import render_sarif
    except ImportError:
        print("::notice title=certifier::this certifier version has no SARIF renderer; no code scanning upload")
        return None
    target.write_text(json.dumps(render_sarif(load_report(report_path)), ensure_ascii=False), encoding="utf-8")
    return target


def write_outputs(values: dict[str, str]) -> None:
    path = os.environ.get("GITHUB_OUTPUT")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as handle:
        for name, value in values.items():
            delimiter = f"ghadelimiter_{uuid.uuid4().hex}"  # a value can never end the heredoc early
            handle.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")


def fail(message: str, code: int = 2) -> int:
    print(f"::error title=certifier::{message}")
    return code


if __name__ == "__main__":
    sys.exit(main())
