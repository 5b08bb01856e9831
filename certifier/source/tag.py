"""Tag mode: fetch one tag shallowly into `workspace/checkout`, check it, then check it out.

Steps: `ls-remote --tags` (cheap: a missing tag is reported with the tags that do exist), `init` of
our own repository (its config and hooks are ours, the source's never run), a depth-1 fetch of just
that tag under a file-size limit, type checks (the tag must peel to a commit), the size bounds from
`ls-tree`, and only then the checkout.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from certifier.source import reuse as source_reuse
from certifier.source.checkout import Checkout, SourceError
from certifier.source.git import BoundedSink, GitRunner, failure
from certifier.source.tree import MiB, Bounds, Listing, list_commit, object_types
from certifier.source.url import SourceSpec, validate_tag

LS_REMOTE_MAX_BYTES = 32 * MiB
SHOWN_TAGS = 10


@dataclass(frozen=True)
class RemoteTag:
    name: str
    target: str  # what refs/tags/<name> points to: a tag object (annotated) or anything else
    peeled: str | None  # for annotated tags, the object the tag object finally points to


def fetch_at_tag(spec: SourceSpec, tag: str, workspace: Path, bounds: Bounds, timeout_s: float,
                 *, allow_http: bool = False, reuse: bool = False) -> Checkout:
    validate_tag(tag)
    runner = GitRunner.start(workspace, timeout_s, allow_http=allow_http, ceiling=workspace.parent,
                             file_size_limit=bounds.max_bytes + max(MiB, bounds.max_bytes // 8))
    _check_ref_format(runner, tag)
    tags = remote_tags(runner, spec)
    if tag not in tags:
        raise _missing_tag(runner, spec, tag, tags)
    target = _fresh_dir(workspace / "checkout")
    key = source_reuse.reuse_key(spec.display, tag, tags[tag].target)
    kept = _kept_checkout(runner, spec, tag, target, bounds, key) if reuse else None
    if kept:
        return kept
    try:
        return _fetch_into(runner, spec, tag, target, bounds, key)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise


def _kept_checkout(runner: GitRunner, spec: SourceSpec, tag: str, target: Path, bounds: Bounds,
                   key: str) -> Checkout | None:
    """The checkout a previous run of this tag kept (source_reuse), checked as a fresh one is; None when
    there is none or it is not exactly the tagged commit (then it is deleted)."""
    if not source_reuse.take(key, target):
        return None
    try:
        kind, commit, tree = _resolve(runner, target, tag)
        if source_reuse.is_pristine(runner, target, commit):
            listing = list_commit(runner, target, commit, bounds, f"{spec.display} at tag {tag}")
            return _checkout(spec, tag, target, kind, commit, tree, listing, key, reused=True)
    except SourceError:
        pass  # unreadable: fetch afresh
    shutil.rmtree(target, ignore_errors=True)
    return None


def _fetch_into(runner: GitRunner, spec: SourceSpec, tag: str, target: Path, bounds: Bounds,
                key: str) -> Checkout:
    init = runner.run("init", "--quiet", "--template=", str(target))
    if not init.ok:
        raise failure(init, f"cannot create {target}", default_exit=3)
    _fetch_tag(runner, spec, tag, target, bounds)
    kind, commit, tree = _resolve(runner, target, tag)
    where = f"{spec.display} at tag {tag}"
    listing = list_commit(runner, target, commit, bounds, where)
    done = runner.run("checkout", "--quiet", "--detach", "--no-recurse-submodules", commit, cwd=target)
    if not done.ok:
        exit_code = 2 if "invalid path" in done.stderr.lower() else 3
        raise failure(done, f"cannot check out {where}", default_exit=exit_code)
    return _checkout(spec, tag, target, kind, commit, tree, listing, key)


def _checkout(spec: SourceSpec, tag: str, target: Path, kind: str, commit: str, tree: str, listing: Listing,
              key: str, *, reused: bool = False) -> Checkout:
    return Checkout(path=target, source=spec.display, tag=tag, tag_kind=kind, commit=commit, tree=tree,
                    files=tuple(sorted(listing.files)), sizes=listing.sizes,
                    symlinks=dict(sorted(listing.symlinks.items())), note=_note(listing, reused), reuse_key=key)


def _check_ref_format(runner: GitRunner, tag: str) -> None:
    if not runner.run("check-ref-format", f"refs/tags/{tag}").ok:
        raise SourceError(f"tag {tag!r} is not a valid git tag name (see git check-ref-format)")


def remote_tags(runner: GitRunner, spec: SourceSpec) -> dict[str, RemoteTag]:
    sink = BoundedSink(max_records=None, max_bytes=LS_REMOTE_MAX_BYTES)
    result = runner.run("ls-remote", "--tags", "--", spec.url, sink=sink)
    if result.overflow:
        raise SourceError(f"{spec.display} advertises more than {LS_REMOTE_MAX_BYTES // MiB} MiB of tags")
    if not result.ok:
        raise failure(result, f"cannot read {spec.display}", default_exit=3 if spec.is_remote else 2)
    return parse_ls_remote(result.stdout)


def parse_ls_remote(out: bytes) -> dict[str, RemoteTag]:
    targets: dict[str, str] = {}
    peeled: dict[str, str] = {}
    for line in out.decode("utf-8", "replace").splitlines():
        sha, _, ref = line.partition("\t")
        if not ref.startswith("refs/tags/"):
            continue
        name = ref[len("refs/tags/"):]
        if name.endswith("^{}"):
            peeled[name[:-3]] = sha
        else:
            targets[name] = sha
    return {name: RemoteTag(name, sha, peeled.get(name)) for name, sha in targets.items()}


def _missing_tag(runner: GitRunner, spec: SourceSpec, tag: str, tags: dict[str, RemoteTag]) -> SourceError:
    if not tags:
        heads = runner.run("ls-remote", "--heads", "--", spec.url)
        if heads.ok and not heads.stdout.strip():
            return SourceError(f"{spec.display} is an empty repository (no commits): nothing to certify")
        return SourceError(f"{spec.display} has no tags at all: a connector is published from a tag; "
                           f"create one (git tag -a {tag} -m ...) and push it")
    names = sorted(tags, key=version_key, reverse=True)
    shown = ", ".join(names[:SHOWN_TAGS])
    count = f"{SHOWN_TAGS} of {len(names)}, " if len(names) > SHOWN_TAGS else ""
    near = [n for n in names if n.lower() == tag.lower() or n.lstrip("vV") == tag.lstrip("vV")]
    hint = f"; did you mean {near[0]!r}?" if near else ""
    return SourceError(f"tag {tag!r} not found in {spec.display}{hint}; available tags ({count}newest first): {shown}")


def version_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Natural order: v1.10.0 after v1.9.0."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", name) if part)


def _fresh_dir(target: Path) -> Path:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise SourceError(f"{target} already exists and is not empty: use a fresh workspace")
    return target


def _fetch_tag(runner: GitRunner, spec: SourceSpec, tag: str, target: Path, bounds: Bounds) -> None:
    refspec = f"+refs/tags/{tag}:refs/tags/{tag}"
    base = ("fetch", "--quiet", "--no-tags", "--no-recurse-submodules", "--no-write-fetch-head")
    result = runner.run(*base, "--depth", "1", "--", spec.url, refspec, cwd=target)
    if not result.ok and "does not support shallow" in result.stderr:
        result = runner.run(*base, "--", spec.url, refspec, cwd=target)  # dumb http: full history
    if result.ok:
        return
    if _pack_hit_size_limit(target, runner.file_size_limit):
        raise SourceError(f"{spec.display} at tag {tag} is larger than the limit of "
                          f"{bounds.max_bytes / MiB:,.1f} MiB (the download was stopped)")
    if "fsck" in result.stderr.lower():
        raise failure(result, f"{spec.display} contains malformed git objects", default_exit=2)
    raise failure(result, f"cannot fetch tag {tag} from {spec.display}", default_exit=3 if spec.is_remote else 2)


def _pack_hit_size_limit(target: Path, limit: int | None) -> bool:
    """index-pack dies at RLIMIT_FSIZE, leaving a temporary pack exactly at the limit."""
    packs = (target / ".git" / "objects" / "pack").glob("tmp_pack_*")
    return limit is not None and any(p.stat().st_size >= limit for p in packs)


def _resolve(runner: GitRunner, repo: Path, tag: str) -> tuple[str, str, str]:
    """(tag kind, peeled commit, tree); SourceError(2) when the tag does not lead to a commit."""
    ref = f"refs/tags/{tag}"
    direct, peeled, tree = object_types(runner, repo, [ref, f"{ref}^{{}}", f"{ref}^{{}}^{{tree}}"])
    if direct is None or peeled is None:
        raise SourceError(f"tag {tag} was fetched but cannot be read", exit_code=3)
    if peeled[1] != "commit":
        raise SourceError(f"tag {tag!r} points to a {peeled[1]}, not a commit: a connector is published from "
                          f"a commit; re-create the tag on one (git tag -f {tag} <commit>)")
    if tree is None:
        raise SourceError(f"the commit of tag {tag} has no readable tree", exit_code=3)
    return ("annotated" if direct[1] == "tag" else "lightweight"), peeled[0], tree[0]


def _note(listing: Listing, reused: bool = False) -> str:
    notes = ["files kept by an earlier run of this tag, found unchanged by git"] if reused else []
    if listing.submodules:
        notes.append("submodules are not fetched: " + ", ".join(listing.submodules[:10]))
    if listing.git_paths:
        notes.append(f"{len(listing.git_paths)} entries inside .git folders are ignored")
    return "; ".join(notes)
