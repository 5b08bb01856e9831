"""What building one app produced: the plain data the build checks and the preview stage read."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path

from certifier.sandbox.runner import ProcessResult, Workspace


class InstallProblem(str, enum.Enum):
    """Whose fault a failed install is: `environment` (registry, network, budget) means "could not decide"."""

    OK = "ok"
    CONNECTOR = "connector"
    ENVIRONMENT = "environment"


@dataclass(frozen=True)
class TestCounts:
    """Test results as the runner reported them; None where it does not say."""

    __test__ = False  # not a pytest test class, despite the name

    framework: str  # node:test | jest | vitest | mocha | surefire
    passed: int | None = None
    failed: int | None = None
    skipped: int | None = None
    total: int | None = None
    coverage_lines: float | None = None  # percent of lines covered, when a coverage summary was printed

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class InstallEgress:
    """Where the install could go (certifier.collect.build.egress): `registry-proxy` (the registry's hosts
    only) or `host-network` (and why)."""

    mode: str
    reason: str = ""
    allowed: tuple[str, ...] = ()  # "host:port" of the registries
    contacted: dict[str, int] = field(default_factory=dict)  # "host:port" -> connections
    refused: dict[str, str] = field(default_factory=dict)  # "host:port" -> why
    failed: dict[str, str] = field(default_factory=dict)  # registry hosts that could not be reached
    plugins_ignored: tuple[str, ...] = ()  # .yarnrc.yml files whose `plugins` were left out
    relay_failed: bool = False  # the way to the proxy could not be set up inside the namespace

    def as_dict(self) -> dict:
        data = {"mode": self.mode, "allowed": list(self.allowed), "contacted": dict(self.contacted),
                "refused": dict(self.refused)}
        if self.reason:
            data["reason"] = self.reason
        if self.failed:
            data["failed"] = dict(self.failed)
        if self.plugins_ignored:
            data["yarn_plugins_ignored"] = list(self.plugins_ignored)
        return data

    def summary(self) -> str:
        """One line for the install log (and so the report's log tail)."""
        if self.mode != "registry-proxy":
            return f"certifier egress: the install had the host's network ({self.reason})"
        contacted = ", ".join(f"{target} ({count})" for target, count in sorted(self.contacted.items())) or "none"
        refused = ", ".join(sorted(self.refused)) or "none"
        return (f"certifier egress: registry only ({', '.join(self.allowed)}); contacted: {contacted}; "
                f"refused: {refused}")


@dataclass(frozen=True)
class AppBuild:
    app: str
    kind: str  # node | java
    app_dir: Path  # where the app was installed and built in the workspace (start servers from here)
    workspace: Workspace  # the sandbox the build ran in; run the app in the same one
    package_manager: str | None  # npm | yarn | pnpm | maven
    lockfile: str | None  # repo-relative lockfile that governed the install, None without one
    install: ProcessResult | None = None
    egress: InstallEgress | None = None  # where the install could go, what it reached, what was refused
    scripts: ProcessResult | None = None  # the install scripts the install skipped, run offline afterwards
    offline_scripts: tuple[str, ...] = ()  # what `scripts` ran (e.g. "npm rebuild", "prepare")
    build: ProcessResult | None = None
    test: ProcessResult | None = None
    build_script: str | None = None  # gcp-build | build | None (nothing to build)
    test_script: bool = False  # package.json has a test script
    install_problem: InstallProblem = InstallProblem.OK
    install_reason: str = ""  # why the install failed, in one line
    tests: TestCounts | None = None
    notes: tuple[str, ...] = ()  # e.g. "no lockfile: npm install (not reproducible)"
    logs: dict[str, Path] = field(default_factory=dict)  # step -> full log file in the workspace

    @property
    def installed(self) -> bool:
        return self.install is not None and self.install.ok and (self.scripts is None or self.scripts.ok)

    @property
    def built(self) -> bool:
        """Installed, and the build script (when there is one) succeeded."""
        return self.installed and (self.build is None or self.build.ok)

    @property
    def ok(self) -> bool:
        """The app can be started from `app_dir`: Node installed and built (tests are judged by build.test);
        Java compiled by `mvn test`."""
        if self.kind == "java":
            return self.test is not None and self.install_problem is InstallProblem.OK
        return self.built

    @property
    def reason(self) -> str:
        """Why the app is not `ok` ('' when it is), in one line."""
        if self.ok:
            return ""
        if self.install_problem is not InstallProblem.OK:
            return f"install failed: {self.install_reason}"
        if self.install is None and self.test is None:
            return "; ".join(self.notes) or "the app was not built"
        if self.build is not None and not self.build.ok:
            return f"build script {self.build_script!r} failed ({self.build.killed_reason or f'exit code {self.build.exit_code}'})"
        return "the app was not built"
