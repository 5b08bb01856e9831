"""load_manifest: every bad input gets one precise finding, quickly, and good input keeps its positions."""

from __future__ import annotations

import os
import time

import pytest

from certifier.connector.manifest import load_manifest
from certifier.core.model import Severity


def only(load):
    assert len(load.findings) == 1, [f.message for f in load.findings]
    finding = load.findings[0]
    assert finding.severity is Severity.ERROR
    assert finding.location is not None and finding.location.path == "connect.yaml"
    return finding


def test_valid_file_gives_plain_data_and_positions(load_text):
    load = load_text("""
        deployAs:
          - name: svc
            applicationType: service
            endpoint: /svc
            configuration:
              standardConfiguration:
                - key: A_KEY
                  description: d
                - key: B_KEY
                  description: d
                - key: C_KEY
                  description: d
        """)
    assert load.exists and load.parsed and load.findings == ()
    assert type(load.data) is dict and type(load.data["deployAs"]) is list and type(load.data["deployAs"][0]) is dict
    assert load.positions[""] == (1, 1)
    assert load.positions["deployAs"] == (1, 1)
    assert load.positions["deployAs.0"] == (2, 5)
    assert load.positions["deployAs.0.endpoint"] == (4, 5)
    assert load.positions["deployAs.0.configuration.standardConfiguration.2.key"] == (11, 11)
    assert "file content" not in load.positions


def test_yaml_1_2_scalars_stay_strings_and_plain_types(load_text):
    load = load_text("""
        a: yes
        b: on
        c: 2024-01-01
        d: 2024-01-01T10:00:00Z
        e: 012
        f: 1.5
        g: true
        h: ~
        """)
    assert load.data == {"a": "yes", "b": "on", "c": "2024-01-01", "d": "2024-01-01T10:00:00Z", "e": 12,
                         "f": 1.5, "g": True, "h": None}
    assert [type(v) for v in load.data.values()] == [str, str, str, str, int, float, bool, type(None)]


def test_missing_file(tmp_path):
    load = load_manifest(tmp_path)
    finding = only(load)
    assert not load.exists and not load.parsed
    assert finding.rule == "manifest.missing"
    assert finding.message == "specification file not found: connect.yaml is missing at the repository root."


@pytest.mark.parametrize("other", ["connect.yml", "Connect.yaml"])
def test_missing_file_names_the_near_miss(tmp_path, other):
    (tmp_path / other).write_text("deployAs: []\n")
    finding = only(load_manifest(tmp_path))
    assert f"Found '{other}' instead: only the exact name connect.yaml" in finding.message


def test_zero_byte_file(load_text):
    load = load_text(b"")
    finding = only(load)
    assert load.exists and load.parsed and load.data is None
    assert finding.message == "[file content]: Expected object, received null"
    assert "0 bytes" in finding.remediation


def test_whitespace_and_comments_only_is_empty(load_text):
    finding = only(load_text(b"  \n# nothing here\n"))
    assert finding.message == "[file content]: Expected object, received null"
    assert finding.rule == "manifest.empty"


@pytest.mark.parametrize("text, kind", [("- a\n", "array"), ("just text\n", "string"), ("42\n", "number")])
def test_top_level_must_be_a_mapping(load_text, text, kind):
    finding = only(load_text(text))
    assert finding.message == f"[file content]: Expected object, received {kind}"


def test_invalid_yaml_reports_parser_message_and_position(load_text):
    load = load_text("deployAs:\n  - name: a\n    endpoint: x: y\n")
    finding = only(load)
    assert not load.parsed
    assert finding.message == "mapping values are not allowed here at line 3, column 16"
    assert (finding.location.line, finding.location.column) == (3, 16)
    assert not finding.message.startswith("[")


def test_inconsistent_indentation(load_text):
    finding = only(load_text("deployAs:\n  - name: a\n   applicationType: service\n"))
    assert finding.rule == "manifest.yaml-syntax"
    assert finding.message.startswith("expected <block end>, but found '<block mapping start>' at line 3, column 4")
    assert "while parsing a block collection that starts at line 2, column 3" in finding.message


def test_duplicate_keys_are_all_reported_with_line_and_column(load_text):
    load = load_text("""
        deployAs:
          - name: a
            name: b
            endpoint: /x
            endpoint: /y
        """)
    assert not load.parsed
    assert [f.message for f in load.findings] == [
        "Map keys must be unique at line 3, column 5: 'name' is already defined at line 2, column 5",
        "Map keys must be unique at line 5, column 5: 'endpoint' is already defined at line 4, column 5",
    ]
    assert [(f.location.line, f.location.column) for f in load.findings] == [(3, 5), (5, 5)]


def test_alias_bomb_is_refused_quickly(load_text):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    started = time.monotonic()
    finding = only(load_text("\n".join(lines) + "\n"))
    assert time.monotonic() - started < 20  # a hang guard (expansion would take hours), not a speed goal
    assert finding.rule == "manifest.alias-expansion"
    assert "refused as an alias bomb" in finding.message


def test_too_many_aliases(load_text):
    text = "a: &a x\nb: [" + ", ".join(["*a"] * 60) + "]\n"
    finding = only(load_text(text))
    assert finding.rule == "manifest.too-many-aliases"


