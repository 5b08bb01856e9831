"""`certifier advisories sync|info` (the click group the main CLI registers)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from certifier.cli.advisories import advisories

FIXTURE_DB = Path(__file__).parents[1] / "fixtures" / "advisories"


def test_info_names_the_seed_with_date_and_digest():
    result = CliRunner().invoke(advisories, ["info"])
    assert result.exit_code == 0
    assert "advisory database: seed" in result.output and "snapshot: 2026-11-22 sha256:" in result.output
    data = json.loads(CliRunner().invoke(advisories, ["info", "--format", "json"]).output)
    assert data["records"] == 59 and data["ecosystems"] == {"PyPI": 14, "npm": 45}


def test_sync_then_info_uses_the_synced_store(tmp_path, monkeypatch):
    store = tmp_path / "store"
    monkeypatch.setenv("CERTIFIER_ADVISORY_DB", str(store))
    result = CliRunner().invoke(advisories, ["sync", "--from", str(FIXTURE_DB), "--date", "2026-02-01"])
    assert result.exit_code == 0, result.output
    assert "synced 7 advisories (PyPI 2, npm 5)" in result.output
    assert "skipped: 1 withdrawn, 1 other ecosystems, 0 invalid" in result.output
    info = json.loads(CliRunner().invoke(advisories, ["info", "--format", "json"]).output)
    assert (info["kind"], info["date"], info["records"]) == ("custom", "2026-02-01", 7)


def test_a_failed_sync_exits_2_and_says_the_database_is_unchanged(tmp_path):
    result = CliRunner().invoke(advisories, ["sync", "--from", str(tmp_path / "nope"), "--dest", str(tmp_path)])
    assert result.exit_code == 2 and "previous database is unchanged" in result.output


def test_info_fails_on_an_unusable_database(tmp_path, monkeypatch):
    monkeypatch.setenv("CERTIFIER_ADVISORY_DB", str(tmp_path / "missing"))
    result = CliRunner().invoke(advisories, ["info"])
    assert result.exit_code == 2 and "unavailable" in result.output
