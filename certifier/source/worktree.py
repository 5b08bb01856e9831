"""Working tree mode (no tag): certify a local directory in place, as it is on disk.

In a git repository the file list is git's (tracked plus untracked-not-ignored); each entry is then
looked at with lstat, so what is certified is what is on disk, a symlink is recorded and never
followed, and a path below a symlinked folder is dropped. A directory that is not a git repository
is walked without following symlinks. The repository's own config is untrusted: config keys that
make `git status` run programs (filters, fsmonitor, textconv) are overridden at command scope.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import replace
from pathlib import Path

from certifier.source.checkout import Checkout, SourceError
from certifier.source.git import BoundedSink, GitRunner, failure, git_message
from certifier.source.tree import Bounds, Listing, in_git_dir
from certifier.source.url import SourceSpec

SKIPPED_DIRS = {"node_modules"}  # only skipped outside git, where nothing says whether it is ignored
_PROGRAM_KEYS = re.compile(r"^(filter\..+\.(clean|smudge|process)|diff\..+\.(textconv|command)|diff\.external)$",
                           re.IGNORECASE)
_NOT_A_REPO = "not a git repository"


def certify_working_tree(spec: SourceSpec, workspace: Path, bounds: Bounds, timeout_s: float) -> Checkout:
    root = spec.local_path
    if root is None:
        raise SourceError(f"{spec.display} is a remote repository: give a tag to certify (working tree mode "
                          "is for local directories)")
    if not root.is_dir():
        raise SourceError(f"local directory does not exist: {root}")
    runner = GitRunner.start(workspace, timeout_s)
    prefix = _repository_prefix(runner, root)
    if prefix is None:
        return _plain_directory(root, spec, bounds)
    return _git_working_tree(_neutralised(runner, root), root, prefix, spec, bounds)


def _repository_prefix(runner: GitRunner, root: Path) -> str | None:
    """Path of `root` inside its repository ('' at the top), or None when it is not in one."""
    probe = runner.run("rev-parse", "--is-bare-repository", "--is-inside-work-tree", cwd=root)
    if not probe.ok and _NOT_A_REPO in probe.stderr.lower():
        return None
    if not probe.ok:
        raise failure(probe, f"cannot read the git repository at {root}", default_exit=2)
    bare, inside = probe.text.split()[:2]
    if bare == "true" or inside != "true":
        raise SourceError(f"{root} is a bare repository or a .git folder: it has no working tree; give a tag")
    where = runner.run("rev-parse", "--show-toplevel", "--show-prefix", cwd=root)
    lines = where.text.splitlines()
    if not where.ok or not lines:
        raise failure(where, f"cannot locate the work tree of {root}", default_exit=2)
    prefix = lines[1] if len(lines) > 1 else ""
    if Path(lines[0], prefix).resolve() != root.resolve():
        raise SourceError(f"the git work tree of {root} is configured elsewhere ({lines[0]}): refused")
    return prefix.rstrip("/")


def _neutralised(runner: GitRunner, root: Path) -> GitRunner:
    """The runner with every program-running key of this repository's config set to nothing."""
    keys = runner.run("config", "--list", "--name-only", "-z", cwd=root)
    if not keys.ok:
        raise failure(keys, f"cannot read the git config of {root}", default_exit=2)
    names = {os.fsdecode(k) for k in keys.stdout.split(b"\0") if k}
    overrides = {name: "" for name in names if _PROGRAM_KEYS.match(name)}
    overrides.update({n.rsplit(".", 1)[0] + ".required": "false" for n in overrides if n.lower().startswith("filter.")})
    return replace(runner, config={**runner.config, **overrides})


def _git_working_tree(runner: GitRunner, root: Path, prefix: str, spec: SourceSpec, bounds: Bounds) -> Checkout:
    commit = _rev(runner, root, "HEAD^{commit}")
    tree = _rev(runner, root, f"HEAD:{prefix}") if commit else None
    tracked = _listed(runner, root, bounds, "ls-files", "-z", "--cached")
    untracked = _listed(runner, root, bounds, "ls-files", "-z", "--others", "--exclude-standard")
    listing = classify_on_disk(root, sorted(set(tracked) | set(untracked)), bounds)
    dirty = bool(untracked) or _has_changes(runner, root)
    tags = runner.run("for-each-ref", "--count=1", "refs/tags", cwd=root)
    has_tags = not tags.ok or bool(tags.stdout.strip())  # say "no tags" only when git says so
    return Checkout(path=root, source=spec.display, commit=commit, tree=tree, working_tree=True, dirty=dirty,
                    files=tuple(listing.files), sizes=listing.sizes, symlinks=listing.symlinks,
                    note=_git_note(commit, dirty, prefix, has_tags))


def _rev(runner: GitRunner, root: Path, name: str) -> str | None:
    result = runner.run("rev-parse", "--verify", "--quiet", name, cwd=root)
    if not result.ok:
        return None  # an unborn HEAD, or a subfolder that HEAD does not have yet
    return result.text.strip() or None


