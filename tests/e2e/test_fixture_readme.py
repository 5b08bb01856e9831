"""The table in tests/fixtures/connectors/README.md stays in step with the fixture folders and their
expectations: one row per folder, no row without a folder, and each row's last column names every check
that expectations.d/*.yaml lists under `flagged` for that fixture."""

from __future__ import annotations

import re

from support import CONNECTORS, load_expectations

CHECK_ID = re.compile(r"[a-z]+\.[a-z0-9-]+(?:\.[a-z0-9-]+)?")


def _rows() -> list[list[str]]:
    rows = []
    for line in (CONNECTORS / "README.md").read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 3 and cells[0] not in ("fixture", "---"):
            rows.append(cells)
    return rows


def _flagged() -> dict[str, set[str]]:
    return {name: set(expected.get("flagged") or {}) for name, expected in load_expectations().items()}


def test_every_fixture_folder_has_exactly_one_row():
    names = [row[0] for row in _rows()]
    folders = {p.name for p in CONNECTORS.iterdir() if p.is_dir() and p.name != "expectations.d"}
    assert sorted(name for name in set(names) if names.count(name) > 1) == []
    assert sorted(folders - set(names)) == [], "fixture folders without a README row"
    assert sorted(set(names) - folders) == [], "README rows without a fixture folder"


def test_each_row_names_every_flagged_check():
    flagged = _flagged()
    for name, _defect, checks in _rows():
        missing = flagged.get(name, set()) - {m.group(0) for m in CHECK_ID.finditer(checks)}
        assert not missing, f"{name}: the README row does not name {sorted(missing)}"
