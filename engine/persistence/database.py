"""Database URLs and engines: SQLite by default, PostgreSQL through the settings' URL."""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect

from engine.persistence import migrate
from engine.persistence.attachment_store import AttachmentStore
from engine.persistence.unit_of_work import UnitOfWork, storage_errors
from engine.persistence.workflow_cache import WorkflowCache
from engine.settings import Settings


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers go on while one writer commits; busy_timeout makes a
    # second writer wait for the lock instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# The settings of each engine a Database made: what a unit of work on it runs under (read by
# the checkpoints, which are written after a change with only the unit of work at hand).
_settings_of: weakref.WeakKeyDictionary[Engine, Settings] = weakref.WeakKeyDictionary()


def settings_of(engine: Engine) -> Settings:
    """The settings the engine's Database was opened with (the defaults for a bare engine)."""
    return _settings_of.get(engine) or Settings()


def make_engine(url: str) -> Engine:
    """Create a SQLAlchemy engine for `url`."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15})
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    return create_engine(url, pool_pre_ping=True)


class Database:
    """One database (SQLite or PostgreSQL) and a fresh unit of work per use case.

    `settings` is the settings object (or, for tests and benches, just a URL over the
    default settings); `attachments` overrides its attachments folder.
    """

    def __init__(self, settings: Settings | str | None = None,
                 attachments: Path | None = None) -> None:
        if not isinstance(settings, Settings):
            settings = Settings(database_url=settings or "")
        self.settings = settings
        self.engine = make_engine(settings.resolved_database_url())
        _settings_of[self.engine] = settings
        self.store = AttachmentStore(attachments or settings.resolved_attachments_dir())
        self.workflows = WorkflowCache()

    def uow(self) -> UnitOfWork:
        """A new unit of work on this database and its attachment store."""
        return UnitOfWork(self.engine, self.store, self.workflows,
                          base_url=self.settings.base_url)

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
