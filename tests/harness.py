"""The one way tests build a connector checkout: certifier's own fetch, exactly as `certifier run` does it.

    checkout(root)                the working tree at `root` (no --tag): a plain folder is walked without
                                  following symlinks (node_modules skipped), a folder in a git repository
                                  (a fixture under tests/fixtures, or one made with as_git_repo) is listed
                                  by git
    tagged_checkout(root, ...)    `root` committed into a fresh repository, tagged, fetched at the tag
    inventory(root)               take_inventory of checkout(root): what every check starts from
    context(root, **options)      a CheckContext over it (RunOptions fields as keyword arguments)
    results(check_id, target)     the check's results, one per target (the connector, or each app)
    app_result(check_id, target, app)

A test that needs what a git listing sees (a committed node_modules folder, untracked files) turns its copy
into a repository with as_git_repo first, as a connector developer's own checkout is.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from certifier.checks.execute import run_check, run_everywhere
from certifier.checks.registry import CheckSpec, load_all
from certifier.collect.context import CheckContext, RunOptions
from certifier.connector.inventory import Inventory, take_inventory
from certifier.core.model import CheckResult
from certifier.source.checkout import Checkout
from certifier.source.fetch import fetch
from support import git, make_tagged_repo

_WORKSPACES = Path(tempfile.mkdtemp(prefix="certifier-harness-"))
atexit.register(shutil.rmtree, _WORKSPACES, ignore_errors=True)


def workspace() -> Path:
    """A fresh folder for one fetch (git's HOME, and where a tag is checked out)."""
    return Path(tempfile.mkdtemp(dir=_WORKSPACES))


def checkout(root: Path) -> Checkout:
    """The working tree at `root`, certified in place."""
    return fetch(str(root), None, workspace())


def tagged_checkout(root: Path, tag: str = "v1.0.0", annotated: bool = True) -> Checkout:
    """`root` as a published connector: committed into a new repository, tagged, fetched at the tag."""
    repo = make_tagged_repo(root, workspace() / "repo", tag, annotated)
    return fetch(str(repo), tag, workspace())


def as_git_repo(root: Path) -> Path:
    """Make the folder `root` a git repository with nothing committed: git then lists every file that is
    not ignored, node_modules included, as it does for a developer's checkout."""
    git(root, "init", "-q", "-b", "main")
    return root


def inventory(root: Path) -> Inventory:
    return take_inventory(checkout(root))


def context(root: Path | Checkout, **options) -> CheckContext:
    """A CheckContext over the connector at `root` (or over a checkout already made)."""
    made = root if isinstance(root, Checkout) else checkout(root)
    return CheckContext(take_inventory(made), RunOptions(**options))


def results(check_id: str | CheckSpec, target: Path | CheckContext) -> list[CheckResult]:
    """The results of one registered check: one for a connector check, one per app for a per-app check
    (not-applicable for apps of other types), as the scheduler runs it."""
    spec = check_id if isinstance(check_id, CheckSpec) else load_all()[check_id]
    ctx = target if isinstance(target, CheckContext) else context(target)
    return run_everywhere(spec, ctx)


def app_result(check_id: str, target: Path | CheckContext, app: str) -> CheckResult:
    """The result of a per-app check on the app named `app`."""
    ctx = target if isinstance(target, CheckContext) else context(target)
    found = ctx.connector.app(app)
    assert found is not None, f"no app {app!r} in {ctx.root}"
    return run_check(load_all()[check_id], ctx.for_app(found))
