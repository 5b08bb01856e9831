"""Fixtures of the service tests: tagged connector repos, databases (SQLite; PostgreSQL when the
server is up), a running service app with one token per role, and a loopback callback receiver."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from service_helpers import PG, CallbackSink, ServiceFactory, port_open  # noqa: E402
from support import CONNECTORS, make_tagged_repo  # noqa: E402


def pytest_configure(config):
    # Starlette's TestClient warns that it will move from httpx to httpx2; nothing to act on here.
    config.addinivalue_line("filterwarnings", "ignore:Using `httpx` with `starlette.testclient`")


@pytest.fixture(scope="session")
def repo(tmp_path_factory):
    """repo('minimal') -> a tagged git repository (v1.0.0) made from a fixture connector, once per session."""
    made: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in made:
            made[name] = make_tagged_repo(CONNECTORS / name, tmp_path_factory.mktemp("repos") / name, "v1.0.0")
        return made[name]

    return get


# --- databases -------------------------------------------------------------------------------------

def _admin_connect():
    import psycopg

    return psycopg.connect(host=PG[0], port=PG[1], user="postgres", dbname="postgres", autocommit=True)


@pytest.fixture
def postgres_url():
    """A private PostgreSQL database for one test, dropped afterwards."""
    if not port_open(PG):
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    name = f"certifier_test_{uuid.uuid4().hex[:12]}"
    with _admin_connect() as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://postgres@{PG[0]}:{PG[1]}/{name}"
    with _admin_connect() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'service.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def database_url(request):
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")


# --- the service -----------------------------------------------------------------------------------

@pytest.fixture
def make_service(database_url):
    """make_service(**config overrides) -> Service, on SQLite and on PostgreSQL; stopped after the test."""
    factory = ServiceFactory(database_url)
    yield factory
    factory.close()


@pytest.fixture
def callback_sink():
    sink = CallbackSink()
    yield sink
    sink.close()
