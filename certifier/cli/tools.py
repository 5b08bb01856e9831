"""`certifier tools`: the external programs certifier runs, found or installed.

- `certifier tools install` puts the pinned scanners (tools-requirements.txt, shipped in the package) into a
  private venv (core.locate.tools_dir()), apart from certifier's own environment because semgrep pins its
  dependencies tightly. A venv installed from the same requirements is kept: re-running is a no-op, so a CI
  cache of that folder makes the step instant.
- `certifier tools` / `certifier tools doctor` says what is found, where, in which version, whether it matches
  the pin, and what is missing; it exits 1 when a required program is missing.

The versions shown are the ones every report records (engine.tool_versions).
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import venv
from dataclasses import asdict, dataclass
from pathlib import Path

import click
from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version

from certifier.core.locate import locate, tools_dir
from certifier.core.paths import tools_requirements

STAMP_FILE = "certifier-tools.json"  # in the tools venv: the digest of the requirements it was built from
VERSION = re.compile(r"\d+(?:\.\d+)+")


class ToolsError(click.ClickException):
    exit_code = 2  # certifier's "usage or input error": nothing was certified


@dataclass(frozen=True)
class Program:
    name: str
    purpose: str
    needed_for: str  # "all" (always required), "code" (build and preview stages) or "" (optional)


PROGRAMS = (
    Program("semgrep", "code scanner of the security stage", "all"),
    Program("detect-secrets", "secret scanner of the security stage", "all"),
    Program("bandit", "Python scanner of the security stage", "all"),
    Program("git", "fetches the connector at its tag", "all"),
    Program("node", "runs the connector's apps (build and preview stages)", "code"),
    Program("npm", "installs and builds the connector's apps (build and preview stages)", "code"),
    Program("bwrap", "namespaces for connector code (docs/sandbox.md); without it code runs less isolated", ""),
)


@dataclass(frozen=True)
class Status:
    name: str
    purpose: str
    required: bool
    path: str | None
    version: str | None
    pinned: str | None  # the requirement of tools-requirements.txt, e.g. "semgrep==1.182.0"
    matches_pin: bool | None  # None: not pinned, or not found

    @property
    def state(self) -> str:
        if self.path is None:
            return "MISSING" if self.required else "missing (optional)"
        if self.matches_pin is False:
            return "WRONG VERSION"
        return "ok"


@click.group(name="tools", invoke_without_command=True)
@click.pass_context
def tools(ctx: click.Context) -> None:
    """The external programs certifier needs: `install` the pinned scanners, `doctor` checks them all."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(doctor)


