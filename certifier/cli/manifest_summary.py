"""`certifier manifest DIR`: the specification stage alone, summarised (text or one JSON object).

It is the command of the pre-commit hook (.pre-commit-hooks.yaml), so it must start fast (at most 0.3 s for
one connector; benchmarks/manifest_hook.py measures it against the platform's own parser):

- it imports the specification checks only, never registry.load_all() (every check, with its scanners,
  builds and preview); a valid connect.yaml is proven by jsonschema-rs (connector/manifest/schema.py), and
  jsonschema, imported only for an invalid one, comes without the optional format libraries (connect.yaml's
  schema uses no `format`);
- pydantic's plugins (entry points of every installed package, scanned at the first model) are off in the
  hook's own process: the models are certifier's internal data, which no plugin has business observing;
- the cyclic garbage collector pauses while the command runs (~12 ms of collections while pydantic, ruamel
  and the checks are imported): what it allocates is bounded by connect.yaml's limits and freed at exit;
- it lists the files with one `git ls-files` (tracked and untracked, not ignored: what the source stage
  lists for a working tree) instead of the source stage's nine git calls, which also record commit, tree,
  tags and whether the tree is dirty, none of which the specification checks read; outside a git work tree
  it falls back to the source stage itself;
- it runs the checks one after another (the same results as the scheduler, merged the same way; a test
  holds them equal) instead of on a thread pool.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import click

# jsonschema imports these at its own import, when installed, for `format` checks that connect.yaml's schema
# never asks for (~35 ms). Left out only when jsonschema is not loaded yet: a process that loaded it keeps them.
# Nothing else on the manifest path imports them (tests/cli/test_manifest_hook.py).
_FORMAT_LIBRARIES = ("rfc3986_validator", "rfc3339_validator", "isoduration", "webcolors", "jsonpointer",
                     "uri_template", "idna", "fqdn", "rfc3987")
GIT_TIMEOUT_S = 30.0


@contextmanager
def _without_format_libraries() -> Iterator[None]:
    """While the manifest is checked, jsonschema (imported for an invalid manifest only) loads without them."""
    if "jsonschema" in sys.modules:
        yield
        return
    blocked = [name for name in _FORMAT_LIBRARIES if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # `import name` now fails fast: jsonschema skips it
    try:
        yield
    finally:
        for name in blocked:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]


def _without_pydantic_plugins() -> None:
    # only in a process that has not built a model yet (the hook's); a process that has keeps its plugins
    if "pydantic" not in sys.modules:
        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def specification_checks() -> list:
    """The specification stage's checks (CheckSpec), importing only their package (sorted by id, as
    load_all() orders them)."""
    import pkgutil

    import certifier.checks.specification as package
    from certifier.checks import registry
    from certifier.core.model import Stage

    for module in pkgutil.iter_modules(package.__path__, prefix=f"{package.__name__}."):
        importlib.import_module(module.name)
    # registry._REGISTRY holds every check imported so far; only the specification package was imported here
    return [spec for _, spec in sorted(registry._REGISTRY.items()) if spec.stage is Stage.SPECIFICATION]


def _git_listing(root: Path) -> list[str] | None:
    """Files under `root` as the source stage lists a working tree (tracked, and untracked unless ignored),
    with one git call; None when `root` is not in a git work tree or git is missing."""
    git = shutil.which("git")
    if git is None:
        return None
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C", "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_TERMINAL_PROMPT": "0", "HOME": os.devnull}
    try:
        done = subprocess.run([git, "-c", "core.fsmonitor=false", "ls-files", "-z", "--cached", "--others",
                               "--exclude-standard"], cwd=root, env=env, capture_output=True, timeout=GIT_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return sorted({os.fsdecode(path) for path in done.stdout.split(b"\0") if path})


def _checkout(directory: Path, workspace: Path):
    """The directory as a working-tree Checkout: one git listing, else the source stage's own fetch."""
    from certifier.source.checkout import Checkout
    from certifier.source.fetch import DEFAULT_MAX_BYTES, DEFAULT_MAX_FILES, fetch
    from certifier.source.tree import Bounds
    from certifier.source.worktree import classify_on_disk

    root = directory.absolute()
    paths = _git_listing(root) if root.is_dir() else None
    if paths is None:
        return fetch(str(directory), None, workspace)
    listing = classify_on_disk(root, paths, Bounds(max_bytes=DEFAULT_MAX_BYTES, max_files=DEFAULT_MAX_FILES))
    return Checkout(path=root, source=str(directory), working_tree=True, files=tuple(listing.files),
                    sizes=listing.sizes, symlinks=dict(sorted(listing.symlinks.items())),
                    note="working tree listed by git ls-files (manifest check)")


