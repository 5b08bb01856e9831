"""The install scripts an install with scripts disabled skipped, run afterwards offline (issue 10)."""

from __future__ import annotations

import json

from certifier.collect.build.lifecycle import lifecycle_command
from certifier.collect.build.managers import detect


def _app(tmp_path, scripts: dict, lock: dict | None = None, lockfile: str = "package-lock.json", text: str = ""):
    package = {"name": "app", "version": "1.0.0", "scripts": scripts}
    (tmp_path / "package.json").write_text(json.dumps(package))
    (tmp_path / lockfile).write_text(text or json.dumps(lock or {"lockfileVersion": 3, "packages": {"": {}}}))
    return detect(tmp_path, package), package


def test_npm_without_install_scripts_runs_nothing_more(tmp_path):
    manager, package = _app(tmp_path, {"build": "tsc", "test": "node --test"})
    assert lifecycle_command(manager, package, tmp_path) == ([], ())


def test_npm_dependency_with_an_install_script_is_rebuilt_then_prepare_runs_alone(tmp_path):
    lock = {"lockfileVersion": 3, "packages": {"": {}, "node_modules/native": {"hasInstallScript": True}}}
    manager, package = _app(tmp_path, {"prepare": "husky install", "postprepare": "echo done"}, lock)
    argv, names = lifecycle_command(manager, package, tmp_path)
    assert argv[:2] == ["sh", "-c"]
    assert argv[2].splitlines() == ["set -e", "npm rebuild --foreground-scripts",
                                    "npm run --ignore-scripts prepare", "npm run --ignore-scripts postprepare"]
    assert names == ("npm rebuild", "prepare", "postprepare")


def test_npm_root_postinstall_alone_is_run_by_rebuild(tmp_path):
    manager, package = _app(tmp_path, {"postinstall": "node setup.js"})
    argv, names = lifecycle_command(manager, package, tmp_path)
    assert names == ("npm rebuild",) and "npm rebuild" in argv[2]


def test_yarn_classic_rebuilds_with_npm_and_runs_its_root_scripts(tmp_path):
    manager, package = _app(tmp_path, {"postinstall": "node setup.js"}, lockfile="yarn.lock",
                            text="# yarn lockfile v1\n")
    argv, names = lifecycle_command(manager, package, tmp_path)
    assert names == ("npm rebuild", "postinstall")
    assert "npm run --ignore-scripts postinstall" in argv[2]


def test_yarn_berry_rebuilds_and_runs_postinstall_with_yarn(tmp_path):
    manager, package = _app(tmp_path, {"postinstall": "node setup.js"}, lockfile="yarn.lock",
                            text="__metadata:\n  version: 8\n")
    argv, names = lifecycle_command(manager, package, tmp_path)
    assert names == ("yarn rebuild", "postinstall")
    assert argv[2].splitlines()[1:] == [f"corepack yarn@{manager.version} rebuild",
                                        f"corepack yarn@{manager.version} run postinstall"]
