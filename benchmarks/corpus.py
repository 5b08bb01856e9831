"""Corpus of real connectors (issue 9, part 6): `python -m benchmarks.corpus` (or `make corpus`).

For every connector of benchmarks/corpus.yaml: find a local copy in the corpus directory (--corpus-dir or
CORPUS_DIR; `<dir>/<owner>+<name>`, `<dir>/<name>` or `<dir>/<name>.git`, bare or not, also the `repo/`
inside a mirror folder such as /work/.mirror/owner+name/repo), else clone from its URL; certify it with

    certifier run SRC --tag TAG --stage publish --static-only --out OUT --format json

and write one Markdown page (default docs/corpus.md): verdict, exit code and wall time per connector,
then every blocking finding with its reviewed judgement from benchmarks/corpus-judgements.yaml
(fingerprint -> verdict: true-positive | false-positive, why), "unreviewed" when there is none, and the
checks that could not run.

The certifier is run as a subprocess through its console script in the bin directory of this Python:
the table measures the CLI a marketplace runs, and it does not depend on the package's internal layout.
A connector whose copy is missing and whose URL cannot be reached is reported as "unreachable"; one
connector never stops the others.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "benchmarks" / "corpus.yaml"
JUDGEMENTS = ROOT / "benchmarks" / "corpus-judgements.yaml"
RUN_TIMEOUT_S = 3600  # the largest connector takes about a minute; an hour means the run hangs
REMOTE_TIMEOUT_S = 60
MESSAGE_CHARS = 180
# every URL is public: a credential prompt could only hang the run
GIT_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "true"}


@dataclass(frozen=True)
class Entry:
    name: str
    url: str
    tag: str
    why: str
    subdirs: tuple[str, ...] = ()


@dataclass
class Row:
    label: str
    tag: str
    verdict: str
    exit_code: int | None = None
    seconds: float | None = None
    commit: str = ""
    blocking: list[dict] = field(default_factory=list)
    review: list[dict] = field(default_factory=list)  # needs-review verdicts (a certification reviewer's queue)
    errors: list[dict] = field(default_factory=list)
    note: str = ""
    versions: str = ""  # certifier, rules and tool versions: a table is only comparable with the same ones


class Unavailable(Exception):
    """The connector cannot be certified here (no copy, unreachable URL, missing tag): a row, not a crash."""


# --- data files ---------------------------------------------------------------------------------------

def load_yaml(path: Path):
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def load_corpus(path: Path) -> list[Entry]:
    data = load_yaml(path) or {}
    entries = [Entry(name=str(item["name"]), url=str(item["url"]), tag=str(item["tag"]),
                     why=str(item.get("why", "")), subdirs=tuple(item.get("subdirs") or ()))
               for item in data.get("connectors") or []]
    names = [e.name for e in entries]
    if len(names) != len(set(names)):
        raise SystemExit(f"{path}: connector names must be unique")
    return entries


def load_judgements(path: Path) -> dict[str, dict]:
    """fingerprint -> {verdict, why}; a missing file means nothing is reviewed yet."""
    if not path.is_file():
        return {}
    data = load_yaml(path) or {}
    return {str(fp): dict(j or {}) for fp, j in (data.get("judgements") or {}).items()}


# --- sources ------------------------------------------------------------------------------------------

def git(*args: str, cwd: Path | None = None, timeout: float = REMOTE_TIMEOUT_S,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **GIT_ENV, **(env or {})}
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def is_repository(path: Path) -> bool:
    """A working tree (has .git) or a bare repository (HEAD and objects/ at its top)."""
    return (path / ".git").exists() or ((path / "HEAD").is_file() and (path / "objects").is_dir())


def owner_and_name(url: str) -> tuple[str, str]:
    parts = url.rstrip("/").removesuffix(".git").split("/")
    return parts[-2], parts[-1]


def find_local(entry: Entry, corpus_dir: Path | None) -> Path | None:
    if corpus_dir is None:
        return None
    owner, name = owner_and_name(entry.url)
    for folder in (f"{owner}+{name}", name, f"{name}.git", entry.name):
        for candidate in (corpus_dir / folder, corpus_dir / folder / "repo"):
            if candidate.is_dir() and is_repository(candidate):
                return candidate
    return None


def has_tag(repo: Path, tag: str) -> bool:
    return git("rev-parse", "--verify", "--quiet", f"refs/tags/{tag}^{{commit}}", cwd=repo).returncode == 0


def check_remote(url: str, tag: str) -> None:
    """Raise Unavailable unless the URL answers and has the tag (machines without network say so fast)."""
    try:
        done = git("ls-remote", "--tags", url, f"refs/tags/{tag}")
    except subprocess.TimeoutExpired:
        raise Unavailable(f"unreachable: no answer from {url} in {REMOTE_TIMEOUT_S} s") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["git ls-remote failed"])[-1]
        raise Unavailable(f"unreachable: {last[:200]}")
    if not done.stdout.strip():
        raise Unavailable(f"tag {tag} not found at {url}")


def locate_source(entry: Entry, corpus_dir: Path | None, work: Path) -> str:
    """A local repository path, or the URL once it is known to answer (the certifier clones it itself)."""
    local = find_local(entry, corpus_dir)
    if local is not None:
        if not has_tag(local, entry.tag):
            raise Unavailable(f"tag {entry.tag} not found in {local}")
        return str(local)
    check_remote(entry.url, entry.tag)
    if not entry.subdirs:
        return entry.url
    # a template folder is cut out of the repository locally, so the repository is needed here
    mirror = work / "clones" / entry.name
    done = git("clone", "--quiet", "--bare", entry.url, str(mirror), timeout=RUN_TIMEOUT_S)
    if done.returncode != 0:
        raise Unavailable(f"unreachable: clone failed: {done.stderr.strip()[-200:]}")
    return str(mirror)


def platform_tag(tag: str) -> str:
    """A platform tag must start with a letter or digit: `@scope/pkg@1.0` -> `scope/pkg@1.0`."""
    return re.sub(r"^[^A-Za-z0-9]+", "", tag)


def subdir_repository(source: str, tag: str, subdir: str, dest: Path) -> tuple[Path, str]:
    """A one-commit repository of `subdir` at `tag`: certifier wants connect.yaml at a repository's root."""
    archive = subprocess.run(["git", "archive", "--format=tar", f"{tag}:{subdir}"], cwd=source,
                             env={**os.environ, **GIT_ENV}, capture_output=True, timeout=RUN_TIMEOUT_S)
    if archive.returncode != 0:
        raise Unavailable(f"{subdir} not found at {tag}: {archive.stderr.decode(errors='replace')[-200:]}")
    dest.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        # the "data" filter (Python >= 3.11.4) refuses absolute paths and links out of dest
        tar.extractall(dest, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    new_tag = platform_tag(tag)
    identity = ["-c", "user.name=benchmarks.corpus", "-c", "user.email=corpus@example.invalid"]
    # the tagged commit's date makes the commit id the same on every run, so the table does not churn
    date = git("log", "-1", "--format=%cI", f"{tag}^{{commit}}", cwd=Path(source)).stdout.strip()
    dated = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date} if date else {}
    for args in (["init", "-q"], ["add", "-A", "-f", "."], [*identity, "commit", "-q", "-m", f"{subdir} at {tag}"],
                 ["tag", new_tag]):
        done = git(*args, cwd=dest, env=dated)
        if done.returncode != 0:
            raise Unavailable(f"could not build the {subdir} repository: {done.stderr.strip()[-200:]}")
    return dest, new_tag


