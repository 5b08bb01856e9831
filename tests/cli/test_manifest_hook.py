"""The pre-commit hook: .pre-commit-hooks.yaml is valid for pre-commit, its entry runs in a connector repository
(exit 0 valid, 1 invalid, with the problem on stdout), and the fast manifest path gives exactly the results of
the full pipeline's specification stage (one git listing and one thread instead of the source stage's calls
and the scheduler)."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from pre_commit.clientlib import load_manifest

from certifier.checks.registry import load_all
from certifier.cli.manifest_summary import _checkout, run_specification, specification_checks
from certifier.collect.context import CheckContext, RunOptions
from certifier.connector.manifest import load_manifest as load_connect_yaml
from certifier.connector.manifest import schema
from certifier.connector.manifest.schema import schema_issues
from certifier.connector.inventory import take_inventory
from certifier.core.model import Stage
from certifier.core.paths import rules_dir
from certifier.engine.scheduler import run_stages
from certifier.source.fetch import fetch

REPO_ROOT = Path(__file__).resolve().parents[2]
HOOKS = REPO_ROOT / ".pre-commit-hooks.yaml"


def hook_command(args: list[str] | None) -> list[str]:
    """The hook's entry and args (its default args, or those of a .pre-commit-config.yaml, which replace
    them), with `certifier` as the console script of this environment."""
    (hook,) = yaml.safe_load(HOOKS.read_text())
    program, *rest = shlex.split(hook["entry"])
    assert program == "certifier"
    return [str(Path(sys.executable).parent / program), *rest, *(hook.get("args", []) if args is None else args)]


def run_hook(cwd: Path, args: list[str] | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CERTIFIER_DEBUG"}
    done = subprocess.run(hook_command(args), cwd=cwd, capture_output=True, text=True, env=env, timeout=60)
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    return done


def test_the_hooks_file_is_valid_for_pre_commit():
    (hook,) = load_manifest(str(HOOKS))
    assert hook["id"] == "certifier-manifest" and hook["language"] == "python"
    assert hook["pass_filenames"] is False and hook["always_run"] is True


@pytest.mark.slow
def test_the_entry_passes_a_valid_connector_and_blocks_a_broken_one(tagged_repo):
    good = run_hook(tagged_repo("minimal"))
    assert good.returncode == 0 and good.stdout.startswith("connect.yaml: valid"), good.stdout + good.stderr
    bad = run_hook(tagged_repo("spec-unknown-key"))
    assert bad.returncode == 1 and "connect.yaml: INVALID" in bad.stdout and "Unrecognized key" in bad.stdout


@pytest.mark.slow
def test_the_entry_checks_a_connector_in_a_subfolder_and_outside_git(tagged_repo, connector_copy, tmp_path):
    repo = tagged_repo("spec-missing-app-folder")
    moved = tmp_path / "mono"
    moved.mkdir()
    os.rename(repo, moved / "connector")
    subfolder = run_hook(moved, ["connector"])  # args: [connector] in .pre-commit-config.yaml
    assert subfolder.returncode == 1 and "connect.yaml" in subfolder.stdout
    plain = run_hook(connector_copy("minimal"))  # not a git repository: the source stage lists the files
    assert plain.returncode == 0, plain.stdout + plain.stderr


def _full_pipeline(directory: Path) -> list[tuple]:
    with tempfile.TemporaryDirectory() as workspace:
        inventory = take_inventory(fetch(str(directory), None, Path(workspace)))
        checks = [c for c in load_all().values() if c.stage is Stage.SPECIFICATION]
        plan = run_stages(checks, CheckContext(inventory, RunOptions()), {Stage.SPECIFICATION})
    return _comparable(plan.results)


def _fast_path(directory: Path) -> list[tuple]:
    with tempfile.TemporaryDirectory() as workspace:
        _, results = run_specification(_checkout(directory, Path(workspace)))
    return _comparable(results)


def _comparable(results) -> list[tuple]:
    return [(r.check_id, r.app, r.outcome.value, r.summary, tuple(f.model_dump_json() for f in r.findings))
            for r in results]


@pytest.mark.parametrize("name", ["minimal", "spec-unknown-key", "spec-missing-app-folder", "spec-app-folder-case",
                                  "spec-secret-in-standard", "spec-unclean-schedule", "spec-invalid-yaml"])
def test_the_fast_path_gives_the_results_of_the_full_pipeline(tagged_repo, name):
    repo = tagged_repo(name)
    (repo / "untracked-app").mkdir()
    (repo / "untracked-app" / "package.json").write_text('{"name": "untracked-app"}')
    (repo / ".gitignore").write_text("ignored-app/\n")
    (repo / "ignored-app").mkdir()
    (repo / "ignored-app" / "package.json").write_text('{"name": "ignored-app"}')
    assert _fast_path(repo) == _full_pipeline(repo)


def test_only_specification_checks_are_loaded_and_all_of_them():
    fast = [spec.id for spec in specification_checks()]
    assert fast == sorted(c.id for c in load_all().values() if c.stage is Stage.SPECIFICATION)
    assert fast and all(check_id.startswith("spec.") for check_id in fast)


def test_the_command_imports_no_other_stage():
    # what keeps the hook fast: neither the other stages' checks nor the scanners, builds, preview or reports
    code = ("import sys; sys.argv = ['certifier', 'manifest', sys.argv[1]]\n"
            "from certifier.cli.main import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "heavy = sorted(m for m in sys.modules if m.startswith(('certifier.checks.security', "
            "'certifier.checks.build', 'certifier.collect.preview', 'certifier.report', 'certifier.certify', "
            "'certifier.engine', 'git', 'rfc3986_validator', 'jsonschema.')))\n"
            "print(heavy)")
    done = subprocess.run([sys.executable, "-c", code, str(REPO_ROOT / "examples" / "goods-store")],
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout + done.stderr


# jsonschema-rs proves a valid connect.yaml (connector/manifest/schema.py); jsonschema still makes every finding.
# Its verdict must never be "valid" where jsonschema finds an error, or the hook would pass a broken manifest.
def _jsonschema_issues(data) -> list[str]:
    validator = schema._validator(rules_dir() / schema.SCHEMA_FILE)
    return sorted(repr(issue) for error in validator.iter_errors(data) for issue in schema._issues_of(error))


def _leaves(data, path=()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _leaves(value, (*path, index))
    yield path


def _replaced(data, path, value):
    copy = json.loads(json.dumps(data))
    if not path:
        return value
    parent = copy
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    return copy


_CANDIDATES = ["", " ", "x", "PORT", "k_service", "/a//b", "/ok", "@daily", "@every 5m", "0 0 * * *", "61 * * * *",
               "service", "unknown", 0, 1, -1, 1.0, 2.5, 10**6, True, None, [], {}, "a" * 300]


def _goods_store():
    return load_connect_yaml(REPO_ROOT / "examples" / "goods-store").data


def test_the_quick_schema_check_proves_the_example_valid():
    # the hook's speed rests on it: without jsonschema-rs (or with a guard too strict) jsonschema runs each time
    assert schema._surely_valid(rules_dir() / schema.SCHEMA_FILE, _goods_store())


@pytest.mark.parametrize("folder", sorted({p.parent for p in (REPO_ROOT / "tests" / "fixtures").rglob("connect.yaml")})
                         + [REPO_ROOT / "examples" / "goods-store"], ids=lambda p: p.name)
def test_schema_issues_are_jsonschema_s_on_every_fixture(folder):
    load = load_connect_yaml(folder)
    if load.parsed:
        assert sorted(repr(issue) for issue in schema_issues(load.data)) == _jsonschema_issues(load.data)


def test_the_quick_check_never_passes_what_jsonschema_rejects():
    data, path = _goods_store(), rules_dir() / schema.SCHEMA_FILE
    mutants = [_replaced(data, where, value) for where in _leaves(data) for value in _CANDIDATES]
    checked = 0
    for mutant in mutants:
        quick = schema._surely_valid(path, mutant)
        assert not quick or not _jsonschema_issues(mutant), mutant
        checked += quick
    assert checked > 100  # the quick check ran on many of them, not only fell back


@pytest.mark.parametrize("text", ["PORT\n", "k_service\n", "\x1c", "caf\u00e9", "\u0661\u0662", "a\tb"])
def test_text_outside_printable_ascii_goes_to_jsonschema(text):
    # where Python's re and an ECMA 262 engine may disagree ($ before a newline, Unicode \d \s), jsonschema decides
    data = _goods_store()
    for where in [p for p in _leaves(data) if p and isinstance(p[-1], str)][:20]:
        mutant = _replaced(data, where, text)
        assert not schema._surely_valid(rules_dir() / schema.SCHEMA_FILE, mutant)
        assert sorted(repr(issue) for issue in schema_issues(mutant)) == _jsonschema_issues(mutant)
