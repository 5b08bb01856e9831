"""The commercetools API emulator (@labdigital/commercetools-mock, pinned) as a loopback server.

The npm package ships inside certifier (emulator/package.json + package-lock.json + server.mjs) and is
installed on first use into a cache keyed by the digest of those files:
`$CERTIFIER_CACHE_DIR/emulator/<digest>/` (default `~/.cache/certifier/emulator/<digest>/`). The server
binds 127.0.0.1 only and runs through the process runner like every other program of a preview, on the
preview's network (certifier.collect.preview.network: a private namespace the apps share, reached
through its relay).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from certifier.core.paths import cache_root
from certifier.collect.preview.credentials import new_client_id, new_client_secret
from certifier.collect.preview.ctapi import CtApi, CtApiError
from certifier.collect.preview.network import PreviewNetwork
from certifier.collect.preview.ports import wait_until
from certifier.collect.preview.seed import SeedData, seed

PACKAGE_DIR = Path(__file__).resolve().parent / "emulator"
PACKAGE_FILES = ("package.json", "package-lock.json", "server.mjs")
PACKAGE_NAME = "@labdigital/commercetools-mock"
INSTALL_BUDGET_S = 300.0
START_BUDGET_S = 20.0
DEFAULT_PROJECT_KEY = "cert-project"
_INSTALLED_MARK = ".installed"


class EmulatorError(Exception):
    """The emulator could not be installed or started: an environment problem, not the connector's."""


def package_digest() -> str:
    digest = hashlib.sha256()
    for name in PACKAGE_FILES:
        digest.update(name.encode() + b"\0" + (PACKAGE_DIR / name).read_bytes())
    return digest.hexdigest()


def emulator_version() -> str:
    """`@labdigital/commercetools-mock <version>` as pinned in the shipped package.json."""
    pinned = json.loads((PACKAGE_DIR / "package.json").read_text())["dependencies"][PACKAGE_NAME]
    return f"{PACKAGE_NAME} {pinned}"


def install_dir(cache: Path | None = None) -> Path:
    return (cache or cache_root()) / "emulator" / package_digest()[:24]


@dataclass(frozen=True)
class InstallInfo:
    path: Path
    cold: bool  # installed by this call (False: found in the cache)
    duration_s: float


def ensure_installed(cache: Path | None = None) -> InstallInfo:
    """The installed emulator package; `npm ci` runs once per package digest, under a file lock so that
    concurrent runs never install into the same folder. npm runs in a throwaway sandbox workspace; the
    result is then sealed (owned by us, read-only for everyone else) so no connector can tamper with it."""
    from certifier.sandbox import runner

    started = time.monotonic()
    target = install_dir(cache)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target.with_name(target.name + ".lock")):
        if (target / _INSTALLED_MARK).is_file():
            return InstallInfo(target, False, round(time.monotonic() - started, 3))
        staging = Path(tempfile.mkdtemp(prefix="certifier-emulator-install-"))
        try:
            workspace = runner.Workspace(staging / "ws")
            package = workspace.root / "package"
            package.mkdir(parents=True)
            for name in PACKAGE_FILES:
                shutil.copyfile(PACKAGE_DIR / name, package / name)
            workspace.adopt(package)
            done = runner.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=package,
                              workspace=workspace, limits=runner.Limits(wall_s=INSTALL_BUDGET_S), network=True)
            if not done.ok:
                raise EmulatorError(f"installing {emulator_version()} failed (exit {done.exit_code}"
                                    f"{', timed out' if done.timed_out else ''}): {done.log_tail(800)}")
            _seal(package)
            shutil.rmtree(target, ignore_errors=True)
            shutil.move(str(package), str(target))
            (target / _INSTALLED_MARK).write_text(emulator_version())
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return InstallInfo(target, True, round(time.monotonic() - started, 3))


def runtime_copy(installed: Path, root: Path) -> Path:
    """Where the emulator runs from. The sandbox user cannot read a cache under a private home, so a
    privileged run links the sealed files into `root` (hard links: no copy, still read-only)."""
    from certifier.sandbox.workspace import privileged

    if not privileged():
        return installed
    copy = root / "emulator-package"
    if not (copy / _INSTALLED_MARK).is_file():
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(installed, copy, copy_function=_link_or_copy, symlinks=True)
        _seal(copy)
    return copy


def _link_or_copy(source: str, destination: str) -> None:
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


def _seal(tree: Path) -> None:
    uid, gid = os.geteuid(), os.getegid()
    for current, dirs, files in os.walk(tree, followlinks=False):
        os.lchown(current, uid, gid)
        os.chmod(current, 0o755)
        for name in files + dirs:
            path = os.path.join(current, name)
            if os.path.islink(path):
                os.lchown(path, uid, gid)
            elif os.path.isfile(path):
                os.lchown(path, uid, gid)
                os.chmod(path, 0o755 if os.stat(path).st_mode & 0o100 else 0o644)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass
class Emulator:
    process: Any  # runner.RunningProcess
    port: int
    project_key: str
    client_id: str
    client_secret: str
    install: InstallInfo
    start_s: float
    data: SeedData = field(default_factory=SeedData)
    network: PreviewNetwork = field(default_factory=PreviewNetwork)

    @property
    def url(self) -> str:
        """Its address on the preview's network (what the apps are given)."""
        return f"http://127.0.0.1:{self.port}"

    def api(self) -> CtApi:
        """A client for the certifier, through the preview network's relay when it is private."""
        return CtApi(self.url, self.project_key, self.client_id, self.client_secret, opener=self.network.opener())

    def alive(self) -> bool:
        return bool(self.process.alive())

    def stop(self) -> None:
        self.process.stop(grace_s=3)

    def secrets(self) -> tuple[str, ...]:
        return (self.client_secret,)


def start_emulator(workspace: Any, *, project_key: str = DEFAULT_PROJECT_KEY, cache: Path | None = None,
                   seed_data: bool = True, network: PreviewNetwork | None = None) -> Emulator:
    """Install (first use), start on a free loopback port of the preview's network (default: the host's),
    wait until it answers, seed it."""
    from certifier.sandbox import runner

    network = network or PreviewNetwork()
    install = ensure_installed(cache)
    started = time.monotonic()
    port = network.port()
    package = runtime_copy(install.path, workspace.root)
    process = runner.start(["node", str(package / "server.mjs")], cwd=package, workspace=workspace,
                           env={"CT_EMULATOR_PORT": str(port), "CT_EMULATOR_PROJECT_KEY": project_key},
                           limits=runner.Limits(wall_s=3 * 3600.0), **network.runner_options())
    emulator = Emulator(process, port, project_key, new_client_id(), new_client_secret(), install, 0.0,
                        network=network)
    api = emulator.api()
    if not wait_until(lambda: _answers(api), timeout_s=START_BUDGET_S, give_up=lambda: not process.alive()):
        output = process.stop(grace_s=1)
        raise EmulatorError(f"the emulator did not answer within {START_BUDGET_S:g} s: "
                            f"{(output.stderr or output.stdout)[-800:]}")
    emulator.start_s = round(time.monotonic() - started, 3)
    if seed_data:
        try:
            emulator.data = seed(api)
        except CtApiError as error:
            emulator.stop()
            raise EmulatorError(f"seeding the emulator failed: {error} {error.body}") from None
    return emulator


def _answers(api: CtApi) -> bool:
    try:
        api.token()
        return True
    except CtApiError:
        return False