@tools.command()
@click.option("--static-only", is_flag=True, help="Only what `certifier run --static-only` needs (no node, npm).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def doctor(static_only: bool, fmt: str) -> None:
    """Say which programs are found, where, in which version and whether it matches the pin. Exit 1 when a
    required one is missing."""
    statuses = survey(static_only)
    missing = [s.name for s in statuses if s.required and s.path is None]
    if fmt == "json":
        click.echo(json.dumps({"tools_dir": str(tools_dir()), "requirements": str(tools_requirements()),
                               "missing": missing, "tools": [{**asdict(s), "state": s.state} for s in statuses]},
                              indent=2))
    else:
        _print_table(statuses, missing)
    sys.exit(1 if missing else 0)


@tools.command()
@click.option("--dir", "target", type=click.Path(file_okay=False, path_type=Path),
              help="Venv to install into (default: $CERTIFIER_TOOLS_DIR, else ~/.local/share/certifier/tools).")
@click.option("--requirements", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Another requirements file (e.g. a mirror's pins); default: the tools-requirements.txt shipped.")
@click.option("--force", is_flag=True, help="Rebuild the venv even when it is up to date.")
def install(target: Path | None, requirements: Path | None, force: bool) -> None:
    """Install the pinned scanners (semgrep, detect-secrets, bandit) into certifier's private tools venv."""
    target = (target or tools_dir()).expanduser().absolute()
    requirements = requirements or tools_requirements()
    if not requirements.is_file():
        raise ToolsError(f"the pinned requirements are missing: {requirements} (a broken installation)")
    pins = requirements.read_bytes()
    digest = hashlib.sha256(pins).hexdigest()
    if not force and _up_to_date(target, digest):
        click.echo(f"certifier tools: {target} is up to date with {requirements.name}")
        return
    _create_venv(target)
    click.echo(f"certifier tools: installing {', '.join(_pinned_lines(pins))} into {target}", err=True)
    done = subprocess.run([str(target / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-input",
                           "--disable-pip-version-check", "-r", str(requirements)], check=False)
    if done.returncode != 0:
        raise ToolsError(f"pip could not install {requirements} into {target} "
                                   f"(exit code {done.returncode}); see pip's message above")
    (target / STAMP_FILE).write_text(json.dumps({"requirements_sha256": digest}) + "\n", encoding="utf-8")
    click.echo(f"certifier tools: installed into {target}")


def survey(static_only: bool = False) -> list[Status]:
    """The state of every program certifier may run."""
    from certifier.engine.tool_versions import tool_versions

    pins = _pins()
    recorded = tool_versions()  # the same version strings a report records
    statuses = []
    for program in PROGRAMS:
        path = locate(program.name)
        version = recorded.get(program.name) if program.name in recorded else _version_of(path)
        version = version if path is not None else None
        pin = pins.get(program.name)
        statuses.append(Status(
            name=program.name, purpose=program.purpose,
            required=program.needed_for == "all" or (program.needed_for == "code" and not static_only),
            path=str(path) if path else None, version=version, pinned=str(pin) if pin else None,
            matches_pin=_matches(pin, version) if pin and path else None))
    return statuses


def _pins() -> dict[str, Requirement]:
    """tools-requirements.txt as requirements by name (comments and blank lines skipped)."""
    pins = {}
    for line in _pinned_lines(tools_requirements().read_bytes()):
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue  # pip reports it when installing; the doctor still shows the programs
        pins[requirement.name.lower()] = requirement
    return pins


def _pinned_lines(pins: bytes) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in pins.decode("utf-8", "replace").splitlines())
    return [line for line in lines if line]


def _matches(pin: Requirement, version_line: str | None) -> bool:
    found = VERSION.search(version_line or "")
    try:
        return bool(found) and pin.specifier.contains(Version(found.group(0)), prereleases=True)
    except InvalidVersion:
        return False


def _version_of(path: Path | None) -> str | None:
    """First line of `PROGRAM --version`, for programs the report does not record (bwrap)."""
    if path is None:
        return None
    try:
        done = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"unknown ({type(error).__name__})"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0][:200] if lines else "unknown"


def _up_to_date(target: Path, digest: str) -> bool:
    try:
        stamp = json.loads((target / STAMP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(stamp, dict) and stamp.get("requirements_sha256") == digest and (target / "bin" / "python").exists()


def _create_venv(target: Path) -> None:
    """A fresh venv at `target`; an existing folder is replaced only when it is a venv (or empty)."""
    if target.exists() and any(target.iterdir()) and not (target / "pyvenv.cfg").is_file():
        raise ToolsError(f"{target} exists and is not a virtual environment: refusing to replace it")
    try:
        venv.EnvBuilder(with_pip=True, clear=True, symlinks=True).create(target)
    except (OSError, subprocess.CalledProcessError) as error:
        raise ToolsError(f"cannot create a virtual environment at {target}: {error}") from error


def _print_table(statuses: list[Status], missing: list[str]) -> None:
    click.echo(f"tools venv: {tools_dir()}  (pins: {tools_requirements()})")
    for status in statuses:
        pin = f"  pin {status.pinned}" if status.pinned else ""
        where = status.path or "-"
        click.echo(f"  {status.state:<18} {status.name:<15} {status.version or '-':<32} {where}{pin}")
        if status.path is None or status.matches_pin is False:
            click.echo(f"  {'':<18} {'':<15} needed for: {status.purpose}")
    pinned = _pins()  # read once, not once per missing program
    scanners = [name for name in missing if name in pinned]
    system = [name for name in missing if name not in scanners]
    if scanners:
        click.echo(f"missing: {', '.join(scanners)}: run `certifier tools install`", err=True)
    if system:
        click.echo(f"missing: {', '.join(system)}: install with the system's package manager (Node 20 for node, npm)",
                   err=True)
