"""load_rules: the one loader of rules/ data. One error type names the file and the field at fault."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict

from certifier.core.paths import rules_dir
from certifier.core.rules import RulesError, load_rules, rule_at

SHIPPED = sorted(p.name for p in rules_dir().glob("*.yaml"))


class Limits(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max_bytes: int


class Small(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int
    limits: Limits


@pytest.fixture
def rules(tmp_path, monkeypatch):
    """rules({'name.yaml': text}) -> a rules directory of exactly those files, selected for this test."""

    def make(files: dict[str, str], name: str = "rules"):
        directory = tmp_path / name
        directory.mkdir()
        for file, text in files.items():
            (directory / file).write_text(text, encoding="utf-8")
        monkeypatch.setenv("CERTIFIER_RULES_DIR", str(directory))
        return directory

    return make


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_rule_file_loads(name):
    assert load_rules(name)["version"] == 1


def test_a_model_gives_the_validated_shape(rules):
    rules({"small.yaml": "version: 1\nlimits: {max_bytes: 10}\n"})
    assert load_rules("small.yaml", Small) == Small(version=1, limits=Limits(max_bytes=10))


@pytest.mark.parametrize(
    "text, field, problem",
    [
        ("version: 1\nlimits: {max_bytes: many}\n", "limits.max_bytes", "valid integer"),
        ("version: 1\nlimits: {max_bytes: 1, extra: 2}\n", "limits.extra", "Extra inputs"),
        ("version: 1\n", "limits", "Field required"),
        ("version: 2\nlimits: {max_bytes: 1}\n", "version", "reads version 1"),
        ("limits: {max_bytes: 1}\n", "version", "is None"),
        ("- a list\n", "", "must be a mapping"),
        ("version: [1\n", "", "not valid YAML"),
    ],
)
def test_a_malformed_file_names_the_file_and_the_field(rules, text, field, problem):
    directory = rules({"small.yaml": text})
    with pytest.raises(RulesError, match=problem) as raised:
        load_rules("small.yaml", Small)
    assert raised.value.file == str(directory / "small.yaml")
    assert raised.value.field == field
    assert str(raised.value).startswith(f"{directory / 'small.yaml'}: {field + ': ' if field else ''}")


def test_a_missing_file_is_a_rules_error(rules):
    rules({})
    with pytest.raises(RulesError, match="cannot be read") as raised:
        load_rules("absent.yaml")
    assert raised.value.file.endswith("absent.yaml") and raised.value.field == ""


def test_each_rules_directory_is_loaded_on_its_own(rules, monkeypatch):
    first = rules({"small.yaml": "version: 1\nlimits: {max_bytes: 1}\n"}, "first")
    assert load_rules("small.yaml", Small).limits.max_bytes == 1
    rules({"small.yaml": "version: 1\nlimits: {max_bytes: 2}\n"}, "second")
    assert load_rules("small.yaml", Small).limits.max_bytes == 2
    monkeypatch.setenv("CERTIFIER_RULES_DIR", str(first))
    assert load_rules("small.yaml", Small).limits.max_bytes == 1


def test_a_file_is_parsed_once(rules):
    directory = rules({"small.yaml": "version: 1\nlimits: {max_bytes: 1}\n"})
    loaded = load_rules("small.yaml")
    (directory / "small.yaml").write_text("version: 1\nlimits: {max_bytes: 3}\n")
    assert load_rules("small.yaml") is loaded


def test_a_value_by_its_key_path(rules):
    directory = rules({"small.yaml": "version: 1\nlimits: {max_bytes: 5}\n"})
    assert rule_at("small.yaml", "limits", "max_bytes") == 5
    with pytest.raises(RulesError) as raised:
        rule_at("small.yaml", "limits", "max_files")
    assert (raised.value.file, raised.value.field) == (str(directory / "small.yaml"), "limits.max_files")
