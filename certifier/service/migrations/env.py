"""Alembic environment of the service schema. Run through certifier.service.store.migrate.upgrade,
or `alembic -x url=... upgrade head` with script_location = certifier.service:migrations."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from certifier.service.store.db import make_engine
from certifier.service.store.models import Base

# PostgreSQL: two servers starting at once must not both run the same migration.
_PG_LOCK_ID = 0x63657274  # "cert"


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    locked = connection.dialect.name == "postgresql"
    if locked:
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _PG_LOCK_ID})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or context.config.get_main_option("sqlalchemy.url")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run them against a database")
run_migrations_online()
