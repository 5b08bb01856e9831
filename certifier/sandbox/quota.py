"""A disk quota for a workspace: its root is a filesystem of its own, of a fixed size.

As root, a new workspace root is a loop-mounted ext4 image (sparse: it takes only what is written)
of RunLimits.disk_mb, mounted nosuid,nodev. Writing past it fails with ENOSPC inside that workspace
alone; the machine's disk and every other run are untouched. Why a loop image: it works wherever root
may mount (no project quotas on the host filesystem needed, no RAM used as a tmpfs would); mkfs and
mount take ~0.1 s. Without root, or without mkfs.ext4/loop devices, there is no quota (`mode()` says so)
and only RLIMIT_FSIZE bounds single files.

`release(root)` unmounts and deletes the image; every quota still mounted is released when the process
exits, and `release_under(path)` releases those below a run's directory before it is deleted.
"""

from __future__ import annotations

import atexit
import functools
import logging
import os
import shutil
import subprocess
import threading
from pathlib import Path

log = logging.getLogger(__name__)
_lock = threading.Lock()
_mounted: dict[Path, Path] = {}  # workspace root -> its image


@functools.lru_cache(maxsize=1)
def mode() -> str:
    """'loop-ext4' when workspace quotas can be made here, else 'none'."""
    if os.geteuid() != 0 or not shutil.which("mkfs.ext4") or not Path("/dev/loop-control").exists():
        return "none"
    return "loop-ext4"


def mount_quota(root: Path, size_mb: int, owner: tuple[int, int] | None) -> bool:
    """Make the (new, empty) `root` a filesystem of `size_mb`; False when it stays an ordinary directory."""
    if mode() == "none" or (root.exists() and (os.path.ismount(root) or any(root.iterdir()))):
        return False
    image = root.parent / f".{root.name}.disk"
    root.mkdir(parents=True, exist_ok=True)
    try:
        with open(image, "wb") as handle:
            handle.truncate(size_mb * 1024 * 1024)
        os.chmod(image, 0o600)
        uid, gid = owner or (os.geteuid(), os.getegid())
        _call(["mkfs.ext4", "-q", "-F", "-m", "0", "-O", "^has_journal",
               "-E", f"lazy_itable_init=1,lazy_journal_init=1,root_owner={uid}:{gid}", str(image)])
        _call(["mount", "-o", "loop,nosuid,nodev,noatime", str(image), str(root)])
    except (OSError, subprocess.SubprocessError) as error:
        log.warning("no disk quota for %s: %s", root, error)
        image.unlink(missing_ok=True)
        return False
    with _lock:
        _mounted[root] = image
    try:
        (root / "lost+found").rmdir()
    except OSError:
        pass
    return True


def release(root: Path) -> None:
    """Unmount `root`'s quota filesystem (killing nothing: its commands have ended) and delete the image;
    the files on it are gone with it."""
    with _lock:
        image = _mounted.pop(Path(root), None)
    if image is None:
        return
    try:
        _call(["umount", str(root)])
    except (OSError, subprocess.SubprocessError):
        try:
            _call(["umount", "-l", str(root)])  # still busy: detach now, the kernel frees it when idle
        except (OSError, subprocess.SubprocessError) as error:
            log.warning("could not unmount the workspace quota %s: %s", root, error)
    image.unlink(missing_ok=True)


def release_under(path: Path) -> None:
    """Release every quota mounted at or below `path` (a run's directory, before it is deleted)."""
    path = Path(path).absolute()
    with _lock:
        roots = [root for root in _mounted if root == path or root.is_relative_to(path)]
    for root in roots:
        release(root)


def mounted(root: Path) -> bool:
    with _lock:
        return Path(root) in _mounted


def _call(argv: list[str]) -> None:
    subprocess.run(argv, check=True, capture_output=True, timeout=60)


atexit.register(lambda: release_under(Path("/")))
