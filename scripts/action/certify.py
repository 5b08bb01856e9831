#!/usr/bin/env python3
"""Step of action.yml: run certifier, then publish the results to GitHub: a SARIF file for code scanning
(paths relative to the repository root), the job summary (summary.md), the step outputs. Exits 0 whenever
a decision was made (the last step of the action fails the job on a negative one), non-zero when certifier
could not run.

Two modes (input `mode`, default `auto`: pull-request on pull_request events, tag otherwise):
- tag: certify the pushed tag (or the `tag` input): certifier clones it, so the report names the tag.
  certifier clones repositories, not folders: with `path:` set to a subfolder, the checked-out working tree
  is certified instead, after checking that it is exactly the tag's commit.
- pull-request: certify the checked-out head as a working tree.
In both, `baseline:` (an earlier report.json, or `last-tag`: the one baseline.sh downloaded) makes certifier
mark every finding new, unchanged, fixed or waived.

The job summary says how the connector's code was contained (the isolation the report records); with
`sandbox: required`, a run whose code ran without namespaces fails the step (sandbox.sh stops such a job
before certifier starts; this is the check on what really happened). SARIF rules link to the check catalogue
of the action's own repository and ref (CATALOGUE_SERVER, CATALOGUE_REPOSITORY, CATALOGUE_REF), unless the
workflow set CERTIFIER_CATALOGUE_URL itself.

Reads INPUT_* (stage, path, tag, mode, baseline, static-only, profile, output-dir, sandbox), BASELINE_FOUND,
CERTIFIER (the certifier executable installed by install.sh) and the runner's GITHUB_* / RUNNER_* variables.
Standard library only: it runs on the runner's Python, apart from certifier's environment.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

STAGES = ("preview", "publish", "certification")
# not pull_request_target: it runs with a write token and secrets, and must not check out a fork's head
PULL_REQUEST_EVENTS = ("pull_request", "merge_group")
CODE_SCANNING_SARIF = "certifier-code-scanning.sarif"
CATALOGUE_ENV = "CERTIFIER_CATALOGUE_URL"
REPOSITORY = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


class ActionError(Exception):
    """A problem with the action's inputs or the repository: reported as ::error, exit code 2."""


def main() -> int:
    env = os.environ
    try:
        workspace = Path(env["GITHUB_WORKSPACE"]).resolve()
        source = connector_dir(workspace, env.get("INPUT_PATH") or ".")
        out = Path(env.get("INPUT_OUTPUT_DIR") or Path(env.get("RUNNER_TEMP") or workspace) / "certifier-report")
        argv = certifier_argv(env, workspace, source, out)
    except ActionError as error:
        return fail(str(error))
    print("certifier: " + " ".join(argv[1:]), flush=True)
    code = subprocess.run(argv, env=certifier_env(env), check=False).returncode
    report_path = out / "report.json"
    if not report_path.is_file():
        write_outputs({"exit-code": str(code), "decision": "", "decision-kind": "", "report-path": "",
                       "report-dir": "", "sarif-path": ""})
        return fail(f"certifier wrote no report (exit code {code})", code or 2)
    isolation = publish(report_path, out, code, subfolder=source.relative_to(workspace).as_posix())
    return contained(env, isolation)


def certifier_env(env) -> dict[str, str]:
    """certifier's environment: the step's, with the catalogue of the action's own repository and ref."""
    result = dict(env)
    url = catalogue_url(env)
    if url and not env.get(CATALOGUE_ENV):  # a workflow's own setting wins
        result[CATALOGUE_ENV] = url
    return result


def catalogue_url(env) -> str:
    """docs/checks.md of the repository and ref the action runs from, or '' when the runner did not say
    (a local `uses: ./`): certifier then uses its packaged address."""
    server = (env.get("CATALOGUE_SERVER") or "").rstrip("/")
    repository, ref = env.get("CATALOGUE_REPOSITORY") or "", env.get("CATALOGUE_REF") or ""
    if not server.startswith(("https://", "http://")) or not REPOSITORY.match(repository) or not ref.strip():
        return ""
    return f"{server}/{repository}/blob/{quote(ref.strip(), safe='/')}/docs/checks.md"


