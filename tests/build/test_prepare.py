"""prepare(): the app, its common modules and the top-level files are copied with the repository layout;
nothing else, nothing through a symlink that leaves the copy, never node_modules/."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from certifier.collect.build.prepare import common_modules, prepare
from support import git

MANIFEST = """deployAs:
  - name: svc
    applicationType: service
    endpoint: /svc
  - name: other
    applicationType: service
    endpoint: /other
"""


def write(root: Path, rel: str, text: str = "x\n") -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture
def connector(tmp_path) -> Path:
    root = tmp_path / "connector"
    write(root, "connect.yaml", MANIFEST)
    write(root, "tsconfig.base.json", "{}\n")
    package = {"name": "svc", "scripts": {"build": "tsc", "start": "node dist/index.js"},
               "dependencies": {"shared": "file:../shared"}}
    write(root, "svc/package.json", json.dumps(package))
    write(root, "svc/src/index.ts")
    write(root, "svc/dist/index.js", "stale build output\n")
    write(root, "svc/node_modules/evil/index.js")
    write(root, "shared/package.json", json.dumps({"name": "shared", "dependencies": {"deep": "file:../deep"}}))
    write(root, "shared/src/index.js")
    write(root, "deep/package.json", json.dumps({"name": "deep"}))
    write(root, "other/package.json", json.dumps({"name": "other"}))
    write(root, "other/index.js")
    os.symlink("../shared/src/index.js", root / "svc" / "inside-link")
    os.symlink("../other/index.js", root / "svc" / "other-link")
    os.symlink("/etc/passwd", root / "svc" / "escape-link")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A", "-f")
    git(root, "commit", "-q", "-m", "connector")
    return root


def test_copy_holds_the_app_its_modules_and_top_level_files(connector, context_of):
    ctx = context_of_app(context_of, connector, "svc")
    app_dir = prepare(ctx)
    src = app_dir.parent
    assert app_dir == src / "svc"
    assert "svc/node_modules/evil/index.js" in ctx.checkout.files  # committed, yet not copied
    copied = {p.relative_to(src).as_posix() for p in src.rglob("*") if p.is_file() or p.is_symlink()}
    assert {"svc/package.json", "svc/src/index.ts", "shared/package.json", "shared/src/index.js",
            "deep/package.json", "tsconfig.base.json", "connect.yaml", "svc/inside-link"} <= copied
    assert not any(p.startswith(("other/", "svc/node_modules", "svc/dist")) for p in copied)
    assert "svc/escape-link" not in copied and "svc/other-link" not in copied
    assert os.readlink(src / "svc" / "inside-link") == "../shared/src/index.js"


def test_copy_belongs_to_the_sandbox_user(connector, context_of):
    ctx = context_of_app(context_of, connector, "svc")
    app_dir = prepare(ctx)
    if os.geteuid() == 0:
        owner = (app_dir / "package.json").stat().st_uid
        assert owner != 0 and owner == (app_dir / "src").stat().st_uid
    assert stat.S_IMODE((app_dir / "package.json").stat().st_mode) == 0o644


def test_dist_is_kept_when_there_is_no_build_script(connector, context_of):
    package = json.loads((connector / "svc" / "package.json").read_text())
    del package["scripts"]["build"]
    (connector / "svc" / "package.json").write_text(json.dumps(package))
    git(connector, "commit", "-q", "-am", "no build script")
    app_dir = prepare(context_of_app(context_of, connector, "svc"))
    assert (app_dir / "dist" / "index.js").is_file()


def test_common_modules_follow_file_dependencies_but_never_leave_the_repo(tmp_path):
    write(tmp_path, "app/package.json", json.dumps({"dependencies": {"a": "file:../lib", "b": "file:../../outside",
                                                                     "c": "link:../lib", "d": "^1.0.0"}}))
    write(tmp_path, "lib/package.json", json.dumps({"dependencies": {"app": "file:../app"}}))
    assert common_modules(tmp_path, "app") == ["lib"]


def context_of_app(context_of, connector: Path, name: str):
    ctx = context_of(connector, as_is=True)  # as committed, node_modules/ and symlinks included
    return ctx.for_app(ctx.connector.app(name))
