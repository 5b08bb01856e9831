"""A disk budget per run: the workspaces of one run share one filesystem of a fixed size.

As root, a run's disk is a loop-mounted ext4 image (sparse: it takes only what is written) of
RunLimits.disk_mb, made when the run's first workspace is prepared. Each workspace of the run is a
directory of its own on it (owned by its sandbox uid, 0700), bind-mounted nosuid,nodev at the workspace's
root, so every app of a connector draws from the same budget: writing past it fails with ENOSPC inside
that run alone; the machine's disk and every other run are untouched. Why a loop image: it works
wherever root may mount (no project quotas on the host filesystem needed, no RAM used as a tmpfs would);
mkfs and mount take ~0.1 s once per run. Without root, or without mkfs.ext4/loop devices, there is no
quota (`mode()` says so) and only RLIMIT_FSIZE bounds single files.

Images and their mount points live in one directory, named after the certifier process
(`run-<pid>-<id>.img`, `run-<pid>-<id>/`): `sweep()` (at every run's start) unmounts and deletes those of
processes that are gone, e.g. a certifier killed with SIGKILL, with the workspaces bound from them.

`release(root)` unmounts a workspace and deletes its files (a workspace alone in its run takes the image
with it); `RunDisk.release()` ends a run's disk; whatever is still mounted is released at exit.
"""

from __future__ import annotations

import atexit
import functools
import logging
import os
import re
import shutil
import subprocess
import tempfile
import threading
import uuid
from pathlib import Path

log = logging.getLogger(__name__)
DISKS = Path(os.environ.get("CERTIFIER_SANDBOX_DISKS", Path(tempfile.gettempdir()) / "certifier-sandbox-disks"))
_NAME = re.compile(r"^run-(\d+)-[0-9a-f]+(\.img)?$")
_lock = threading.Lock()
_mounted: dict[Path, "RunDisk"] = {}  # workspace root -> the run disk it is a directory of
_disks: set["RunDisk"] = set()  # run disks whose image is mounted


@functools.lru_cache(maxsize=1)
def mode() -> str:
    """'loop-ext4' when disk quotas can be made here, else 'none'."""
    if os.geteuid() != 0 or not shutil.which("mkfs.ext4") or not Path("/dev/loop-control").exists():
        return "none"
    return "loop-ext4"


class RunDisk:
    """The filesystem of one run, `size_mb` large; `private` when it serves one workspace alone."""

    def __init__(self, size_mb: int, *, private: bool = False) -> None:
        self.size_mb = size_mb
        self.private = private
        self.name = f"run-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self.image = DISKS / f"{self.name}.img"
        self.mountpoint = DISKS / self.name
        self._lock = threading.Lock()
        self._ready = False
        self._failed = False

    def add(self, root: Path, owner: tuple[int, int] | None) -> bool:
        """Make the (new, empty) `root` a directory of this disk; False when it stays an ordinary directory."""
        root = Path(root).absolute()
        if mode() == "none" or (root.exists() and (os.path.ismount(root) or any(root.iterdir()))):
            return False
        if not self._mount():
            return False
        own = self.mountpoint / f"ws-{uuid.uuid4().hex[:12]}"
        root.mkdir(parents=True, exist_ok=True)
        try:
            own.mkdir(mode=0o700)
            uid, gid = owner or (os.geteuid(), os.getegid())
            os.chown(own, uid, gid)
            _call(["mount", "--bind", str(own), str(root)])
            _call(["mount", "-o", "remount,bind,nosuid,nodev,noatime", str(root)])
        except (OSError, subprocess.SubprocessError) as error:
            log.warning("no disk quota for %s: %s", root, error)
            if os.path.ismount(root):
                _unmount(root)
            shutil.rmtree(own, ignore_errors=True)
            return False
        with _lock:
            _mounted[root] = self
        return True

    def release(self) -> None:
        """Unmount every workspace of this disk, then the disk itself, and delete the image."""
        with _lock:
            roots = [root for root, disk in _mounted.items() if disk is self]
        for root in roots:
            release(root)
        with self._lock:
            if not self._ready:
                return
            self._ready = False
        _unmount(self.mountpoint)
        _remove_files(self.mountpoint, self.image)
        with _lock:
            _disks.discard(self)

    def _mount(self) -> bool:
        with self._lock:
            if self._ready or self._failed:
                return self._ready
            try:
                _disks_dir()
                with open(self.image, "wb") as handle:
                    handle.truncate(self.size_mb * 1024 * 1024)
                os.chmod(self.image, 0o600)
                self.mountpoint.mkdir(mode=0o700)
                _call(["mkfs.ext4", "-q", "-F", "-m", "0", "-O", "^has_journal",
                       "-E", "lazy_itable_init=1,lazy_journal_init=1", str(self.image)])
                # noinit_itable: no background zeroing of the inode tables (a sparse image reads as zeros anyway)
                _call(["mount", "-o", "loop,nosuid,nodev,noatime,noinit_itable", str(self.image), str(self.mountpoint)])
            except (OSError, subprocess.SubprocessError) as error:
                log.warning("no disk quota for this run: %s", error)
                self._failed = True
                _remove_files(self.mountpoint, self.image)
                return False
            os.chmod(self.mountpoint, 0o700)
            self._ready = True
        with _lock:
            _disks.add(self)
        return True