def run_specification(checkout) -> tuple:
    """(inventory, results): the specification checks on `checkout`, one after another, merged."""
    from certifier.checks.execute import run_everywhere
    from certifier.checks.merge import merged
    from certifier.collect.context import CheckContext, RunOptions
    from certifier.connector.inventory import take_inventory

    inventory = take_inventory(checkout)
    ctx = CheckContext(inventory, RunOptions())
    results = [result for spec in specification_checks() for result in run_everywhere(spec, ctx)]
    return inventory, merged(sorted(results, key=lambda r: r.sort_key))


def summarize_manifest(directory: Path) -> dict:
    """{manifest: {file, valid, ok, apps, counts}, findings: [...], results: [...]} for DIRECTORY as it is."""
    from certifier.connector.manifest import MANIFEST_FILE, manifest_validity
    from certifier.core.model import Severity

    with tempfile.TemporaryDirectory(prefix="certifier-manifest-") as workspace:
        inventory, results = run_specification(_checkout(directory, Path(workspace)))
    valid, _ = manifest_validity(inventory.manifest)
    findings = [_finding_row(r, f) for r in results for f in r.findings]
    apps = inventory.connector.apps if inventory.connector else ()
    return {
        "manifest": {
            "file": MANIFEST_FILE,
            "valid": valid,
            "ok": not _has_error(results),
            "apps": [{"name": a.name, "type": a.type, "folder_found": a.path is not None} for a in apps],
            "counts": {s.value: sum(1 for f in findings if f["severity"] == s.value) for s in Severity},
        },
        "findings": findings,
        "results": [{"check": r.check_id, "app": r.app, "outcome": r.outcome.value, "summary": r.summary}
                    for r in results],
    }


def manifest_and_print(directory: Path, fmt: str) -> int:
    """Print the summary; exit 0 when the manifest is ok, 1 when not (a bad source raises SourceError)."""
    _without_pydantic_plugins()
    from certifier.source.checkout import SourceError

    collecting = gc.isenabled()
    gc.disable()
    try:
        with _without_format_libraries():
            summary = summarize_manifest(directory)
    except SourceError as error:
        click.echo(f"certifier manifest: {error}", err=True)
        return error.exit_code
    finally:
        if collecting:
            gc.enable()
    if fmt == "json":
        click.echo(json.dumps(summary, indent=2, sort_keys=True))
        return 0 if summary["manifest"]["ok"] else 1
    state = "valid" if summary["manifest"]["valid"] else "INVALID"
    click.echo(f"{summary['manifest']['file']}: {state}")
    for f in summary["findings"]:
        where = f"{f['path']}:{f['line']}" if f.get("line") else f.get("path") or ""
        click.echo(f"  {f['severity']:<7} {where:<22} {f['message']}")
    for r in summary["results"]:
        if r["outcome"] == "error":  # could not run: the manifest is unproven, say why
            click.echo(f"  error   {r['check']}: could not run: {r['summary']}")
    return 0 if summary["manifest"]["ok"] else 1


def _has_error(results: list) -> bool:
    # a check that could not run leaves the manifest unproven, so it is not "ok" either
    return any(r.outcome.value in ("fail", "error") for r in results)


def _finding_row(result, finding) -> dict:
    location = finding.location
    return {
        "check": result.check_id,
        "app": result.app,
        "severity": finding.severity.value,
        "message": finding.message,
        "manifest_path": finding.manifest_path,
        "path": location.path if location else None,
        "line": location.line if location else None,
        "column": location.column if location else None,
        "rule": finding.rule,
        "fingerprint": finding.fingerprint,
    }