def _listed(runner: GitRunner, root: Path, bounds: Bounds, *args: str) -> list[str]:
    sink = bounds.sink()
    result = runner.run(*args, cwd=root, sink=sink)
    bounds.check_sink(sink, str(root))
    if not result.ok:
        raise failure(result, f"cannot list the files of {root}", default_exit=2)
    return [os.fsdecode(p) for p in result.stdout.split(b"\0") if p]


def _has_changes(runner: GitRunner, root: Path) -> bool:
    """Tracked files modified, staged, or deleted (submodules are not entered: their config is not ours)."""
    sink = BoundedSink(max_records=None, max_bytes=1024 * 1024)  # any output at all means "dirty"
    result = runner.run("status", "--porcelain", "-z", "--untracked-files=no", "--ignore-submodules=all",
                        "--no-renames", "--", ".", cwd=root, sink=sink)
    if not result.ok:
        raise SourceError(f"cannot read the status of {root}: {git_message(result.stderr)}", exit_code=2)
    return sink.overflow or bool(result.stdout.strip(b"\0"))


def classify_on_disk(root: Path, paths: list[str], bounds: Bounds) -> Listing:
    """Regular files and symlinks among `paths` as they are on disk now; nothing is followed."""
    listing, real_dirs = Listing(), {"": True}
    for path in paths:
        if in_git_dir(path) or not _real_parent(root, path.rpartition("/")[0], real_dirs):
            continue
        try:
            info = os.lstat(root / path)
        except (FileNotFoundError, NotADirectoryError):
            continue  # deleted in the working tree
        if stat.S_ISLNK(info.st_mode):
            listing.symlinks[path] = os.fsdecode(os.readlink(root / path))
        elif stat.S_ISREG(info.st_mode):
            listing.files.append(path)
            listing.sizes[path] = info.st_size
            listing.total_bytes += info.st_size
            bounds.check(len(listing.files), listing.total_bytes, str(root), listing.files)
    return listing


def _real_parent(root: Path, folder: str, known: dict[str, bool]) -> bool:
    """True when every folder on the way to `folder` is a real directory (not a symlink)."""
    if folder not in known:
        parent = folder.rpartition("/")[0]
        try:
            is_dir = stat.S_ISDIR(os.lstat(root / folder).st_mode)
        except OSError:
            is_dir = False
        known[folder] = is_dir and _real_parent(root, parent, known)
    return known[folder]


def _git_note(commit: str | None, dirty: bool, prefix: str, has_tags: bool) -> str:
    state = "with uncommitted changes" if dirty else "with no uncommitted changes"
    head = f"working tree at HEAD {commit[:7]} {state}" if commit else f"working tree with no commit yet {state}"
    notes = [f"{head}: certified the files on disk, not a tag"]
    if prefix:
        notes.append(f"certified the subfolder {prefix} of the repository")
    if not has_tags:
        notes.append("the repository has no tags: it cannot be published until a tag is pushed")
    return "; ".join(notes)


def _plain_directory(root: Path, spec: SourceSpec, bounds: Bounds) -> Checkout:
    listing, skipped = walk_directory(root, bounds)
    note = "not a git repository: certified the files on disk (no commit, no tag)"
    if skipped:
        note += "; skipped node_modules folders: " + ", ".join(skipped[:5]) + (" ..." if len(skipped) > 5 else "")
    return Checkout(path=root, source=spec.display, working_tree=True, files=tuple(sorted(listing.files)),
                    sizes=listing.sizes,
                    symlinks=dict(sorted(listing.symlinks.items())), note=note)


def walk_directory(root: Path, bounds: Bounds) -> tuple[Listing, list[str]]:
    """Walk `root` without following symlinks; skip .git and node_modules folders; stop at the bounds."""
    listing, skipped, pending = Listing(), [], [""]
    while pending:
        folder = pending.pop()
        try:
            entries = sorted(os.scandir(root / folder), key=lambda e: e.name)
        except OSError as error:
            raise SourceError(f"cannot read folder {root / folder}: {error.strerror}") from error
        for entry in entries:
            path = f"{folder}/{entry.name}" if folder else entry.name
            if entry.name == ".git":
                continue
            if entry.is_symlink():
                listing.symlinks[path] = os.fsdecode(os.readlink(entry.path))
            elif entry.is_dir(follow_symlinks=False):
                (skipped if entry.name in SKIPPED_DIRS else pending).append(path)
            elif entry.is_file(follow_symlinks=False):
                listing.files.append(path)
                listing.sizes[path] = entry.stat(follow_symlinks=False).st_size
                listing.total_bytes += listing.sizes[path]
            bounds.check(len(listing.files) + len(listing.symlinks), listing.total_bytes, str(root), listing.files)
    return listing, sorted(skipped)
