"""Kept checkouts (source_reuse): a run of the same tag takes over the files a static-only run kept, only
when git finds them exactly the tagged commit; otherwise it fetches afresh. Nothing is kept from runs that
executed connector code, from --no-cache runs, or beyond the pool's bound."""

from __future__ import annotations

from pathlib import Path

import pytest

import certifier.source.git as source_git
from certifier.source import reuse as source_reuse
from certifier.core.model import Stage
from certifier.certify import RunRequest, certify
from certifier.source.fetch import fetch


@pytest.fixture(autouse=True)
def private_pool(tmp_path, monkeypatch):
    monkeypatch.setenv("CERTIFIER_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "checkouts"


@pytest.fixture
def git_calls(monkeypatch):
    calls: list[str] = []
    real = source_git.GitRunner.run

    def run(self, *args, **kwargs):
        calls.append(args[0])
        return real(self, *args, **kwargs)

    monkeypatch.setattr(source_git.GitRunner, "run", run)
    return calls


@pytest.fixture
def repo(new_repo):
    builder = new_repo()
    builder.write("connect.yaml", "deployAs: []\n").write("app/src/index.js", "module.exports = 1;\n")
    builder.commit()
    builder.tag("v1.0.0")
    return builder


def fetch_and_keep(repo, tmp_path: Path, name: str, **options):
    checkout = fetch(str(repo.path), "v1.0.0", tmp_path / name, reuse_checkouts=True, **options)
    assert source_reuse.give(checkout.path, checkout.reuse_key)
    return checkout


def test_a_kept_checkout_is_taken_over_without_fetching(repo, tmp_path, git_calls, private_pool):
    first = fetch_and_keep(repo, tmp_path, "one")
    git_calls.clear()
    second = fetch(str(repo.path), "v1.0.0", tmp_path / "two", reuse_checkouts=True)
    assert "fetch" not in git_calls and "checkout" not in git_calls
    assert second.path == tmp_path / "two" / "checkout" and (second.path / "app/src/index.js").is_file()
    assert (second.commit, second.tree, second.tag_kind, second.files, second.sizes) == \
        (first.commit, first.tree, first.tag_kind, first.files, first.sizes)
    assert not (private_pool / first.reuse_key).exists()  # taken, not shared
    assert "kept by an earlier run of this tag" in second.note  # the report's provenance says so


def test_a_changed_kept_checkout_is_deleted_and_fetched_again(repo, tmp_path, git_calls, private_pool):
    first = fetch_and_keep(repo, tmp_path, "one")
    (private_pool / first.reuse_key / "app/src/index.js").write_text("module.exports = 2;\n")
    (private_pool / first.reuse_key / "dist").mkdir()  # build output, even if .gitignore hid it
    (private_pool / first.reuse_key / "dist/out.js").write_text("x")
    git_calls.clear()
    second = fetch(str(repo.path), "v1.0.0", tmp_path / "two", reuse_checkouts=True)
    assert "fetch" in git_calls
    assert (second.path / "app/src/index.js").read_text() == "module.exports = 1;\n"
    assert not (second.path / "dist").exists()


def test_a_moved_tag_never_gets_the_old_checkout(repo, tmp_path, git_calls):
    fetch_and_keep(repo, tmp_path, "one")
    repo.write("app/src/index.js", "module.exports = 3;\n")
    commit = repo.commit()
    repo.git("tag", "-f", "-a", "v1.0.0", "-m", "moved")
    git_calls.clear()
    second = fetch(str(repo.path), "v1.0.0", tmp_path / "two", reuse_checkouts=True)
    assert "fetch" in git_calls and second.commit == commit
    assert (second.path / "app/src/index.js").read_text() == "module.exports = 3;\n"


def test_without_reuse_nothing_is_taken(repo, tmp_path, git_calls):
    fetch_and_keep(repo, tmp_path, "one")
    git_calls.clear()
    fetch(str(repo.path), "v1.0.0", tmp_path / "two")
    assert "fetch" in git_calls


def test_the_pool_keeps_the_most_recent_checkouts_only(tmp_path, private_pool):
    for n in range(5):
        folder = tmp_path / f"checkout{n}"
        folder.mkdir()
        assert source_reuse.give(folder, f"key{n}")
    source_reuse.evict(private_pool, keep=2)
    assert sorted(p.name for p in private_pool.iterdir()) == ["key3", "key4"]


def test_static_runs_keep_their_checkout_for_the_next_run(repo, private_pool, git_calls):
    static = frozenset({Stage.SPECIFICATION, Stage.STRUCTURE})
    certify(RunRequest(source=str(repo.path), tag="v1.0.0", stages=static))
    assert len(list(private_pool.iterdir())) == 1
    git_calls.clear()
    second = certify(RunRequest(source=str(repo.path), tag="v1.0.0", stages=static))
    assert "fetch" not in git_calls and second.report.provenance.tree
    assert len(list(private_pool.iterdir())) == 1  # handed back again


@pytest.mark.parametrize("request_options", [
    {"use_cache": False},
    {"stages": frozenset({Stage.SPECIFICATION, Stage.BUILD})},  # connector code may have run in it
])
def test_other_runs_keep_nothing(repo, private_pool, request_options):
    options = {"stages": frozenset({Stage.SPECIFICATION}), **request_options}
    certify(RunRequest(source=str(repo.path), tag="v1.0.0", **options))
    assert not private_pool.exists() or not any(private_pool.iterdir())
