"""build.install names the install scripts that ran offline after an install without scripts (issue 10)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from certifier.checks.build import install as install_check
from certifier.collect.build.model import AppBuild
from certifier.sandbox.types import ProcessResult

INSTALL = ProcessResult(argv=("npm", "ci", "--ignore-scripts"), exit_code=0, timed_out=False, duration_s=2.5,
                        stdout="", stderr="", output_truncated=False, killed_reason=None)


@pytest.mark.parametrize("names, packages, said", [
    ((), (), ""),
    ((), ("esbuild",), ""),
    (("npm rebuild", "prepare"), ("esbuild",),
     "scripts run offline after an install without scripts: npm rebuild (install scripts of esbuild), prepare"),
    (("npm rebuild",), (), "scripts run offline after an install without scripts: npm rebuild"),
    (("pnpm rebuild", "postinstall"), ("a", "b", "c", "d", "e", "f", "g"),
     "scripts run offline after an install without scripts: pnpm rebuild (install scripts of a, b, c, d, e and "
     "2 more), postinstall"),
    (("prepare",), ("esbuild",), "scripts run offline after an install without scripts: prepare"),
])
def test_offline_scripts_are_named(names, packages, said):
    assert install_check.offline_scripts(names, packages) == said


def build_of(tmp_path: Path, offline: tuple[str, ...], lockfile: str | None) -> AppBuild:
    return AppBuild(app="api", kind="node", app_dir=tmp_path, workspace=None, package_manager="npm",
                    lockfile=lockfile, install=INSTALL, offline_scripts=offline)


@pytest.mark.parametrize("offline, lock, message_end, listed", [
    (("npm rebuild", "prepare"),
     {"packages": {"": {"name": "api"}, "node_modules/esbuild": {"hasInstallScript": True},
                   "node_modules/x/node_modules/@scope/sharp": {"hasInstallScript": True},
                   "node_modules/plain": {"version": "1.0.0"}}},
     "in 2.5 s; scripts run offline after an install without scripts: npm rebuild (install scripts of "
     "@scope/sharp, esbuild), prepare", ["npm rebuild", "prepare"]),
    (("npm rebuild",), "{not json", "; scripts run offline after an install without scripts: npm rebuild",
     ["npm rebuild"]),
    ((), {"packages": {"node_modules/esbuild": {"hasInstallScript": True}}}, "installed the dependencies in 2.5 s",
     None),
])
def test_the_install_result_says_which_scripts_ran_offline(tmp_path, monkeypatch, offline, lock, message_end, listed):
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "package-lock.json").write_text(lock if isinstance(lock, str) else json.dumps(lock))
    build = build_of(tmp_path, offline, "api/package-lock.json")
    monkeypatch.setattr(install_check, "node_build", lambda ctx: build)
    [finding] = list(install_check.install(SimpleNamespace(root=tmp_path)))
    assert finding.rule == "installed" and finding.message.endswith(message_end), finding.message
    assert finding.properties.get("offline_scripts") == listed