def test_recursive_alias(load_text):
    finding = only(load_text("a: &a [1, *a]\n"))
    assert finding.rule == "manifest.recursive-alias"


@pytest.mark.parametrize("style", ["flow", "block", "flow-mapping"])
def test_ten_thousand_levels_of_nesting(load_text, style):
    text = {
        "flow": "[" * 10000 + "]" * 10000,
        "block": "- " * 10000 + "x\n",
        "flow-mapping": "{a: " * 10000 + "1" + "}" * 10000,
    }[style]
    finding = only(load_text(text, dedented=False))  # a hang or a RecursionError would never get here
    assert finding.rule == "manifest.too-deep"
    assert "more than 64 levels deep" in finding.message


def test_deep_indented_block_mappings(load_text):
    text = "".join(" " * level + f"k{level}:\n" for level in range(100)) + " " * 100 + "v\n"
    assert only(load_text(text, dedented=False)).rule == "manifest.too-deep"


def test_fifty_megabyte_file_is_refused_unread(tmp_path):
    with open(tmp_path / "connect.yaml", "wb") as big:
        big.truncate(50 * 1024 * 1024)  # sparse: costs no disk, and reading it would be slow
    started = time.monotonic()
    finding = only(load_manifest(tmp_path))
    assert time.monotonic() - started < 10  # a hang guard, not a speed goal
    assert finding.rule == "manifest.too-large"
    assert finding.message.startswith("connect.yaml is 52428800 bytes, above the 1048576 byte limit")


def test_non_utf8_names_the_byte_offset(load_text):
    finding = only(load_text(b"deployAs:\n  - name: caf\xe9\n"))
    assert finding.rule == "manifest.encoding"
    assert finding.message == ("connect.yaml is not valid UTF-8: byte 0xE9 at offset 23 (line 2, column 14) "
                               "cannot be decoded")


def test_binary_content(load_text):
    finding = only(load_text(b"deployAs:\n\x00\x01\x02"))
    assert finding.rule == "manifest.binary"
    assert "NUL byte at offset 10 (line 2, column 1)" in finding.message


def test_utf16_is_named(load_text):
    finding = only(load_text("deployAs: []\n".encode("utf-16")))
    assert "It looks like UTF-16." in finding.message


def test_control_character(load_text):
    finding = only(load_text(b"deployAs:\n  - name: a\x07b\n"))
    assert finding.message == ("unacceptable character #x0007 at line 2, column 12: special characters are not "
                               "allowed")


def test_more_than_one_document(load_text):
    finding = only(load_text("deployAs: []\n---\ndeployAs: []\n"))
    assert finding.rule == "manifest.multiple-documents"


def test_too_many_nodes(load_text):
    text = "deployAs:\n" + "".join(f"  - name: a{i}\n" for i in range(12000))
    started = time.monotonic()
    assert only(load_text(text, dedented=False)).rule == "manifest.too-many-nodes"
    assert time.monotonic() - started < 30  # a hang guard, not a speed goal


def test_merge_key_is_a_warning_and_data_is_kept(load_text):
    load = load_text("base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n")
    assert load.parsed and load.data["c"] == {"y": 2, "x": 1}
    assert [(f.rule, f.severity) for f in load.findings] == [("manifest.merge-key", Severity.WARNING)]


def test_directory_named_connect_yaml(tmp_path):
    (tmp_path / "connect.yaml").mkdir()
    assert only(load_manifest(tmp_path)).message == "connect.yaml is a directory"


def test_fifo_does_not_block(tmp_path):
    os.mkfifo(tmp_path / "connect.yaml")
    assert only(load_manifest(tmp_path)).rule == "manifest.not-regular-file"


def test_symlink_leaving_the_repository_is_not_read(tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text("deployAs: []\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "connect.yaml").symlink_to(outside)
    load = load_manifest(repo)
    assert only(load).rule == "manifest.symlink-outside" and load.data is None


def test_symlink_inside_the_repository_is_read(tmp_path):
    (tmp_path / "real.yaml").write_text("deployAs: []\n")
    (tmp_path / "connect.yaml").symlink_to("real.yaml")
    assert load_manifest(tmp_path).data == {"deployAs": []}


def test_data_holds_only_plain_python_types(load_text):
    load = load_text("""
        a: !!set {x, y}
        b: !custom tagged
        c: !!binary aGVsbG8=
        d: !!omap [{k: 1}]
        e: [.inf, -.inf, 0x1F, 0o17, 1e3, 99999999999999999999]
        f: {? [complex, key] : v, 1: one, null: nothing}
        g: &anchor {x: 1}
        h: *anchor
        """)
    assert load.parsed

    def walk(value):
        assert type(value) in (dict, list, str, int, float, bool, type(None)), type(value)
        if isinstance(value, dict):
            assert all(type(k) is str for k in value)
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(load.data)
    assert load.data["b"] == "tagged" and load.data["c"] == "hello" and load.data["h"] == {"x": 1}
    assert set(load.data["f"]) == {"['complex', 'key']", "1", ""}