def contained(env, isolation: dict | None) -> int:
    """0, or 1 when `sandbox: required` and connector code ran without namespaces."""
    wanted = (env.get("INPUT_SANDBOX") or "auto").strip().lower()
    if wanted != "required" or isolation is None or isolation.get("level") == "namespaces":
        return 0
    return fail(f"connector code ran without namespace isolation (level {isolation.get('level')}) and the "
                "sandbox input is 'required'", 1)


def connector_dir(workspace: Path, path: str) -> Path:
    source = (workspace / path).resolve()
    if source != workspace and workspace not in source.parents:
        raise ActionError(f"path {path!r} is outside the workspace")
    if not (source / "connect.yaml").is_file():
        raise ActionError(f"path {path!r} has no connect.yaml (set `path:` to the connector's folder)")
    return source


def certifier_argv(env, workspace: Path, source: Path, out: Path) -> list[str]:
    stage = env.get("INPUT_STAGE") or "preview"
    if stage not in STAGES:
        raise ActionError(f"stage {stage!r} is not one of {', '.join(STAGES)}")
    argv = [env.get("CERTIFIER") or "certifier", "run", str(source), "--stage", stage, "--out", str(out)]
    if mode(env) == "tag":
        tag = env.get("INPUT_TAG") or (env.get("GITHUB_REF_NAME") if env.get("GITHUB_REF_TYPE") == "tag" else "")
        if not tag:
            raise ActionError("no tag to certify: run the action on tag pushes (on: push: tags: [...]) or on "
                              "pull requests, or set the 'tag' input")
        argv += tag_args(workspace, source, tag)
    argv += baseline_args(env, workspace, argv[0])
    if (env.get("INPUT_STATIC_ONLY") or "").lower() == "true":
        argv.append("--static-only")
    if env.get("INPUT_PROFILE"):
        argv += ["--profile", env["INPUT_PROFILE"]]
    return argv


def mode(env) -> str:
    wanted = (env.get("INPUT_MODE") or "auto").strip().lower()
    if wanted not in ("auto", "tag", "pull-request"):
        raise ActionError(f"mode {wanted!r} is not one of auto, tag, pull-request")
    if wanted == "auto":  # an explicit `tag` input always certifies that tag
        pull_request = env.get("GITHUB_EVENT_NAME") in PULL_REQUEST_EVENTS and not env.get("INPUT_TAG")
        return "pull-request" if pull_request else "tag"
    return wanted


def tag_args(workspace: Path, source: Path, tag: str) -> list[str]:
    """`--tag TAG` for a connector at the repository root; for a subfolder, nothing (the working tree is
    certified) once git confirms that the checkout is exactly the tag's commit."""
    if source == workspace:
        return ["--tag", tag]
    head, tagged = git(workspace, "rev-parse", "HEAD"), git(workspace, "rev-parse", "--verify", "--quiet",
                                                            f"refs/tags/{tag}^{{commit}}")
    if not tagged:
        raise ActionError(f"tag {tag!r} is not in the checkout (actions/checkout with fetch-depth: 0 fetches tags)")
    if head != tagged:
        raise ActionError(f"the checkout ({head[:12]}) is not the tag {tag!r} ({tagged[:12]}): check out the tag "
                          "to certify a connector in a subfolder")
    print(f"::notice title=certifier::{source.relative_to(workspace)} is a subfolder: certifying the checked-out "
          f"working tree of tag {tag} ({tagged[:12]})")
    return []


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 else ""


