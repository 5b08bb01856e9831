"""Workspace: the only place untrusted code may write, and (as root) the unprivileged uid it runs as.

As root, RLIMIT_NPROC does not bind and every file is writable, so connector code runs as a sandbox
uid of its own, allocated per workspace (so one run's fork bomb cannot exhaust another run's process
budget, and one connector cannot write into another run's workspace) and a shared sandbox group (so the
shared package cache can be written by the trusted install of every run). The workspace root belongs to
that uid with mode 0700 (no other sandbox uid can enter it) and, where possible, a directory of the
run's disk (certifier.sandbox.quota: the disk quota); its commands share one control group, a child of
the run's (certifier.sandbox.cgroups, certifier.sandbox.runs: the run-wide limits). Not root, the code
runs as the invoking user: the rlimits still apply, file permissions are the user's own (see docs in
certifier/sandbox/runner.py).

In namespaces (certifier.sandbox.namespaces) connector code sees the shared package cache read-only; the
package manager's install, run with scripts disabled, is the only command that writes it. Without
namespaces no mount can make it read-only, so every workspace then keeps a private package cache.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from pathlib import Path

from certifier.sandbox import namespaces, quota, runs
from certifier.sandbox.cgroups import RunLimits, WorkspaceCgroup
from certifier.sandbox.env import registry_npmrc

log = logging.getLogger(__name__)

UID_BASE = int(os.environ.get("CERTIFIER_SANDBOX_UID_BASE", 200_000))
UID_SPAN = 50_000
SANDBOX_GID = int(os.environ.get("CERTIFIER_SANDBOX_GID", 199_999))
SANDBOX_UMASK = 0o007  # group (the shared cache) may write; others get nothing
_REGISTRY = Path(os.environ.get("CERTIFIER_SANDBOX_STATE", Path(tempfile.gettempdir()) / "certifier-sandbox-uids"))
_prepare_lock = threading.Lock()


class SandboxError(RuntimeError):
    """The workspace cannot be set up for untrusted code (e.g. it sits under a private home directory)."""


def privileged() -> bool:
    return os.geteuid() == 0


class Workspace:
    """A run-private place for untrusted code: home/, tmp/, cache/ under one root.

    `npm_cache` may live elsewhere (shared across apps and runs); it is made group-writable for the
    sandbox group. Workspaces with the same root share one sandbox uid. `readable` paths outside the
    root are visible read-only inside the namespaces (e.g. test scripts). `isolated` is False only for
    the certifier's own tools, which never run connector code.
    """

    isolated = True

    def __init__(self, root: Path, *, npm_cache: Path | None = None, readable: tuple[Path, ...] = (),
                 limits: RunLimits | None = None) -> None:
        self.root = Path(root).absolute()
        self.home = self.root / "home"
        self.tmp = self.root / "tmp"
        self.cache = self.root / "cache"
        self.npm_cache = Path(npm_cache).absolute() if npm_cache else self.cache / "npm"
        self.readable = tuple(Path(path).absolute() for path in readable)
        self.run = runs.run_of(self.root, limits)  # the run it belongs to: its limits bind all its workspaces
        self.limits = self.run.limits
        self.cgroup = WorkspaceCgroup(self.run.cgroup)
        self.uid: int | None = None
        self.gid: int | None = None
        self.disk_quota = False  # True once the root is a filesystem of its own
        self._ready = False

    @property
    def corepack_home(self) -> Path:
        """Corepack's downloads (yarn, pnpm) of this workspace alone: a planted `yarn` reaches no other run."""
        return self.cache / "corepack"

    def namespaced(self) -> bool:
        """Its commands run in the namespaces. As root, a prepared workspace always has a sandbox uid: one
        without is the certifier's own (a ToolWorkspace that skipped the uid), never connector code's."""
        if not self.isolated or (privileged() and self._ready is False and self.uid is None):
            return False
        return namespaces.enabled()

    def __repr__(self) -> str:
        return f"Workspace({str(self.root)!r}, uid={self.uid})"

    def prepare(self) -> "Workspace":
        """Create the directories (idempotent); as root, allocate the uid and hand them over to it."""
        with _prepare_lock:
            if self._ready:
                return self
            if privileged():
                self.uid, self.gid = _allocate_uid(self.root), SANDBOX_GID
            if self.isolated and self.limits.disk_mb:
                runs.sweep_once()  # what a killed certifier left behind, before adding to it
                owner = (self.uid, self.gid) if self.uid is not None else None
                self.disk_quota = quota.mount_quota(self.root, self.limits.disk_mb, owner, self.run.disk)
            self.root.mkdir(parents=True, exist_ok=True)
            if self.uid is not None:
                _grant_traverse(self.root.parent)
                os.lchown(self.root, self.uid, self.gid)
                os.chmod(self.root, 0o700)  # other sandbox uids cannot even look inside
            for directory in (self.home, self.tmp, self.cache):
                directory.mkdir(exist_ok=True)
                self._own(directory, 0o700)
            self._prepare_npm_cache()
            npmrc = self.home / ".npmrc"
            npmrc.write_text(registry_npmrc(), encoding="utf-8")
            self._own(npmrc, 0o600)
            self._ready = True
        return self

    def adopt(self, path: Path) -> None:
        """Hand a tree inside the workspace (e.g. the copied sources) over to the sandbox user."""
        path = Path(path).absolute()
        if not path.is_relative_to(self.root):
            raise SandboxError(f"{path} is outside the workspace {self.root}")
        self.prepare()
        if self.uid is None:
            return
        _grant_traverse(path.parent, self.uid)
        for current, dirs, files in os.walk(path, followlinks=False):
            os.lchown(current, self.uid, self.gid)
            for name in dirs + files:
                os.lchown(os.path.join(current, name), self.uid, self.gid)

    def _own(self, path: Path, mode: int) -> None:
        os.chmod(path, mode)
        if self.uid is not None:
            os.lchown(path, self.uid, self.gid)

    def _prepare_npm_cache(self) -> None:
        cache = self.npm_cache
        if self.uid is not None and not self.namespaced() and not cache.is_relative_to(self.cache):
            self.npm_cache = cache = self.cache / "npm"  # a shared cache would be writable by every run
        if cache.is_relative_to(self.cache):
            cache.mkdir(parents=True, exist_ok=True)
            self._own(cache, 0o700)
            return
        cache.mkdir(parents=True, exist_ok=True)
        if self.uid is None:
            return
        try:
            _grant_traverse(cache.parent)
        except SandboxError as error:  # a shared cache is an optimisation: fall back to a private one
            log.warning("shared package cache unusable (%s); using a per-workspace cache", error)
            self.npm_cache = self.cache / "npm"
            self._prepare_npm_cache()
            return
        _share_with_group(cache)


