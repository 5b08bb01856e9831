"""What a commit contains, read from git's object database (never from the disk) within size bounds.

`git ls-tree -r -l` gives every entry with its mode and size before anything is checked out, so an
oversized repository is refused before it can fill the disk, and symlinks are known by their mode
and stored target text without ever being followed.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from certifier.source.checkout import SourceError
from certifier.source.git import BoundedSink, GitRunner, failure

MiB = 1024 * 1024
LISTING_MAX_BYTES = 64 * MiB  # a file listing larger than this is refused whatever max_files says
_REGULAR_MODES = {b"100644", b"100755", b"100664"}
_SYMLINK_MODE = b"120000"
_GITLINK_MODE = b"160000"


@dataclass(frozen=True)
class Bounds:
    max_bytes: int
    max_files: int

    def check(self, files: int, nbytes: int, where: str, paths: Iterable[str] = ()) -> None:
        """Raise SourceError(exit 2) when `files` entries or `nbytes` bytes exceed the bounds."""
        if files > self.max_files:
            raise SourceError(f"{where} has {files:,} files or more, over the limit of {self.max_files:,}"
                              f"{largest_folders(paths)}")
        if nbytes > self.max_bytes:
            raise SourceError(f"{where} holds {nbytes / MiB:,.1f} MiB of files or more, over the limit of "
                              f"{self.max_bytes / MiB:,.1f} MiB{largest_folders(paths)}")

    def sink(self) -> BoundedSink:
        return BoundedSink(max_records=self.max_files, max_bytes=LISTING_MAX_BYTES)

    def check_sink(self, sink: BoundedSink, where: str) -> None:
        """Raise SourceError(exit 2) when a listing did not fit its sink."""
        if sink.overflow:
            self.check(sink.records, 0, where)
            raise SourceError(f"{where}: the file listing is larger than {LISTING_MAX_BYTES // MiB} MiB")


@dataclass
class Listing:
    files: list[str] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)  # bytes of each regular file
    symlinks: dict[str, str] = field(default_factory=dict)
    submodules: list[str] = field(default_factory=list)
    git_paths: list[str] = field(default_factory=list)  # entries inside a `.git` folder: never listed
    total_bytes: int = 0


def in_git_dir(path: str) -> bool:
    return any(part.lower() == ".git" for part in path.split("/"))


def largest_folders(paths: Iterable[str], count: int = 3) -> str:
    """'; largest folders: node_modules (9,000 files), ...' to say where the bulk is, or ''."""
    tops = Counter(p.split("/", 1)[0] for p in paths if "/" in p)
    if not tops:
        return ""
    return "; largest folders: " + ", ".join(f"{name} ({n:,} files)" for name, n in tops.most_common(count))


def list_commit(runner: GitRunner, repo: Path, commit: str, bounds: Bounds, where: str) -> Listing:
    """Every entry of `commit` in `repo`, refused over the bounds before any checkout."""
    sink = bounds.sink()
    result = runner.run("ls-tree", "-r", "-l", "-z", "--full-tree", commit, cwd=repo, sink=sink)
    bounds.check_sink(sink, where)
    if not result.ok:
        raise failure(result, f"cannot list the files of {where}", default_exit=3)
    listing, symlink_blobs = Listing(), {}
    for record in result.stdout.split(b"\0"):
        if not record:
            continue
        meta, raw_path = record.split(b"\t", 1)
        mode, _kind, sha, size = meta.split()
        path = os.fsdecode(raw_path)
        if in_git_dir(path):
            listing.git_paths.append(path)
        elif mode in _REGULAR_MODES:
            listing.files.append(path)
            listing.sizes[path] = int(size)
            listing.total_bytes += int(size)
        elif mode == _SYMLINK_MODE:
            symlink_blobs[path] = sha.decode()
            listing.total_bytes += int(size)
        elif mode == _GITLINK_MODE:
            listing.submodules.append(path)
    paths = listing.files + list(symlink_blobs)
    bounds.check(len(paths) + len(listing.submodules), listing.total_bytes, where, paths)
    targets = read_blobs(runner, repo, set(symlink_blobs.values()))
    listing.symlinks = {path: os.fsdecode(targets.get(sha, b"")) for path, sha in symlink_blobs.items()}
    return listing


def read_blobs(runner: GitRunner, repo: Path, shas: set[str]) -> dict[str, bytes]:
    """Contents of the given blobs in one `git cat-file --batch` (symlink targets are blobs)."""
    if not shas:
        return {}
    with tempfile.TemporaryFile() as stdin:
        stdin.write("".join(f"{sha}\n" for sha in sorted(shas)).encode())
        stdin.seek(0)
        result = runner.run("cat-file", "--batch", cwd=repo, stdin=stdin)
    if not result.ok:
        raise failure(result, "cannot read symlink targets", default_exit=3)
    return parse_batch(result.stdout)


def parse_batch(out: bytes) -> dict[str, bytes]:
    """Parse `<sha> <type> <size>\\n<content>\\n` records; `<name> missing` lines are skipped."""
    blobs, pos = {}, 0
    while pos < len(out):
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) != 3:
            continue
        size = int(header[2])
        blobs[header[0].decode()] = out[pos:pos + size]
        pos += size + 1
    return blobs


def object_types(runner: GitRunner, repo: Path, names: list[str]) -> list[tuple[str, str] | None]:
    """(sha, type) for each revision expression, None where it does not resolve."""
    with tempfile.TemporaryFile() as stdin:
        stdin.write("".join(f"{name}\n" for name in names).encode())
        stdin.seek(0)
        result = runner.run("cat-file", "--batch-check=%(objectname) %(objecttype)", cwd=repo, stdin=stdin)
    if not result.ok:
        raise failure(result, "cannot read the fetched tag", default_exit=3)
    found: list[tuple[str, str] | None] = []
    for line in result.text.splitlines():
        parts = line.split()
        found.append((parts[0], parts[1]) if len(parts) == 2 and parts[1] != "missing" else None)
    return found