def baseline_args(env, workspace: Path, certifier: str) -> list[str]:
    """`--baseline FILE` when a baseline report is given, exists, and this certifier knows the option.
    `last-tag`: the report baseline.sh downloaded (it said why when there is none)."""
    given = (env.get("INPUT_BASELINE") or "").strip()
    if given == "last-tag":
        given = (env.get("BASELINE_FOUND") or "").strip()
    if not given:
        return []
    path = (workspace / given).resolve()
    if not path.is_file():
        print(f"::notice title=certifier::no baseline report at {given}: the findings are not compared")
        return []
    done = subprocess.run([certifier, "run", "--help"], capture_output=True, text=True, check=False)
    if "--baseline" not in done.stdout:
        print("::notice title=certifier::this certifier version cannot compare with a baseline (no --baseline)")
        return []
    return ["--baseline", str(path)]


def publish(report_path: Path, out: Path, code: int, subfolder: str) -> dict | None:
    """Outputs and job summary from the report; returns the isolation it records (None: no code ran)."""
    report = json.loads(report_path.read_text(encoding="utf-8"))
    decision, isolation = report["decision"], (report.get("provenance") or {}).get("isolation")
    sarif = code_scanning_sarif(out, subfolder)
    summary = out / "summary.md"
    if os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as handle:
            if summary.is_file():
                handle.write(summary.read_text(encoding="utf-8").rstrip("\n") + "\n")
            handle.write("\n" + isolation_line(isolation) + "\n")
    write_outputs({"decision": decision["verdict"], "decision-kind": decision["kind"], "exit-code": str(code),
                   "report-path": str(report_path), "report-dir": str(out), "sarif-path": str(sarif or "")})
    print(f"certifier: {decision['verdict']} (exit code {code}); reports in {out}")
    print("certifier: " + isolation_line(isolation).replace("**", ""))
    return isolation


def isolation_line(isolation: dict | None) -> str:
    """One line for the job summary: how the connector's code was contained, from report.json."""
    if not isolation:
        return "**Connector code:** none ran (static stages only)."
    level = str(isolation.get("level", "unknown"))
    labels = {"tool": "", "limits": "limits ", "preview_network": "preview network "}
    details = "; ".join(f"{label}{isolation[name]}" for name, label in labels.items() if isolation.get(name))
    if level == "namespaces":
        return f"**Connector code isolation:** `{level}` ({details})."
    return (f"**Connector code isolation:** `{level}` ({details}): **no namespaces**, the connector's build and "
            "preview ran with the runner's own rights.")


def code_scanning_sarif(out: Path, subfolder: str) -> Path | None:
    """The SARIF to upload: report.sarif itself for a connector at the repository root; otherwise a copy
    in RUNNER_TEMP whose locations are relative to the repository root (code scanning resolves
    relative URIs against it). report.sarif stays as certifier sealed it in report.json."""
    source = out / "report.sarif"
    if not source.is_file():
        return None
    if subfolder in ("", "."):
        return source
    sarif = json.loads(source.read_text(encoding="utf-8"))
    for run in sarif.get("runs", []):
        prefix_locations(run, subfolder)
    target = Path(os.environ.get("RUNNER_TEMP") or out.parent) / CODE_SCANNING_SARIF
    target.write_text(json.dumps(sarif, ensure_ascii=False), encoding="utf-8")
    return target


def prefix_locations(node, subfolder: str) -> None:
    """Prefix every relative artifactLocation URI under `node` (results, related locations, code flows, the
    run's artifacts) with the connector's folder."""
    if isinstance(node, list):
        for item in node:
            prefix_locations(item, subfolder)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key == "artifactLocation" and isinstance(value, dict):
            value["uri"] = repository_relative(value.get("uri"), subfolder)
        elif key == "originalUriBaseIds":
            continue  # the base ids describe the roots, not locations
        else:
            prefix_locations(value, subfolder)
    if "location" in node and isinstance(node["location"], dict) and "uri" in node["location"]:  # run.artifacts[]
        node["location"]["uri"] = repository_relative(node["location"]["uri"], subfolder)


def repository_relative(uri, subfolder: str):
    if not isinstance(uri, str) or not uri or "://" in uri or uri.startswith("/") or uri.startswith("file:"):
        return uri  # absolute: code scanning relativizes it against the checkout itself
    return posixpath.normpath(posixpath.join(subfolder, uri))


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
