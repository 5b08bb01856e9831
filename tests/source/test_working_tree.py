"""Working tree mode (tag=None): a local directory certified in place, as it is on disk."""

from __future__ import annotations

import shutil

import pytest

from certifier.source.checkout import SourceError, describe
from certifier.source.fetch import fetch


def refused(source, workspace, **options) -> SourceError:
    with pytest.raises(SourceError) as caught:
        fetch(str(source), None, workspace, **options)
    return caught.value


def test_clean_tagged_repository(tagged_repo, workspace, git_cli):
    repo = tagged_repo("minimal")
    checkout = fetch(str(repo), None, workspace)
    assert checkout.path == repo and checkout.working_tree is True
    assert checkout.dirty is False
    assert checkout.commit == git_cli(repo, "rev-parse", "HEAD")
    assert checkout.tree == git_cli(repo, "rev-parse", "HEAD^{tree}")
    assert checkout.tag is None and checkout.tag_kind is None
    assert checkout.files == tuple(sorted(git_cli(repo, "ls-files").splitlines()))
    assert checkout.sizes == {f: (repo / f).stat().st_size for f in checkout.files}  # as on disk
    assert "no uncommitted changes" in checkout.note and "no tags" not in checkout.note
    assert not (workspace / "checkout").exists()  # nothing is copied


def test_dirty_repository(new_repo, workspace):
    repo = new_repo()
    repo.write(".gitignore", "*.log\n").write("keep.txt", "v1\n").write("gone.txt").commit()
    repo.write("keep.txt", "v2\n").write("new.txt").write("debug.log")
    (repo.path / "gone.txt").unlink()
    checkout = fetch(str(repo.path), None, workspace)
    assert checkout.dirty is True
    assert checkout.files == (".gitignore", "keep.txt", "new.txt")
    assert "with uncommitted changes" in checkout.note
    assert "no tags" in checkout.note
    assert "uncommitted changes" in describe(checkout)


@pytest.mark.parametrize("change", ["untracked", "modified", "staged"])
def test_each_kind_of_change_makes_it_dirty(new_repo, workspace, change):
    repo = new_repo()
    repo.write("a.txt", "one\n").commit()
    repo.tag("v1")
    if change == "untracked":
        repo.write("b.txt")
    else:
        repo.write("a.txt", "two\n")
    if change == "staged":
        repo.git("add", "a.txt")
    assert fetch(str(repo.path), None, workspace).dirty is True


def test_repository_without_commits(new_repo, workspace):
    repo = new_repo()
    repo.write("a.txt")
    checkout = fetch(str(repo.path), None, workspace)
    assert checkout.commit is None and checkout.tree is None
    assert checkout.files == ("a.txt",)
    assert checkout.dirty is True
    assert "no commit yet" in checkout.note


def test_subfolder_of_a_repository(new_repo, workspace, git_cli):
    repo = new_repo()
    repo.write("connector/connect.yaml", "deployAs: []\n").write("other/x.txt").commit()
    checkout = fetch(str(repo.path / "connector"), None, workspace)
    assert checkout.files == ("connect.yaml",)
    assert checkout.tree == git_cli(repo.path, "rev-parse", "HEAD:connector")
    assert "subfolder connector" in checkout.note


def test_symlinks_listed_and_symlinked_folders_never_entered(new_repo, tmp_path, workspace):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "a.txt").write_text("secret\n")
    repo = new_repo()
    repo.write("lib/a.txt").write("b.txt").symlink("passwd", "/etc/passwd").commit()
    shutil.rmtree(repo.path / "lib")
    (repo.path / "lib").symlink_to(outside)  # the tracked lib/a.txt now resolves outside the repository
    checkout = fetch(str(repo.path), None, workspace)
    assert checkout.files == ("b.txt",)
    assert checkout.symlinks == {"lib": str(outside), "passwd": "/etc/passwd"}


def test_repository_config_cannot_run_programs(new_repo, tmp_path, workspace, hook_script, git_cli):
    marker = tmp_path / "ran"
    clean = hook_script(tmp_path / "bin", "clean", marker, passthrough=True)
    monitor = hook_script(tmp_path / "bin", "fsmonitor", marker)
    repo = new_repo()
    repo.write(".gitattributes", "*.txt filter=evil\n").write("a.txt", "one\n").commit()
    repo.git("config", "filter.evil.clean", str(clean))
    repo.git("config", "core.fsmonitor", str(monitor))
    repo.write("a.txt", "two\n")

    git_cli(repo.path, "status", "--porcelain")  # a plain git status runs them: the test can fail
    assert marker.exists()
    marker.unlink()

    checkout = fetch(str(repo.path), None, workspace)
    assert checkout.dirty is True
    assert not marker.exists()


def test_plain_directory(tmp_path, workspace):
    root = tmp_path / "plain"
    (root / "app" / "node_modules" / "dep").mkdir(parents=True)
    (root / "app" / "node_modules" / "dep" / "index.js").write_text("x")
    (root / "app" / "index.js").write_text("x")
    (root / "connect.yaml").write_text("deployAs: []\n")
    (root / "link").symlink_to("/etc")
    checkout = fetch(str(root), None, workspace)
    assert checkout.working_tree is True and checkout.commit is None and checkout.dirty is False
    assert checkout.files == ("app/index.js", "connect.yaml")
    assert checkout.sizes == {"app/index.js": 1, "connect.yaml": 13}
    assert checkout.symlinks == {"link": "/etc"}
    assert "not a git repository" in checkout.note
    assert "skipped node_modules folders: app/node_modules" in checkout.note
    assert "(not a git repository)" in describe(checkout)


def test_plain_directory_over_the_file_limit(tmp_path, workspace):
    root = tmp_path / "plain"
    (root / "dist").mkdir(parents=True)
    for n in range(5):
        (root / "dist" / f"chunk{n}.js").write_text("x")
    error = refused(root, workspace, max_files=3)
    assert error.exit_code == 2
    assert "over the limit of 3" in str(error) and "largest folders: dist" in str(error)


def test_repository_over_the_file_limit(new_repo, workspace):
    repo = new_repo()
    for n in range(5):
        repo.write(f"f{n}.txt")
    repo.commit()
    error = refused(repo.path, workspace, max_files=3)
    assert error.exit_code == 2
    assert "over the limit of 3" in str(error)


def test_repository_over_the_byte_limit(new_repo, workspace):
    repo = new_repo()
    repo.write("big.bin", b"0" * 20_000)
    error = refused(repo.path, workspace, max_bytes=10_000)
    assert error.exit_code == 2
    assert "MiB of files" in str(error)


def test_bare_repository_has_no_working_tree(tmp_path, workspace, git_cli):
    bare = tmp_path / "bare.git"
    bare.mkdir()
    git_cli(bare, "init", "-q", "--bare")
    error = refused(bare, workspace)
    assert error.exit_code == 2
    assert "no working tree" in str(error)


def test_remote_source_needs_a_tag(workspace):
    error = refused("https://github.com/owner/name.git", workspace)
    assert error.exit_code == 2
    assert "give a tag" in str(error)


def test_missing_directory(tmp_path, workspace):
    assert refused(tmp_path / "missing", workspace).exit_code == 2
