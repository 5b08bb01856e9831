"""The database in use (seed, synced store, CERTIFIER_ADVISORY_DB) and `advisories sync` from a path and
from a loopback HTTP server: verified records, withdrawn ones counted, atomic replacement."""

from __future__ import annotations

import json
import shutil
import threading
import zipfile
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from certifier.collect.advisories.model import NPM, PYPI, Package
from certifier.collect.advisories.matching import match_packages
from certifier.collect.advisories.store import STORE_FILE, AdvisoryDBError, advisory_db_label, configured_location, open_db
from certifier.collect.advisories.sync import SyncError, sync
FIXTURE_DB = Path(__file__).parents[1] / "fixtures" / "advisories"

SEED = Path(__file__).parents[2] / "rules" / "advisories" / "db"


def zip_of(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(folder.rglob("*.json")):
            archive.write(path, path.relative_to(folder).as_posix())
    return target


@pytest.fixture
def http_dir():
    """Serve a directory on 127.0.0.1 (loopback only); yields the base URL."""
    servers = []

    def serve(folder: Path) -> str:
        handler = partial(_QuietHandler, directory=str(folder))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


def test_the_seed_is_real_osv_and_matches_its_snapshot():
    db = open_db(SEED, "seed")
    meta = json.loads((SEED / "snapshot.json").read_text())
    assert db.snapshot.records == meta["records"] == 59
    assert db.snapshot.ecosystems == {"npm": 45, "PyPI": 14} == meta["ecosystems"]
    assert db.snapshot.date == "2026-11-22" and len(db.snapshot.digest) == 64
    assert db.snapshot.label() == f"seed 2026-11-22 sha256:{db.snapshot.digest[:16]}"


@pytest.mark.parametrize("name, version, advisory, fixed", [
    ("lodash", "4.17.11", "GHSA-jf85-cpcp-j695", "4.17.12"),
    ("minimist", "1.2.5", "GHSA-xvch-5gv4-984h", "1.2.6"),
    ("vm2", "3.9.19", "GHSA-g644-9gfx-q4q4", None),
    ("@babel/traverse", "7.23.0", "GHSA-67hx-6x53-jw92", "7.23.2"),
    ("semver", "7.5.1", "GHSA-c2qf-rxjj-qqgw", "7.5.2"),
    ("express", "4.17.2", "GHSA-hrpp-h998-j3pp", "4.17.3"),
])
def test_seed_knows_the_advisories_the_fixtures_rely_on(name, version, advisory, fixed):
    package = Package(NPM, name, version, False, True, "lock", name)
    db = open_db(SEED, "seed")
    found = {m.advisory.id: m.fixed for m in match_packages(db.index_for([package]), [package]).matches}
    assert found[advisory] == fixed


def test_seed_pypi_records_match_normalised_names():
    package = Package(PYPI, "PyYAML", "5.3.1", False, True, "r", "PyYAML")
    db = open_db(SEED, "seed")
    assert [m.advisory.id for m in match_packages(db.index_for([package]), [package]).matches] == ["GHSA-8q59-q68h-6hv4"]


def test_which_database_is_in_use(monkeypatch, tmp_path):
    assert configured_location()[1] == "seed"  # conftest: CERTIFIER_ADVISORY_DB=seed
    monkeypatch.delenv("CERTIFIER_ADVISORY_DB")
    assert configured_location() == (SEED, "seed")  # nothing synced into the (temporary) cache
    sync([str(FIXTURE_DB)])
    assert configured_location() == (tmp_path / "cache" / "advisories" / STORE_FILE, "synced")
    assert advisory_db_label().startswith("synced 2026-01-15 sha256:")
    monkeypatch.setenv("CERTIFIER_ADVISORY_DB", str(tmp_path / "nowhere"))
    with pytest.raises(AdvisoryDBError, match="does not exist"):
        open_db()
    assert advisory_db_label().startswith("unavailable")


def test_a_directory_and_a_zip_of_the_same_records_have_the_same_digest(tmp_path):
    folder = open_db(FIXTURE_DB, "custom").snapshot
    archive = open_db(zip_of(FIXTURE_DB, tmp_path / "db.zip"), "custom").snapshot
    assert folder.digest == archive.digest and folder.records == archive.records == 9
    assert folder.withdrawn == 1 and folder.ecosystems == {"npm": 5, "PyPI": 2}


def test_an_invalid_record_makes_a_directory_database_unusable(tmp_path):
    shutil.copytree(FIXTURE_DB, tmp_path / "db")
    (tmp_path / "db" / "npm" / "broken.json").write_text('{"id": "X"}')
    with pytest.raises(AdvisoryDBError, match="1 unusable record"):
        open_db(tmp_path / "db", "custom")


def test_a_wrong_record_count_in_snapshot_json_is_refused(tmp_path):
    shutil.copytree(FIXTURE_DB, tmp_path / "db")
    (tmp_path / "db" / "npm" / "FIXT-NPM-0004.json").unlink()
    with pytest.raises(AdvisoryDBError, match="declares 9 records but 8"):
        open_db(tmp_path / "db", "custom")


def test_sync_from_a_path_verifies_and_counts(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(FIXTURE_DB, source)
    (source / "npm" / "broken.json").write_text("{not json")
    report = sync([str(source)], tmp_path / "store")
    assert (report.imported, report.withdrawn, report.other_ecosystems, report.invalid) == (7, 1, 1, 1)
    assert "broken.json" in report.invalid_examples[0]
    snap = report.snapshot
    assert (snap.kind, snap.date, snap.records, snap.ecosystems) == ("synced", "2026-01-15", 7, {"PyPI": 2, "npm": 5})
    db = open_db(tmp_path / "store", "synced")
    package = Package(NPM, "fixture-proto", "1.0.0", False, True, "lock", "x")
    assert [m.advisory.id for m in match_packages(db.index_for([package]), [package]).matches] == ["FIXT-NPM-0001"]


def test_sync_from_a_loopback_url_of_a_zip(tmp_path, http_dir):
    served = tmp_path / "served"
    served.mkdir()
    zip_of(SEED, served / "all.zip")
    report = sync([http_dir(served) + "/all.zip"], tmp_path / "store", date="2026-11-30")
    assert report.imported == 59 and report.snapshot.date == "2026-11-30"
    assert report.snapshot.digest == open_db(SEED, "seed").snapshot.digest  # same records, same digest


def test_a_failed_sync_leaves_the_previous_store_in_place(tmp_path, http_dir):
    store = tmp_path / "store"
    sync([str(FIXTURE_DB)], store)
    before = (store / STORE_FILE).read_bytes()
    with pytest.raises(SyncError, match="answered HTTP 404"):
        sync([http_dir(tmp_path) + "/missing.zip"], store)
    empty = tmp_path / "empty"
    (empty / "x").mkdir(parents=True)
    (empty / "x" / "go.json").write_text(json.dumps({"id": "GO-1", "modified": "2026-01-01T00:00:00Z",
                                                     "affected": [{"package": {"ecosystem": "Go", "name": "m"}}]}))
    with pytest.raises(SyncError, match="no usable advisory"):
        sync([str(empty)], store)
    with pytest.raises(SyncError, match="does not exist"):
        sync([str(tmp_path / "nope")], store)
    assert (store / STORE_FILE).read_bytes() == before
    assert sorted(p.name for p in store.iterdir()) == [STORE_FILE]  # no temporary files left behind


def test_a_zip_bomb_member_is_refused(tmp_path, monkeypatch):
    from certifier.collect.advisories import sources

    archive = tmp_path / "big.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("a.json", "{" + " " * 5000 + "}")
    monkeypatch.setattr(sources, "limit", lambda name: 1000)
    with pytest.raises(SyncError, match="larger than 1000 bytes"):
        sync([str(archive)], tmp_path / "store")