# --- certifier runs -----------------------------------------------------------------------------------

def certifier_cli() -> Path:
    """The `certifier` console script next to this Python (sys.executable is not resolved: a venv's bin)."""
    cli = Path(sys.executable).parent / "certifier"
    if not cli.is_file():
        raise SystemExit(f"no certifier console script at {cli}: install the package in this environment")
    return cli


def run_certifier(source: str, tag: str, out: Path, no_cache: bool) -> tuple[int | None, float, dict | None, str]:
    """(exit code or None on timeout, wall seconds, report.json or None, end of stderr)."""
    argv = [str(certifier_cli()), "run", source, "--tag", tag, "--stage", "publish", "--static-only",
            "--out", str(out), "--format", "json", *(["--no-cache"] if no_cache else [])]
    started = time.perf_counter()
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return None, time.perf_counter() - started, None, f"no result after {RUN_TIMEOUT_S} s"
    seconds = time.perf_counter() - started
    return done.returncode, seconds, read_report(out / "report.json", done.stdout), done.stderr[-500:]


def read_report(path: Path, stdout: str) -> dict | None:
    # report.json is authoritative; stdout carries the same report when the run stopped before writing it
    for text in (path.read_text(encoding="utf-8") if path.is_file() else "", stdout):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            continue
    return None


