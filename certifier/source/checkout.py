"""Fetch a connector repository at a tag (GitPython) into a workspace: Checkout.

The data class below is the contract with the rest of the pipeline; fetching is implemented
beneath it.
"""

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


MiB = 1024 * 1024
DEFAULT_MAX_BYTES = 512 * MiB
DEFAULT_MAX_FILES = 100_000
DEFAULT_TIMEOUT_S = 300.0

# The implementation lives in certifier/source_*.py. They import Checkout and SourceError from this
# module, so they are imported inside the functions below rather than at the top.


def fetch(source: str, tag: str | None, workspace: Path, *, max_bytes: int = DEFAULT_MAX_BYTES,
          max_files: int = DEFAULT_MAX_FILES, timeout_s: float = DEFAULT_TIMEOUT_S,
          allow_http: bool = False, reuse_checkouts: bool = False) -> Checkout:
    """The connector at `tag` (cloned shallowly into `workspace/checkout`), or, with `tag=None`, the
    local directory `source` certified in place (working tree mode).

    Raises SourceError: exit_code 2 for input problems (unsupported or malformed source, bad or
    missing tag, empty or oversized repository, tag on a tree/blob, local path that is not a
    repository, access denied), 3 for infrastructure problems (network, timeout, git missing).
    `timeout_s` is the budget of the whole fetch; every git call is killed when it runs out.
    `reuse_checkouts`: take over the checkout a previous run of the same tag kept (source_reuse), if
    git finds it unchanged, instead of writing the files again.
    """
    from certifier.source import tag as source_tag
    from certifier.source import tree as source_tree
    from certifier.source import url as source_url
    from certifier.source import worktree as source_worktree

    spec = source_url.classify_source(source, allow_http=allow_http)
    bounds = source_tree.Bounds(max_bytes=max_bytes, max_files=max_files)
    workspace = Path(workspace).absolute()
    try:
        workspace.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SourceError(f"cannot create the workspace {workspace}: {error.strerror}", exit_code=3) from error
    if tag is None:
        return source_worktree.certify_working_tree(spec, workspace, bounds, timeout_s)
    return source_tag.fetch_at_tag(spec, tag, workspace, bounds, timeout_s, allow_http=allow_http,
                                   reuse=reuse_checkouts)


def list_tags(source: str, *, timeout_s: float = 60.0, allow_http: bool = False) -> list[str]:
    """Tag names of a repository, newest version first (one `git ls-remote`, nothing downloaded)."""
    import tempfile

    from certifier.source import git as source_git

    from certifier.source import tag as source_tag

    from certifier.source import url as source_url

    spec = source_url.classify_source(source, allow_http=allow_http)
    with tempfile.TemporaryDirectory(prefix="certifier-tags-") as home:
        runner = source_git.GitRunner.start(Path(home), timeout_s, allow_http=allow_http, ceiling=Path(home).parent)
        tags = source_tag.remote_tags(runner, spec)
    return sorted(tags, key=source_tag.version_key, reverse=True)


def redact_source(source: str) -> str:
    """`source` safe to print or store: user information removed from https URLs."""
    from certifier.source.url import redact_url

    return redact_url(source)


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
