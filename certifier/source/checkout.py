"""Checkout: a connector tree on disk at a known revision, the contract between fetching
(certifier.source.fetch) and the rest of the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Checkout:
    """A connector tree on disk at a known revision. Nothing downstream fetches again."""

    path: Path
    source: str
    tag: str | None = None
    tag_kind: str | None = None  # "annotated" | "lightweight" | None
    commit: str | None = None
    tree: str | None = None
    working_tree: bool = False  # certified a working tree (no --tag): HEAD or uncommitted files
    dirty: bool = False
    files: tuple[str, ...] = ()  # repository-relative POSIX paths of regular files
    # bytes of each file as listed (git's blob size, or on disk for a working tree); may lack entries.
    # Checks decide what is too large to read from it without a syscall per file; readers still bound
    # what they read (a checkout filter such as eol=crlf may change the size on disk)
    sizes: dict[str, int] = field(default_factory=dict)
    symlinks: dict[str, str] = field(default_factory=dict)  # path -> link target as stored
    note: str = ""
    # a tag checkout that a run which executed no connector code may keep for the next run of the same tag
    # (source_reuse.give); None for working trees, which are the user's own files
    reuse_key: str | None = None


class SourceError(Exception):
    """The repository could not be fetched. `exit_code` is 2 (input) or 3 (infrastructure)."""

    def __init__(self, message: str, *, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code


def describe(checkout: Checkout) -> str:
    """One line for the terminal: what is being certified."""
    counts = f"{len(checkout.files)} files" + (f", {len(checkout.symlinks)} symlinks" if checkout.symlinks else "")
    if not checkout.working_tree:
        commit = (checkout.commit or "?")[:12]
        return f"{checkout.source} at tag {checkout.tag} ({checkout.tag_kind}), commit {commit}: {counts}"
    state = f" at {checkout.commit[:12]}" if checkout.commit else ""
    dirty = " with uncommitted changes" if checkout.dirty else ""
    plain = " (not a git repository)" if checkout.note.startswith("not a git repository") else ""
    return f"{checkout.path} working tree{state}{dirty}{plain}: {counts}"
