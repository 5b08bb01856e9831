"""The patterns of docs/connectors.md#manifest-patterns as bare connect.yaml samples: accepted ones are valid,
rejected ones give exactly the messages their `# expect:` lines name."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from certifier.connector.manifest import load_manifest, manifest_validity
from certifier.core.model import Severity

SAMPLES = Path(__file__).parent.parent / "fixtures" / "manifests"
ACCEPTED = sorted((SAMPLES / "accepted").glob("*.yaml"))
REJECTED = sorted((SAMPLES / "rejected").glob("*.yaml"))


def validity(sample: Path, tmp_path: Path):
    shutil.copy(sample, tmp_path / "connect.yaml")
    load = load_manifest(tmp_path)
    return load, *manifest_validity(load)


def test_there_are_samples():
    assert len(ACCEPTED) >= 7 and len(REJECTED) >= 9


@pytest.mark.parametrize("sample", ACCEPTED, ids=lambda p: p.stem)
def test_accepted_patterns_are_valid(sample, tmp_path):
    _, valid, findings = validity(sample, tmp_path)
    assert [f.message for f in findings] == []
    assert valid is True


@pytest.mark.parametrize("sample", REJECTED, ids=lambda p: p.stem)
def test_rejected_patterns_give_the_expected_messages(sample, tmp_path):
    expected = [line.split("# expect: ", 1)[1].rstrip("\n") for line in sample.read_text().splitlines()
                if line.startswith("# expect: ")]
    _, valid, findings = validity(sample, tmp_path)
    assert valid is False
    assert [f.message for f in findings if f.severity is Severity.ERROR] == expected


def test_trailing_spaces_after_a_name_are_stripped(tmp_path):
    load, valid, _ = validity(SAMPLES / "accepted" / "required-omitted.yaml", tmp_path)
    assert valid and load.data["deployAs"][0]["name"] == "job-app"
