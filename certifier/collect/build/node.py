"""Build a Node app as the buildpack does: install from the lockfile, `gcp-build` or else `build`, then
`test` (only when the build succeeded), each as one command under the process runner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from certifier.collect.build.classify import classify_install
from certifier.collect.build.egress import install_channel
from certifier.collect.build.lifecycle import lifecycle_command
from certifier.collect.build.managers import PackageManager, detect
from certifier.collect.build.model import AppBuild, InstallEgress, InstallProblem
from certifier.collect.build.settings import BuildSettings
from certifier.collect.build.test_counts import parse_counts
from certifier.sandbox.runner import ProcessResult, Workspace, run

PACKAGE_JSON_LIMIT = 2 * 1024 * 1024
BUILD_SCRIPTS = ("gcp-build", "build")
NO_LOCKFILE = "no lockfile: installed with `npm install`, so the result is not reproducible"

LogStep = Callable[[str, ProcessResult], Path | None]


def build_node(app: str, workspace: Workspace, app_dir: Path, install_dir: Path, settings: BuildSettings,
               log_step: LogStep, lockfile_prefix: str) -> AppBuild:
    package = read_package(app_dir)
    scripts = package.get("scripts") if isinstance(package.get("scripts"), dict) else {}
    manager = detect(install_dir, read_package(install_dir) if install_dir != app_dir else package)
    build_script = next((name for name in BUILD_SCRIPTS if isinstance(scripts.get(name), str)), None)
    has_test = isinstance(scripts.get("test"), str)
    logs: dict[str, Path] = {}

    def step(name: str, argv: list[str], cwd: Path, channel=None, **access) -> ProcessResult:
        limits = settings.limits("install" if name == "scripts" else name)
        env = {**manager.env, **(channel.env() if channel else {})}
        result = run(channel.argv(argv) if channel else argv, cwd=cwd, workspace=workspace, env=env, limits=limits,
                     **access)
        result = channel.annotate(result, argv) if channel else result
        log = log_step(name, result)
        if log:
            logs[name] = log
        return result

    # the install writes the package cache and reaches the registry, and nothing else (an empty network
    # namespace whose only way out is the registry proxy): no script may run in it (issue 10); the
    # scripts it skipped run next, without any network
    with install_channel(workspace, install_dir, workspace.root / "src") as channel:
        install = step("install", manager.install(workspace.npm_cache), install_dir, channel,
                       network=channel.host_network, cache_writable=True)
        egress = channel.facts(install)
    scripts_argv, offline = lifecycle_command(manager, read_package(install_dir), install_dir,
                                               workspace.npm_cache)
    lifecycle = step("scripts", scripts_argv, install_dir) if install.ok and scripts_argv else None
    problem, reason = classify_egress(egress, install) or classify_install(install)
    if lifecycle is not None and not lifecycle.ok:
        problem, why = classify_install(lifecycle)
        reason = f"an install script failed, run offline ({', '.join(offline)}): {why}"
    installed = install.ok and (lifecycle is None or lifecycle.ok)
    build = step("build", manager.run_script(build_script), app_dir) if installed and build_script else None
    built = installed and (build is None or build.ok)
    test = step("test", manager.run_script("test"), app_dir) if built and has_test else None
    return AppBuild(
        app=app, kind="node", app_dir=app_dir, workspace=workspace, package_manager=manager.name,
        lockfile=f"{lockfile_prefix}{manager.lockfile}" if manager.lockfile else None,
        install=install, egress=egress, scripts=lifecycle, offline_scripts=offline if lifecycle else (), build=build, test=test,
        build_script=build_script, test_script=has_test,
        install_problem=problem, install_reason=reason,
        tests=parse_counts(test.stdout + "\n" + test.stderr) if test else None,
        notes=_notes(manager), logs=logs)


def classify_egress(egress: InstallEgress, install: ProcessResult) -> tuple[InstallProblem, str] | None:
    """A failed install that was refused a host outside the registry is the connector's (something in it
    points there); one whose relay did not start could not decide anything. None: classify the output."""
    if install.ok:
        return None
    if egress.relay_failed:
        return InstallProblem.ENVIRONMENT, "the install's way to the package registry could not be set up"
    if egress.refused:
        hosts = ", ".join(sorted(egress.refused)[:5]) + (" and more" if len(egress.refused) > 5 else "")
        return InstallProblem.CONNECTOR, (
            f"the install needs hosts outside the package registry, which were refused: {hosts} (a lockfile "
            "`resolved` URL, a git or tarball dependency, or a registry setting of the connector points there)")
    return None


def _notes(manager: PackageManager) -> tuple[str, ...]:
    notes = []
    if manager.lockfile is None:
        notes.append(NO_LOCKFILE)
    if manager.version:
        notes.append(f"{manager.name} {manager.version} through corepack")
    return tuple(notes)


def read_package(folder: Path) -> dict:
    """package.json of the copy as a dict ({} when absent or invalid: struct.package-json reports that)."""
    path = folder / "package.json"
    try:
        with open(path, "rb") as handle:
            data = json.loads(handle.read(PACKAGE_JSON_LIMIT).decode("utf-8", errors="replace"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def install_failed(build: AppBuild) -> bool:
    return build.install is not None and build.install_problem is not InstallProblem.OK