def findings_with_status(report: dict, status: str) -> list[dict]:
    """Findings whose sealed verdict (decision.findings) has `status`: exactly what the policy decided."""
    by_print = {f["fingerprint"]: (result, f) for result in report.get("results") or []
                for f in result.get("findings") or []}
    found = []
    for verdict in (report.get("decision") or {}).get("findings") or []:
        if verdict.get("status") != status or verdict.get("fingerprint") not in by_print:
            continue
        result, finding = by_print[verdict["fingerprint"]]
        found.append({"check_id": result["check_id"], "app": result.get("app"), "rule": finding.get("rule"),
                      "fingerprint": verdict["fingerprint"], "location": location(finding),
                      "message": finding["message"], "decided_by": verdict.get("rule"),
                      "confidence": finding.get("confidence") or ""})
    return found


def location(finding: dict) -> str:
    where = finding.get("location") or {}
    path, line = where.get("path") or "", where.get("line")
    return f"{path}:{line}" if line else path


def failed_checks(report: dict) -> list[dict]:
    """Results with outcome `error`, and whether one of them left the decision undecided."""
    steps = (report.get("decision") or {}).get("trace") or []
    undecided = {(s.get("check_id"), s.get("app")) for s in steps
                 if s.get("effect") == "undecided" and not s.get("fingerprints")}
    return [{"check_id": r["check_id"], "app": r.get("app"), "summary": r.get("summary") or "",
             "gates": (r["check_id"], r.get("app")) in undecided}
            for r in report.get("results") or [] if r.get("outcome") == "error"]


def certify(label: str, source: str, tag: str, reports: Path, no_cache: bool) -> Row:
    out = reports / re.sub(r"[^A-Za-z0-9._-]+", "-", label)
    shutil.rmtree(out, ignore_errors=True)  # a stale report.json must never stand in for this run's
    code, seconds, report, stderr = run_certifier(source, tag, out, no_cache)
    if report is None:
        return Row(label, tag, "no report" if code is not None else "timeout", code, seconds, note=stderr.strip())
    decision = report.get("decision") or {}
    return Row(label, tag, decision.get("verdict") or decision.get("kind") or "?", code, seconds,
               commit=(report.get("provenance") or {}).get("commit") or "",
               blocking=findings_with_status(report, "blocks"), review=findings_with_status(report, "needs-review"),
               errors=failed_checks(report),
               note=report.get("aborted") or "", versions=versions(report))


def versions(report: dict) -> str:
    tools = report.get("tools") or {}
    named = ", ".join(tools[name] if str(tools[name]).startswith(name) else f"{name} {tools[name]}"
                      for name in ("semgrep", "detect-secrets", "bandit", "advisory-db") if name in tools)
    return (f"certifier {report.get('certifier_version', '?')}, rules {str(report.get('rules_digest', '?'))[:12]}"
            + (f", {named}" if named else ""))


def certify_entry(entry: Entry, corpus_dir: Path | None, work: Path, reports: Path, no_cache: bool) -> list[Row]:
    labels = [f"{entry.name}:{sub}" for sub in entry.subdirs] or [entry.name]
    try:
        source = locate_source(entry, corpus_dir, work)
    except Unavailable as why:
        return [Row(label, entry.tag, "unreachable" if str(why).startswith("unreachable") else "unavailable",
                    note=str(why)) for label in labels]
    if not entry.subdirs:
        return [certify(entry.name, source, entry.tag, reports, no_cache)]
    rows = []
    for sub, label in zip(entry.subdirs, labels):
        try:
            repo, tag = subdir_repository(source, entry.tag, sub, work / "subdirs" / label.replace("/", "-"))
        except Unavailable as why:
            rows.append(Row(label, entry.tag, "unavailable", note=str(why)))
            continue
        rows.append(certify(label, str(repo), tag, reports, no_cache))
    return rows


# --- Markdown -----------------------------------------------------------------------------------------

def cell(text: object, limit: int = MESSAGE_CHARS) -> str:
    flat = " ".join(str(text).split())
    flat = flat if len(flat) <= limit else flat[: limit - 1] + "…"
    return flat.replace("|", "\\|")


def judgement(print_: str, judgements: dict[str, dict]) -> str:
    found = judgements.get(print_)
    if not found:
        return "unreviewed"
    return cell(f"{found.get('verdict', '?')}: {found.get('why', '')}", 240)


def static_gates(row: Row) -> str:
    if row.exit_code is None or row.verdict in ("no report", "timeout"):
        return "-"
    if row.blocking:
        return "blocked"
    return "undecided" if any(e["gates"] for e in row.errors) else "pass"


