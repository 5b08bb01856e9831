"""Tag mode: a shallow fetch of one tag into workspace/checkout, and every way it can be refused."""

from __future__ import annotations

import pytest

from certifier.source.checkout import SourceError, describe
from certifier.source.fetch import fetch


def refused(source, tag, workspace, **options) -> SourceError:
    with pytest.raises(SourceError) as caught:
        fetch(str(source), tag, workspace, **options)
    return caught.value


def test_annotated_tag_of_a_fixture_connector(tagged_repo, workspace, git_cli):
    repo = tagged_repo("minimal", tag="v1.0.0", annotated=True)
    checkout = fetch(str(repo), "v1.0.0", workspace)
    assert checkout.path == workspace / "checkout"
    assert checkout.tag == "v1.0.0" and checkout.tag_kind == "annotated"
    assert checkout.commit == git_cli(repo, "rev-parse", "v1.0.0^{commit}")
    assert checkout.tree == git_cli(repo, "rev-parse", "v1.0.0^{tree}")
    assert checkout.working_tree is False and checkout.dirty is False
    assert "connect.yaml" in checkout.files and "hello-service/package.json" in checkout.files
    assert (checkout.path / "connect.yaml").read_text() == (repo / "connect.yaml").read_text()
    assert not any(f.startswith(".git/") for f in checkout.files)
    # the listing's sizes spare the checks a stat per file; they are those of the files written
    assert checkout.sizes.keys() == set(checkout.files)
    assert all(checkout.sizes[f] == (checkout.path / f).stat().st_size for f in checkout.files)
    assert describe(checkout).startswith(f"{repo} at tag v1.0.0 (annotated), commit {checkout.commit[:12]}")


def test_lightweight_tag(tagged_repo, workspace, git_cli):
    repo = tagged_repo("minimal", tag="v2", annotated=False)
    checkout = fetch(str(repo), "v2", workspace)
    assert checkout.tag_kind == "lightweight"
    assert checkout.commit == git_cli(repo, "rev-parse", "HEAD")


def test_file_url(tagged_repo, workspace):
    repo = tagged_repo("minimal")
    checkout = fetch(f"file://{repo}", "v1.0.0", workspace)
    assert checkout.source == f"file://{repo}"
    assert "README.md" in checkout.files


def test_bare_repository(tagged_repo, tmp_path, workspace, git_cli):
    repo = tagged_repo("minimal")
    git_cli(tmp_path, "clone", "-q", "--bare", str(repo), str(tmp_path / "bare.git"))
    checkout = fetch(str(tmp_path / "bare.git"), "v1.0.0", workspace)
    assert checkout.commit == git_cli(repo, "rev-parse", "HEAD")
    assert "connect.yaml" in checkout.files


def test_clone_is_shallow(new_repo, workspace, git_cli):
    repo = new_repo()
    for n in range(3):
        repo.write("file.txt", f"version {n}\n").commit(f"commit {n}")
    repo.tag("v3")
    checkout = fetch(str(repo.path), "v3", workspace)
    assert git_cli(repo.path, "rev-list", "--count", "HEAD") == "3"
    assert git_cli(checkout.path, "rev-list", "--count", "HEAD") == "1"
    assert (checkout.path / ".git" / "shallow").read_text().strip() == checkout.commit


def test_older_tag_checks_out_that_commit(new_repo, workspace):
    repo = new_repo()
    repo.write("a.txt", "one\n").commit()
    repo.tag("v1")
    repo.write("a.txt", "two\n").write("b.txt").commit()
    checkout = fetch(str(repo.path), "v1", workspace)
    assert checkout.files == ("a.txt",)
    assert (checkout.path / "a.txt").read_text() == "one\n"


def test_missing_tag_lists_available_tags(new_repo, workspace):
    repo = new_repo()
    repo.write("a.txt").commit()
    for minor in range(12):
        repo.tag(f"v1.{minor}.0", annotated=minor % 2 == 0)
    error = refused(repo.path, "1.11.0", workspace)
    assert error.exit_code == 2
    message = str(error)
    assert "tag '1.11.0' not found" in message
    assert "did you mean 'v1.11.0'?" in message
    assert "10 of 12, newest first): v1.11.0, v1.10.0, v1.9.0" in message
    assert "v1.1.0" not in message  # only the 10 newest are shown
    assert not (workspace / "checkout").exists()


def test_repository_without_tags(new_repo, workspace):
    repo = new_repo()
    repo.write("a.txt").commit()
    error = refused(repo.path, "v1.0.0", workspace)
    assert error.exit_code == 2
    assert "no tags at all" in str(error)


@pytest.mark.parametrize("bare", [False, True])
def test_empty_repository(tmp_path, workspace, git_cli, bare):
    repo = tmp_path / "empty"
    repo.mkdir()
    git_cli(repo, "init", "-q", *(["--bare"] if bare else []))
    error = refused(repo, "v1.0.0", workspace)
    assert error.exit_code == 2
    assert "empty repository" in str(error)


@pytest.mark.parametrize(("target", "kind"), [("HEAD^{tree}", "tree"), ("HEAD:a.txt", "blob")])
@pytest.mark.parametrize("annotated", [False, True])
def test_tag_on_a_tree_or_blob_is_refused(new_repo, workspace, git_cli, target, kind, annotated):
    repo = new_repo()
    repo.write("a.txt").commit()
    repo.tag("odd", annotated=annotated, target=git_cli(repo.path, "rev-parse", target))
    error = refused(repo.path, "odd", workspace)
    assert error.exit_code == 2
    assert f"points to a {kind}, not a commit" in str(error)
    assert not (workspace / "checkout").exists()


def test_nonexistent_local_path(tmp_path, workspace):
    error = refused(tmp_path / "missing", "v1.0.0", workspace)
    assert error.exit_code == 2
    assert "does not exist" in str(error)


def test_directory_that_is_not_a_repository(tmp_path, workspace):
    folder = tmp_path / "plain"
    folder.mkdir()
    error = refused(folder, "v1.0.0", workspace)
    assert error.exit_code == 2
    assert "no git repository there" in str(error)


def test_non_empty_checkout_folder_is_refused(tagged_repo, workspace):
    repo = tagged_repo("minimal")
    (workspace / "checkout").mkdir()
    (workspace / "checkout" / "left-over").write_text("x")
    error = refused(repo, "v1.0.0", workspace)
    assert error.exit_code == 2
    assert "fresh workspace" in str(error)
    assert (workspace / "checkout" / "left-over").exists()
