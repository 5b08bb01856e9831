"""certifier.connector.files: bounded, checkout-confined reading of untrusted files."""

from __future__ import annotations

import os

import pytest

from certifier.connector.files import Problem, files_under, load_package_json, read_file, read_text, safe_path
from certifier.connector.package_json import line_of_key


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "repo"
    (root / "app").mkdir(parents=True)
    (root / "app" / "a.txt").write_text("hello\n")
    (tmp_path / "secret.txt").write_text("host secret\n")
    return root


def test_reads_text_inside_the_checkout(repo):
    assert read_text(repo, "app/a.txt") == "hello\n"
    assert read_file(repo, "app/a.txt").size == 6


@pytest.mark.parametrize("rel", ["../secret.txt", "app/../../secret.txt", "/etc/passwd", "..\\secret.txt"])
def test_refuses_paths_that_leave_the_checkout(repo, rel):
    read = read_file(repo, rel)
    assert read.text is None
    assert read.problem == Problem.OUTSIDE


@pytest.mark.parametrize("rel", ["", "a\x00b"])
def test_refuses_paths_that_are_not_paths(repo, rel):
    assert read_file(repo, rel).problem == Problem.INVALID


def test_refuses_a_symlink_that_leads_outside(repo):
    os.symlink(repo.parent / "secret.txt", repo / "app" / "link.txt")
    os.symlink("../..", repo / "app" / "up")
    assert read_file(repo, "app/link.txt").problem == Problem.OUTSIDE
    assert read_file(repo, "app/up/secret.txt").problem == Problem.OUTSIDE
    assert safe_path(repo, "app/link.txt") is None


def test_follows_a_symlink_that_stays_inside(repo):
    os.symlink("a.txt", repo / "app" / "same.txt")
    assert read_text(repo, "app/same.txt") == "hello\n"


def test_absent_file_is_reported_as_absent(repo):
    assert read_file(repo, "app/none.txt").problem == Problem.ABSENT


def test_binary_and_non_utf8_are_not_text(repo):
    (repo / "bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (repo / "latin1").write_bytes("café".encode("latin-1"))
    assert read_file(repo, "bin").problem == Problem.BINARY
    assert read_file(repo, "latin1").problem == Problem.NOT_UTF8
    assert read_text(repo, "bin") is None


def test_huge_file_is_not_read(repo):
    (repo / "big").write_bytes(b"a" * 5000)
    read = read_file(repo, "big", limit=4096)
    assert read.text is None and read.size == 5000
    assert "larger than the 4096 byte limit" in read.problem


def test_fifo_does_not_hang(repo):
    os.mkfifo(repo / "pipe")
    assert read_file(repo, "pipe").problem == Problem.NOT_REGULAR


def test_directory_is_not_a_file(repo):
    assert read_file(repo, "app").problem == Problem.NOT_REGULAR


def test_utf8_bom_is_dropped(repo):
    (repo / "bom.json").write_bytes(b'\xef\xbb\xbf{"name": "x"}')
    assert load_package_json(repo, "bom.json").data == {"name": "x"}


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"name": "x",,}', "is not valid JSON: Expecting property name enclosed in double quotes (line 1, column 14)"),
        ("[1, 2]", "must hold a JSON object, not array"),
        ("null", "must hold a JSON object, not null"),
        ('"text"', "must hold a JSON object, not str"),
        ("[" * 100_000, "nested too deeply"),
    ],
)
def test_package_json_problems_are_precise(repo, content, problem):
    (repo / "app" / "package.json").write_text(content)
    parsed = load_package_json(repo, "app/package.json")
    assert parsed.data is None
    assert problem in parsed.problem
    assert parsed.problem.startswith("app/package.json ")


def test_package_json_syntax_error_has_line_and_column(repo):
    (repo / "app" / "package.json").write_text('{\n  "name": "x"\n  "version": "1"\n}')
    parsed = load_package_json(repo, "app/package.json")
    assert (parsed.line, parsed.column) == (3, 3)


def test_package_json_absent(repo):
    parsed = load_package_json(repo, "app/package.json")
    assert parsed.data is None and "does not exist" in parsed.problem


def test_package_json_cache_sees_a_changed_file(repo):
    path = repo / "app" / "package.json"
    path.write_text('{"name": "one"}')
    assert load_package_json(repo, "app/package.json").data["name"] == "one"
    path.write_text('{"name": "second"}')  # different size: a new cache key
    assert load_package_json(repo, "app/package.json").data["name"] == "second"


def test_scripts_keep_only_string_commands(repo):
    (repo / "app" / "package.json").write_text('{"scripts": {"start": "node x", "bad": 3}}')
    assert load_package_json(repo, "app/package.json").scripts == {"start": "node x"}


def test_files_under_lists_one_folder():
    files = ["app/a", "app/b/c", "apple/x", "root"]
    assert files_under(files, "app") == ["app/a", "app/b/c"]
    assert files_under(files, "") == sorted(files)


def test_line_of_key_finds_a_script_inside_scripts():
    text = '{\n  "test": 1,\n  "scripts": {\n    "start": "x",\n    "test": "jest"\n  }\n}\n'
    assert line_of_key(text, "test", within="scripts") == 5
    assert line_of_key(text, "test") == 2
    assert line_of_key(text, "missing") is None
    assert line_of_key(None, "x") is None
