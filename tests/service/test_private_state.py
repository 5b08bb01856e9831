"""certifier's state is private: the store and the caches are readable by certifier's own user only, so
connector code running as another uid can neither read runs and token hashes nor plant cached results."""

import stat
from pathlib import Path

from certifier.collect.artifacts import reuse_or_make
from certifier.core.model import CheckResult, Outcome, Stage
from certifier.engine.cache import ResultCache
from certifier.service.store.db import make_engine


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_sqlite_store_is_0600_in_a_0700_folder(tmp_path):
    database = tmp_path / "state" / "store.db"
    engine = make_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    engine.dispose()
    assert mode(database) == 0o600
    assert mode(database.parent) == 0o700


def test_an_older_world_readable_store_is_tightened(tmp_path):
    database = tmp_path / "store.db"
    database.write_bytes(b"")
    database.chmod(0o644)
    make_engine(f"sqlite:///{database}").dispose()
    assert mode(database) == 0o600


def test_cached_results_and_artifacts_are_private(tmp_path):
    cache = ResultCache(tmp_path / "results", {"rules": "r"})
    result = CheckResult(check_id="spec.schema", check_version="1.0.0", stage=Stage.SPECIFICATION, title="t",
                         outcome=Outcome.PASS)
    cache.put("ab" + "0" * 62, result)
    entry = tmp_path / "results" / "ab" / ("ab" + "0" * 62 + ".json")
    assert mode(entry) == 0o600
    assert mode(entry.parent) == 0o700 and mode(tmp_path / "results") == 0o700
    reuse_or_make(tmp_path / "artifacts", "sbom.json", ["tree"], lambda: "{}")
    (kept,) = (tmp_path / "artifacts").iterdir()
    assert mode(kept) == 0o600 and mode(tmp_path / "artifacts") == 0o700
