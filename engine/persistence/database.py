"""Database URLs and engines: SQLite by default, PostgreSQL through ESKALASI_DATABASE_URL."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect

from engine.persistence import migrate
from engine.persistence.attachment_store import AttachmentStore
from engine.persistence.unit_of_work import UnitOfWork, storage_errors
from engine.persistence.workflow_cache import WorkflowCache

DATABASE_URL_VARIABLE = "ESKALASI_DATABASE_URL"


def instance_path() -> Path:
    """The folder for local state (SQLite file, development secret key): `instance/`."""
    return Path.cwd() / "instance"


def database_url() -> str:
    """The configured SQLAlchemy URL, or a SQLite file under `instance/`."""
    url = os.environ.get(DATABASE_URL_VARIABLE, "").strip()
    if url:
        return url
    path = instance_path()
    path.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path / 'eskalasi.sqlite3'}"


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers go on while one writer commits; busy_timeout makes a
    # second writer wait for the lock instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str | None = None) -> Engine:
    """Create a SQLAlchemy engine for `url` (default: `database_url()`)."""
    url = url or database_url()
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15})
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    return create_engine(url, pool_pre_ping=True)


class Database:
    """One database (SQLite or PostgreSQL) and a fresh unit of work per use case."""

    def __init__(self, url: str | None = None, attachments: Path | None = None) -> None:
        self.engine = make_engine(url)
        self.store = AttachmentStore(attachments)
        self.workflows = WorkflowCache()

    def uow(self) -> UnitOfWork:
        """A new unit of work on this database and its attachment store."""
        return UnitOfWork(self.engine, self.store, self.workflows)

    def upgrade(self) -> None:
        """Create or upgrade the schema."""
        with storage_errors():
            migrate.upgrade(self.engine)

    def has_schema(self) -> bool:
        """Whether `eskalasi init` has created the tables."""
        with storage_errors():
            return inspect(self.engine).has_table("process_versions")

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.dispose()