def _allocate_uid(root: Path) -> int:
    """The sandbox uid of `root`: stable for the same root, distinct from every other live workspace."""
    _REGISTRY.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(_REGISTRY, 0o700)  # it maps every live workspace: nobody else may read it
    stat = _REGISTRY.lstat()
    if stat.st_uid != os.geteuid() or _REGISTRY.is_symlink():
        raise SandboxError(f"{_REGISTRY} is not ours: cannot allocate a sandbox uid safely")
    key = str(root)
    start = int(hashlib.sha256(key.encode()).hexdigest(), 16) % UID_SPAN
    for step in range(256):
        uid = UID_BASE + (start + step) % UID_SPAN
        marker = _REGISTRY / str(uid)
        if _claim(marker, key):
            return uid
    raise SandboxError("no free sandbox uid")


def _claim(marker: Path, key: str) -> bool:
    try:
        fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        try:
            owner = marker.read_text(encoding="utf-8")
        except OSError:
            return False
        if owner == key:
            return True
        if Path(owner).exists():
            return False
        try:  # the workspace that held it is gone: take the slot over (rename decides between racers)
            os.rename(marker, marker.with_name(f"{marker.name}.stale.{os.getpid()}.{threading.get_ident()}"))
        except OSError:
            return False
        return _claim(marker, key)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return True


def _grant_traverse(path: Path, sandbox_uid: int | None = None) -> None:
    """Let the sandbox user walk down to `path` (search permission only, never listing)."""
    protected = {Path.home().resolve(), Path("/root")}
    chain = [path, *path.parents]
    for directory in reversed(chain):
        try:
            stat = directory.stat()
        except OSError:
            continue
        mode = stat.st_mode
        if mode & 0o001 or (sandbox_uid is not None and stat.st_uid == sandbox_uid):
            continue
        if directory.resolve() in protected or directory.stat().st_uid != os.geteuid():
            raise SandboxError(f"{directory} is private: put the workspace somewhere else (e.g. under /tmp)")
        os.chmod(directory, (mode & 0o7777) | 0o001)


def _share_with_group(cache: Path) -> None:
    """A cache every sandbox uid can use: setgid directories of the sandbox group, group-writable."""
    marker = cache / ".certifier-sandbox-group"
    if marker.exists():
        return
    for current, dirs, files in os.walk(cache, followlinks=False):
        os.lchown(current, -1, SANDBOX_GID)
        os.chmod(current, 0o2770)
        for name in files:
            path = os.path.join(current, name)
            if not os.path.islink(path):
                os.lchown(path, -1, SANDBOX_GID)
                os.chmod(path, (os.lstat(path).st_mode & 0o777) | 0o060)
        for name in dirs:
            if os.path.islink(os.path.join(current, name)):
                os.lchown(os.path.join(current, name), -1, SANDBOX_GID)
    marker.write_text(str(SANDBOX_GID), encoding="utf-8")
