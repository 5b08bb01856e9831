"""The service's system of record (SQLAlchemy 2; SQLite by default, PostgreSQL by URL)."""

from certifier.service.store.db import Database, utcnow

__all__ = ["Database", "utcnow"]
