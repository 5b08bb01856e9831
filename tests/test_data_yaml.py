"""certifier's own rule data is parsed by libyaml (ruamel.yaml.clib, a declared dependency) and reads
exactly as the pure-Python parser reads it."""

from __future__ import annotations

import pytest
from ruamel.yaml import YAML

from certifier.core.data_yaml import load_data
from certifier.core.paths import rules_dir

RULE_FILES = sorted(p for p in rules_dir().rglob("*.yaml"))


def test_the_c_parser_is_installed():
    assert YAML(typ="safe").Parser.__name__ == "CParser"  # libyaml: what load_data relies on for its speed


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.relative_to(rules_dir()).as_posix())
def test_every_rule_file_reads_the_same_with_both_parsers(path):
    text = path.read_text(encoding="utf-8")
    assert load_data(text) == YAML(typ="safe", pure=True).load(text)


def test_invalid_yaml_still_raises():
    with pytest.raises(Exception, match="mapping|expected"):
        load_data("a: [1, 2\nb: c")
