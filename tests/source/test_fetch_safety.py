"""Tag mode against hostile input: command-running sources, hooks, inherited git settings, symlinks,
oversized repositories, unreachable remotes and a git that hangs."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from certifier.source import git as source_git
from certifier.source.checkout import SourceError
from certifier.source.fetch import fetch


def refused(source, tag, workspace, **options) -> SourceError:
    with pytest.raises(SourceError) as caught:
        fetch(str(source), tag, workspace, **options)
    return caught.value


def test_ext_remote_helper_runs_nothing(tmp_path, workspace):
    marker = tmp_path / "pwned"
    error = refused(f"ext::sh -c touch% {marker}", "v1.0.0", workspace)
    assert error.exit_code == 2
    assert not marker.exists()


def test_dash_source_and_dash_tag_are_refused(tagged_repo, tmp_path, workspace):
    marker = tmp_path / "pwned"
    assert refused(f"--upload-pack=touch {marker}", "v1.0.0", workspace).exit_code == 2
    repo = tagged_repo("minimal")
    assert refused(repo, f"--upload-pack=touch {marker}", workspace).exit_code == 2
    assert not marker.exists()


def test_tag_that_git_rejects_is_refused(tagged_repo, workspace):
    error = refused(tagged_repo("minimal"), "v1.lock", workspace)
    assert error.exit_code == 2
    assert "check-ref-format" in str(error)


def test_hooks_of_the_source_repository_never_run(new_repo, tmp_path, workspace, hook_script):
    marker = tmp_path / "hook-ran"
    repo = new_repo()
    repo.write("a.txt").commit()
    repo.tag("v1")
    hook_script(repo.path / ".git" / "hooks", "post-checkout", marker)
    hooks = hook_script(tmp_path / "hooks", "post-checkout", marker).parent
    repo.git("config", "core.hooksPath", str(hooks))
    checkout = fetch(str(repo.path), "v1", workspace)
    assert checkout.files == ("a.txt",)
    assert not marker.exists()


def test_inherited_git_settings_are_ignored(new_repo, tmp_path, workspace, hook_script, git_cli, monkeypatch):
    """A user's global config (hooksPath, a smudge filter) and GIT_* variables in our own environment
    would run programs during a plain clone; the fetch runs none of them."""
    marker = tmp_path / "ran"
    hooks = hook_script(tmp_path / "hooks", "post-checkout", marker).parent
    smudge = hook_script(tmp_path / "bin", "smudge", marker, passthrough=True)
    global_config = tmp_path / "global.gitconfig"
    global_config.write_text(f'[core]\n\thooksPath = {hooks}\n[filter "evil"]\n\tsmudge = {smudge}\n')
    repo = new_repo()
    repo.write(".gitattributes", "*.txt filter=evil\n").write("a.txt", "content\n").commit()
    repo.tag("v1")
    hostile = {"GIT_CONFIG_GLOBAL": str(global_config), "GIT_DIR": str(tmp_path / "elsewhere"),
               "GIT_CONFIG_PARAMETERS": f"'core.hookspath'='{hooks}'"}

    # The same settings do run programs in a plain clone: the test can fail.
    git_cli(tmp_path, "clone", "-q", str(repo.path), str(tmp_path / "plain-clone"),
            env={"GIT_CONFIG_GLOBAL": str(global_config)})
    assert marker.exists()
    marker.unlink()

    for key, value in hostile.items():
        monkeypatch.setenv(key, value)
    checkout = fetch(str(repo.path), "v1", workspace)
    assert (checkout.path / "a.txt").read_text() == "content\n"
    assert not marker.exists()


def test_symlinks_are_listed_not_followed(new_repo, tmp_path, workspace):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret\n")
    repo = new_repo()
    repo.write("a.txt").symlink("passwd", "/etc/passwd").symlink("sub/up", "../../outside")
    repo.symlink("etc", "/etc").commit()
    repo.tag("v1")
    checkout = fetch(str(repo.path), "v1", workspace)
    assert checkout.files == ("a.txt",)
    assert checkout.symlinks == {"etc": "/etc", "passwd": "/etc/passwd", "sub/up": "../../outside"}
    for link in checkout.symlinks:
        assert (checkout.path / link).is_symlink()
    assert "root:" not in (checkout.path / "a.txt").read_text()


def test_too_many_files(new_repo, workspace):
    repo = new_repo()
    for n in range(5):
        repo.write(f"dir/f{n}.txt")
    repo.commit()
    repo.tag("v1")
    error = refused(repo.path, "v1", workspace, max_files=3)
    assert error.exit_code == 2
    assert "over the limit of 3" in str(error)
    assert not (workspace / "checkout").exists()


def test_too_many_bytes_refused_before_checkout(new_repo, workspace):
    repo = new_repo()
    repo.write("big.bin", b"0" * 50_000).commit()
    repo.tag("v1")
    error = refused(repo.path, "v1", workspace, max_bytes=10_000)
    assert error.exit_code == 2
    assert "MiB of files" in str(error)
    assert not (workspace / "checkout").exists()


def test_download_is_stopped_at_the_size_limit(new_repo, workspace):
    repo = new_repo()
    repo.write("random.bin", os.urandom(3 * 1024 * 1024)).commit()  # incompressible: the pack is ~3 MiB
    repo.tag("v1")
    error = refused(repo.path, "v1", workspace, max_bytes=1000)
    assert error.exit_code == 2
    assert "download was stopped" in str(error)
    assert not (workspace / "checkout").exists()


def test_unreachable_https_is_an_infrastructure_error(workspace):
    started = time.monotonic()
    error = refused("https://127.0.0.1:9/x.git", "v1.0.0", workspace, timeout_s=20)
    assert error.exit_code == 3
    assert "unreachable" in str(error)
    assert time.monotonic() - started < 10


def test_unreachable_ssh_fails_fast_without_prompting(workspace):
    started = time.monotonic()
    error = refused("ssh://git@127.0.0.1:9/x.git", "v1.0.0", workspace, timeout_s=20)
    assert error.exit_code == 3
    assert "unreachable" in str(error)
    assert time.monotonic() - started < 10


def test_credentials_never_appear_in_messages(workspace):
    error = refused("https://user:s3cret@127.0.0.1:9/x.git", "v1.0.0", workspace, timeout_s=20)
    assert "s3cret" not in str(error)


def test_hanging_git_is_killed_at_the_budget(tagged_repo, tmp_path, workspace, monkeypatch):
    child_pid = tmp_path / "child.pid"
    fake_git = tmp_path / "fake-git"
    fake_git.write_text(f"#!/bin/sh\nsleep 60 &\necho $! > '{child_pid}'\nwait\n")
    fake_git.chmod(0o755)
    monkeypatch.setattr(source_git, "GIT_EXECUTABLE", str(fake_git))
    started = time.monotonic()
    error = refused(tagged_repo("minimal"), "v1.0.0", workspace, timeout_s=1)
    assert error.exit_code == 3
    assert "did not finish within the 1 s budget" in str(error)
    assert time.monotonic() - started < 10
    assert _gone_or_zombie(int(child_pid.read_text()))


def _gone_or_zombie(pid: int, wait_s: float = 3.0) -> bool:
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        status = Path(f"/proc/{pid}/status")
        try:
            if "State:\tZ" in status.read_text():
                return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False
