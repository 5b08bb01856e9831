"""Fetch a connector repository at a tag (GitPython) or take a local working tree as it is: Checkout."""

from __future__ import annotations

from pathlib import Path

from certifier.source import tag as source_tag
from certifier.source import tree as source_tree
from certifier.source import url as source_url
from certifier.source import worktree as source_worktree
from certifier.source.checkout import Checkout, SourceError
from certifier.source.url import redact_url

MiB = 1024 * 1024
DEFAULT_MAX_BYTES = 512 * MiB
DEFAULT_MAX_FILES = 100_000
DEFAULT_TIMEOUT_S = 300.0

def fetch(source: str, tag: str | None, workspace: Path, *, max_bytes: int = DEFAULT_MAX_BYTES,
          max_files: int = DEFAULT_MAX_FILES, timeout_s: float = DEFAULT_TIMEOUT_S,
          allow_http: bool = False, reuse_checkouts: bool = False) -> Checkout:
    """The connector at `tag` (cloned shallowly into `workspace/checkout`), or, with `tag=None`, the
    local directory `source` certified in place (working tree mode).

    Raises SourceError: exit_code 2 for input problems (unsupported or malformed source, bad or
    missing tag, empty or oversized repository, tag on a tree/blob, local path that is not a
    repository, access denied), 3 for infrastructure problems (network, timeout, git missing).
    `timeout_s` is the budget of the whole fetch; every git call is killed when it runs out.
    `reuse_checkouts`: take over the checkout a previous run of the same tag kept (certifier.source.reuse), if
    git finds it unchanged, instead of writing the files again.
    """
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


def redact_source(source: str) -> str:
    """`source` safe to print or store: user information removed from https URLs."""
    return redact_url(source)