def render(rows: list[Row], entries: list[Entry], judgements: dict[str, dict], cold: bool) -> str:
    why = {e.name: e for e in entries}
    lines = [
        "# Corpus of real connectors",
        "",
        "Generated by `python -m benchmarks.corpus` (`make corpus`) from `benchmarks/corpus.yaml`; do not edit by "
        "hand. Each connector is certified at its tag for **publish** with `--static-only` (no connector code "
        "runs), so no verdict can be positive: without the build and preview stages the best one is *Could not "
        "decide* (exit 3), and *Publish failed* (exit 1) means a blocking finding. Judgements of the findings "
        "come from `benchmarks/corpus-judgements.yaml` (by fingerprint).",
        "",
        f"Measured {time.strftime('%Y-%m-%d', time.gmtime())} with "
        f"{next((r.versions for r in rows if r.versions), 'no completed run')}. Seconds: wall time of the "
        + ("`certifier run` subprocess, cold (`--no-cache`)." if cold else
           "`certifier run` subprocess; runs may have reused cached results (cold timings: `--no-cache`)."),
        "",
        "`static gates`: what the static stages alone decide: *blocked* (a blocking finding), *undecided* (a "
        "gating check could not run) or *pass* (nothing blocks; build and preview were not run).",
        "",
        "| connector | tag | commit | verdict | static gates | exit | seconds | blocking | needs review | could not run | note |",
        "|---|---|---|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        seconds = f"{row.seconds:.1f}" if row.seconds is not None else "-"
        code = "-" if row.exit_code is None else str(row.exit_code)
        lines.append(f"| {cell(row.label)} | `{cell(row.tag)}` | {row.commit[:10]} | {cell(row.verdict)} | "
                     f"{static_gates(row)} | {code} | {seconds} | {len(row.blocking)} | {len(row.review)} | "
                     f"{len(row.errors)} | {cell(row.note, 200)} |")
    lines += ["", "## Blocking findings", "",
              "| connector | check | app | location | message | fingerprint | judgement |",
              "|---|---|---|---|---|---|---|"]
    for row in rows:
        for f in row.blocking:
            check = f["check_id"] + (f" ({f['rule']})" if f.get("rule") else "") + f", {f['decided_by']}"
            lines.append(f"| {cell(row.label)} | {cell(check)} | {cell(f['app'] or '')} | `{cell(f['location'])}` | "
                         f"{cell(f['message'])} | `{f['fingerprint']}` | {judgement(f['fingerprint'], judgements)} |")
    if not any(row.blocking for row in rows):
        lines.append("| (none) | | | | | | |")
    lines += ["", "## Checks that could not run", "",
              "`gates`: the error left the decision undecided (a gating check); otherwise it is reported only.", "",
              "| connector | check | app | gates | reason |", "|---|---|---|---|---|"]
    for row in rows:
        for e in row.errors:
            lines.append(f"| {cell(row.label)} | {e['check_id']} | {cell(e['app'] or '')} | "
                         f"{'yes' if e['gates'] else 'no'} | {cell(e['summary'], 240)} |")
    if not any(row.errors for row in rows):
        lines.append("| (none) | | | | |")
    lines += ["", "## What each connector exercises", ""]
    lines += [f"- **{e.name}** ({e.url}): {e.why}" for e in why.values()]
    return "\n".join(lines) + "\n"


# --- command line -------------------------------------------------------------------------------------

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.corpus", description=__doc__.split("\n")[0])
    parser.add_argument("--corpus-dir", type=Path, default=os.environ.get("CORPUS_DIR") or None,
                        help="folder of local clones or mirrors (default: $CORPUS_DIR); else the URLs are tried")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "corpus.md", help="Markdown page to write")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="certify only this connector (repeatable)")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="corpus file (default: benchmarks/corpus.yaml)")
    parser.add_argument("--judgements", type=Path, default=JUDGEMENTS, help="reviewed judgements by fingerprint")
    parser.add_argument("--reports", type=Path, default=ROOT / "build" / "corpus",
                        help="where each run's reports go (one folder per connector)")
    parser.add_argument("--no-cache", action="store_true", help="pass --no-cache to every run (cold timings)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    entries = load_corpus(args.corpus)
    unknown = set(args.only) - {e.name for e in entries}
    if unknown:
        raise SystemExit(f"not in {args.corpus}: {', '.join(sorted(unknown))}")
    chosen = [e for e in entries if not args.only or e.name in args.only]
    certifier_cli()  # fail before the first run, not in every row
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="corpus-") as scratch:
        for entry in chosen:
            for row in certify_entry(entry, args.corpus_dir, Path(scratch), args.reports, args.no_cache):
                print(f"{row.label}: {row.verdict} (exit {row.exit_code}, {len(row.blocking)} blocking)",
                      file=sys.stderr)
                rows.append(row)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render(rows, chosen, load_judgements(args.judgements), args.no_cache), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