def mount_quota(root: Path, size_mb: int, owner: tuple[int, int] | None, disk: RunDisk | None = None) -> bool:
    """Put the (new, empty) `root` on `disk` (the run's), or on a disk of `size_mb` of its own."""
    return (disk or RunDisk(size_mb, private=True)).add(root, owner)


def release(root: Path) -> None:
    """Unmount workspace `root` (its commands have ended) and delete its files from the run's disk; a disk
    that served this workspace alone is deleted with it."""
    root = Path(root).absolute()
    with _lock:
        disk = _mounted.pop(root, None)
    if disk is None:
        return
    source = _bind_source(root, disk)
    _unmount(root)
    if source is not None:
        shutil.rmtree(source, ignore_errors=True)  # its space goes back to the run
    if disk.private:
        disk.release()


def release_under(path: Path) -> None:
    """Release every workspace mounted at or below `path` (a run's directory, before it is deleted)."""
    path = Path(path).absolute()
    with _lock:
        roots = [root for root in _mounted if root == path or root.is_relative_to(path)]
    for root in roots:
        release(root)


def mounted(root: Path) -> bool:
    with _lock:
        return Path(root).absolute() in _mounted


def sweep() -> list[str]:
    """Unmount and delete the disks (and the workspaces bound from them) of certifier processes that are
    gone; the names of what was released."""
    if mode() == "none" or not DISKS.is_dir():
        return []
    released = []
    for entry in sorted(DISKS.iterdir()):
        match = _NAME.match(entry.name)
        if not match or match.group(2) or Path(f"/proc/{match.group(1)}").exists():
            continue
        for target in _mounts_of(entry):  # the workspaces bound from it first, the disk itself last
            _unmount(Path(target))
        _remove_files(entry, entry.with_name(f"{entry.name}.img"))
        released.append(entry.name)
    for image in DISKS.glob("run-*.img"):  # an image whose mount point never came to be
        match = _NAME.match(image.name)
        if match and not Path(f"/proc/{match.group(1)}").exists():
            image.unlink(missing_ok=True)
            released.append(image.name)
    return released


def _mounts_of(mountpoint: Path) -> list[str]:
    """Every mount of the filesystem mounted at `mountpoint` (its bind mounts first, itself last)."""
    table = _mountinfo()
    device = next((dev for dev, _, target in table if target == str(mountpoint)), None)
    if device is None:
        return []
    targets = [target for dev, _, target in table if dev == device and target != str(mountpoint)]
    return sorted(targets, key=len, reverse=True) + [str(mountpoint)]


def _bind_source(root: Path, disk: RunDisk) -> Path | None:
    """The directory of `disk` that is mounted at `root`."""
    for _, inner, target in _mountinfo():
        if target == str(root) and inner.startswith("/ws-"):
            return disk.mountpoint / inner.lstrip("/")
    return None


def _mountinfo() -> list[tuple[str, str, str]]:
    """(device, root within its filesystem, mount point) of this process's mounts."""
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return []
    table = []
    for line in lines:
        fields = line.split()
        if len(fields) > 4:
            table.append((fields[2], _unescape(fields[3]), _unescape(fields[4])))
    return table


def _unescape(field: str) -> str:
    return re.sub(r"\\([0-7]{3})", lambda octal: chr(int(octal.group(1), 8)), field)


def _disks_dir() -> None:
    DISKS.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = DISKS.lstat()
    if info.st_uid != os.geteuid() or DISKS.is_symlink():
        raise OSError(f"{DISKS} is not ours: no disk quota")
    os.chmod(DISKS, 0o700)


def _unmount(target: Path) -> None:
    try:
        _call(["umount", str(target)])
    except (OSError, subprocess.SubprocessError):
        try:
            _call(["umount", "-l", str(target)])  # still busy: detach now, the kernel frees it when idle
        except (OSError, subprocess.SubprocessError) as error:
            log.warning("could not unmount %s: %s", target, error)


def _remove_files(mountpoint: Path, image: Path) -> None:
    if not os.path.ismount(mountpoint):
        shutil.rmtree(mountpoint, ignore_errors=True)
    image.unlink(missing_ok=True)


def _call(argv: list[str]) -> None:
    subprocess.run(argv, check=True, capture_output=True, timeout=60)


def _release_all() -> None:
    release_under(Path("/"))
    with _lock:
        disks = list(_disks)
    for disk in disks:
        disk.release()


atexit.register(_release_all)
