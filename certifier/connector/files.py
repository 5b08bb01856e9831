"""Safe reading of connector files, shared by every check.

Everything in a checkout is untrusted: a path may climb out with `..`, pass through a symlink that
leads outside, name a FIFO, be huge, or hold binary data. These helpers never follow a path out of the
checkout, never read more than a bound, and say precisely why a file could not be read.
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from certifier.connector.package_json import PackageJson, parse_package_json

DEFAULT_LIMIT = 2 * 1024 * 1024  # 2 MiB: README, LICENSE, package.json, pom.xml


class Problem:
    """Why a file has no text. The words appear in findings, so they read as a sentence ending."""

    ABSENT = "does not exist"
    OUTSIDE = "leaves the checkout (path or symlink escapes the repository)"
    INVALID = "is not a valid repository path"
    NOT_REGULAR = "is not a regular file"
    TOO_LARGE = "is larger than the {limit} byte limit"
    BINARY = "is binary, not text"
    NOT_UTF8 = "is not UTF-8 text"
    UNREADABLE = "could not be read"


@dataclass(frozen=True)
class TextFile:
    """The outcome of reading one repo-relative file: text, or the problem that prevented it."""

    path: str
    text: str | None
    problem: str | None = None
    size: int | None = None

    @property
    def ok(self) -> bool:
        return self.text is not None


def safe_path(root: Path, rel: str) -> Path | None:
    """The real on-disk path of `rel` inside `root`, or None when it would leave the checkout."""
    pure = PurePosixPath(rel.replace("\\", "/"))
    if rel == "" or pure.is_absolute() or ".." in pure.parts or "\x00" in rel:
        return None
    real_root = os.path.realpath(root)
    real = os.path.realpath(os.path.join(real_root, *pure.parts))
    if real != real_root and not real.startswith(real_root + os.sep):
        return None
    return Path(real)


def read_file(root: Path, rel: str, limit: int = DEFAULT_LIMIT) -> TextFile:
    """Read `rel` (repo-relative POSIX) as UTF-8 text of at most `limit` bytes, or say why not."""
    target = safe_path(root, rel)
    if target is None:
        return TextFile(rel, None, _escape_or_absent(root, rel))
    try:
        fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK)  # O_NONBLOCK: a FIFO must not hang us
    except FileNotFoundError:
        return TextFile(rel, None, Problem.ABSENT)
    except OSError:
        return TextFile(rel, None, Problem.UNREADABLE)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return TextFile(rel, None, Problem.NOT_REGULAR, None)
        if info.st_size > limit:
            return TextFile(rel, None, Problem.TOO_LARGE.format(limit=limit), info.st_size)
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)
    except OSError:
        return TextFile(rel, None, Problem.UNREADABLE)
    finally:
        os.close(fd)
    return _decode(rel, data, limit)


def read_text(root: Path, rel: str, limit: int = DEFAULT_LIMIT) -> str | None:
    """Text of `rel`, or None when absent, outside the checkout, too large, binary or not UTF-8."""
    return read_file(root, rel, limit).text


def _decode(rel: str, data: bytes, limit: int) -> TextFile:
    if len(data) > limit:  # grew between fstat and read
        return TextFile(rel, None, Problem.TOO_LARGE.format(limit=limit), len(data))
    if b"\x00" in data:
        return TextFile(rel, None, Problem.BINARY, len(data))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return TextFile(rel, None, Problem.NOT_UTF8, len(data))
    return TextFile(rel, text, None, len(data))


def _escape_or_absent(root: Path, rel: str) -> str:
    """A missing link target inside the repo is 'absent'; anything that climbs out is 'outside'."""
    if rel == "" or "\x00" in rel:
        return Problem.INVALID
    pure = PurePosixPath(rel.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts:
        return Problem.OUTSIDE
    return Problem.OUTSIDE if os.path.lexists(os.path.join(root, *pure.parts)) else Problem.ABSENT


# --- package.json, parsed once per file version ------------------------------------------------------


_PACKAGE_CACHE: dict[tuple[str, str, int, int, int], PackageJson] = {}
_PACKAGE_LOCK = threading.Lock()
_PACKAGE_CACHE_MAX = 512


def load_package_json(root: Path, rel: str, limit: int = DEFAULT_LIMIT) -> PackageJson:
    """Parse `rel` as a package.json: a JSON object, or a precise problem. Cached per file version."""
    key = _cache_key(root, rel)
    if key is not None:
        with _PACKAGE_LOCK:
            cached = _PACKAGE_CACHE.get(key)
        if cached is not None:
            return cached
    parsed = parse_package_json(read_file(root, rel, limit))
    if key is not None:
        with _PACKAGE_LOCK:
            if len(_PACKAGE_CACHE) >= _PACKAGE_CACHE_MAX:
                _PACKAGE_CACHE.clear()
            _PACKAGE_CACHE[key] = parsed
    return parsed


def _cache_key(root: Path, rel: str) -> tuple[str, str, int, int, int] | None:
    target = safe_path(root, rel)
    if target is None:
        return None
    try:
        info = os.stat(target)
    except OSError:
        return None
    return (str(target), rel, info.st_ino, info.st_size, info.st_mtime_ns)


# --- listing and locating ---------------------------------------------------------------------------


def app_folder(root: Path, path: Path | None) -> str | None:
    """Repo-relative POSIX folder of an app's resolved path (App.path), or None when absent or outside
    the checkout. A symlinked app folder maps to its target, which is where the checkout lists the files."""
    if path is None:
        return None
    real_root = os.path.realpath(root)
    real = os.path.realpath(path if Path(path).is_absolute() else Path(root) / path)
    if real == real_root or not real.startswith(real_root + os.sep) or not os.path.isdir(real):
        return None
    return PurePosixPath(*Path(os.path.relpath(real, real_root)).parts).as_posix()


def files_under(files: Iterable[str], prefix: str) -> list[str]:
    """Repo-relative files below the folder `prefix` ('' means the whole checkout), sorted."""
    prefix = prefix.strip("/")
    if not prefix:
        return sorted(files)
    start = prefix + "/"
    return sorted(f for f in files if f.startswith(start))


def relative_to(path: str, prefix: str) -> str:
    prefix = prefix.strip("/")
    return path[len(prefix) + 1 :] if prefix and path.startswith(prefix + "/") else path


def join(prefix: str, name: str) -> str:
    prefix = prefix.strip("/")
    return f"{prefix}/{name}" if prefix else name
